"""PostgreSQL's timestamps are read by psycopg's compiled loader, with the values and time zone
Django's own loader gave (config/postgresql/base.py)."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone
from psycopg import adapters
from psycopg.pq import Format

from tests.factories import make_user
from workflow.notifications.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MOMENTS = [
    datetime.datetime(2026, 11, 30, 8, 15, 42, 123456, tzinfo=HANOI),
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=HANOI),  # the day before, in UTC
    datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    datetime.datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_a_timestamp_reads_back_as_the_same_moment_in_utc(moment):
    person = make_user()
    with timezone.override(HANOI):  # the page's time zone changes nothing read
        note = Notification.objects.create(recipient=person, kind="submitted", key="k",
                                           channel="in_app", created_at=moment)
        read = Notification.objects.get(pk=note.pk).created_at
        listed = Notification.objects.filter(pk=note.pk).values_list("created_at", flat=True)[0]
    assert read == moment and listed == moment
    assert read.tzinfo is datetime.UTC and listed.tzinfo is datetime.UTC
    assert read.utcoffset() == datetime.timedelta(0)


def test_timestamps_are_parsed_by_psycopgs_compiled_code():
    """Django's loader was psycopg's pure-Python one: about 7 µs a value, a third of the CPU of
    reading a dossier's row. With psycopg[binary] the compiled one does it."""
    with connection.cursor() as cursor:
        oid = adapters.types["timestamptz"].oid
        loader = cursor.cursor.adapters.get_loader(oid, Format.TEXT)(oid, cursor.cursor)
        parser = type(loader.load.__self__)
        assert parser.__module__.endswith("._psycopg"), parser  # psycopg_binary's or psycopg_c's
        assert loader.load(b"2026-11-30 01:15:42.123456+00") == MOMENTS[0]
