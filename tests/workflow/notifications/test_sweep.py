"""The day's sweep: reminders before a deadline, on the day, overdue escalation, digests."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_agency, make_dossier
from tests.workflow.notifications.test_events import person, told
from workflow import services
from workflow.notifications import sweep
from workflow.notifications.jobs import run_mail_deliveries
from workflow.notifications.models import Delivery, Notification, Preference, ReminderPolicy

# A Wednesday at 08:00 in Hà Nội: Friday is two working days ahead, Monday three.
WEDNESDAY = datetime.datetime(
    2026, 12, 2, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
)
TODAY = WEDNESDAY.date()
FRIDAY, MONDAY = TODAY + datetime.timedelta(days=2), TODAY + datetime.timedelta(days=5)


@pytest.fixture
def office():
    agency = make_agency()
    return {
        "agency": agency,
        "drafter": person("drafter", agency),
        "stranger": person("drafter", make_agency()),
        "secretary": person("secretary"),
        "approver": person("approver"),
        "appraiser": person("appraiser"),
    }


@pytest.mark.django_db
def test_reminders_go_n_working_days_before_and_on_the_day_to_whose_turn_it_is(office):
    agency = office["agency"]
    make_dossier(
        agency=agency,
        created_by=office["drafter"],
        state="appraisal",
        kind="project",
        stage_due_on=FRIDAY,
        title="A",
    )
    make_dossier(
        agency=agency,
        created_by=office["drafter"],
        state="revision_requested",
        stage_due_on=TODAY,
        title="B",
    )
    make_dossier(
        agency=agency,
        created_by=office["drafter"],
        state="awaiting_approval",
        stage_due_on=MONDAY,
        title="C",
    )
    sweep.run(now=WEDNESDAY)
    reminded = {
        (n.recipient.username, n.context["title"])
        for n in Notification.objects.filter(kind="reminder").select_related("recipient")
    }
    assert reminded == {
        (office["appraiser"].username, "A"),
        (office["drafter"].username, "B"),
    }
    assert sweep.run(now=WEDNESDAY) == 0  # nobody is told twice
    assert Notification.objects.filter(kind="reminder").count() == 2
    assert Delivery.objects.filter(event_key__startswith="reminder:").count() == 2


@pytest.mark.django_db
def test_the_number_of_days_is_the_kinds_reminder_policy(office):
    ReminderPolicy.objects.create(kind="plan", days_before=3)
    make_dossier(
        agency=office["agency"],
        created_by=office["drafter"],
        state="awaiting_approval",
        stage_due_on=MONDAY,
    )
    sweep.run(now=WEDNESDAY)
    assert told("reminder") == {office["approver"].username}


@pytest.mark.django_db
def test_round_members_who_have_not_voted_are_reminded(office):
    dossier = make_dossier(
        agency=office["agency"], created_by=office["drafter"], state="council_review"
    )
    voted, waiting = person("council_member"), person("council_member")
    round_ = services.open_round(
        user=office["secretary"],
        dossier_id=dossier.pk,
        chair_id=voted.pk,
        member_ids=[waiting.pk],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.cast_vote(user=voted, round_id=round_.pk, choice="approve")
    round_.due_on = FRIDAY
    round_.save(update_fields=["due_on"])
    sweep.run(now=WEDNESDAY)
    assert told("reminder") == {waiting.username}


@pytest.mark.django_db
def test_overdue_escalates_once_a_working_day_to_secretary_or_approver(office):
    agency = office["agency"]
    yesterday = TODAY - datetime.timedelta(days=1)
    make_dossier(
        agency=agency,
        created_by=office["drafter"],
        state="submitted",
        stage_due_on=yesterday,
        title="council",
    )
    make_dossier(
        agency=agency, state="appraisal", kind="project", stage_due_on=yesterday, title="x"
    )
    sweep.run(now=WEDNESDAY)
    sweep.run(now=WEDNESDAY + datetime.timedelta(hours=3))
    escalated = {
        (n.recipient.username, n.context["title"])
        for n in Notification.objects.filter(kind="overdue").select_related("recipient")
    }
    assert escalated == {
        (office["secretary"].username, "council"),
        (office["approver"].username, "x"),
    }
    sweep.run(now=WEDNESDAY + datetime.timedelta(days=1))  # Thursday: once more
    assert Notification.objects.filter(kind="overdue").count() == 4
    sweep.run(now=WEDNESDAY + datetime.timedelta(days=3))  # Saturday: not a working day
    assert Notification.objects.filter(kind="overdue").count() == 4


@pytest.mark.django_db
def test_a_digest_gathers_the_days_notifications_into_one_mail(office, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    Preference.objects.create(user=office["approver"], kind="reminder", channel="digest")
    for title in ("A", "B"):
        make_dossier(
            agency=office["agency"], state="awaiting_approval", stage_due_on=FRIDAY, title=title
        )
    sweep.run(now=WEDNESDAY.replace(hour=6))  # before the digest hour: reminders only
    assert not Delivery.objects.filter(kind="digest").exists()
    sweep.run(now=WEDNESDAY)
    digest = Delivery.objects.get(kind="digest")
    assert digest.notifications.count() == 2
    sweep.run(now=WEDNESDAY + datetime.timedelta(hours=2))
    assert Delivery.objects.filter(kind="digest").count() == 1
    run_mail_deliveries(limit=10)
    [message] = mail.outbox
    assert message.to == [office["approver"].email]
    assert "2" in message.subject and "A" in message.body and "B" in message.body
