"""The signed-in person is read once per request, with their roles, profile, agency and unread
notifications (workflow.backends), and is still read afresh on every request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_agency, make_user
from workflow.backends import PersonBackend
from workflow.notifications.models import Notification
from workflow.roles import ADMINISTRATOR, COUNCIL_MEMBER, DRAFTER, roles_of

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    """Through the login form, as a person does (the throttle and the backends in turn)."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_drafters_page_reads_them_with_roles_profile_agency_and_bell_in_one_query(client):
    drafter = make_user(DRAFTER, make_agency("Sở Tài chính"))
    sign_in(client, drafter)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/")
    assert page.status_code == 200
    tables = ("auth_user_groups", "workflow_profile", 'FROM "workflow_agency"',
              "notifications_notification")
    about_them = [q["sql"] for q in captured.captured_queries
                  if any(table in q["sql"] for table in tables)]
    assert len(about_them) == 1, about_them
    assert all(table in about_them[0] for table in (
        "workflow_profile", "workflow_agency", "notifications_notification"))


def test_a_role_taken_away_counts_from_the_next_request(client):
    member = make_user(COUNCIL_MEMBER)
    sign_in(client, member)
    dashboard = reverse("workflow:dashboard:home")
    assert client.get(dashboard).status_code == 200
    member.groups.remove(Group.objects.get(name=COUNCIL_MEMBER))
    assert client.get(dashboard).status_code == 403


def test_a_deactivated_person_is_signed_out_at_their_next_request(client):
    drafter = make_user(DRAFTER, make_agency())
    sign_in(client, drafter)
    assert client.get("/").status_code == 200
    drafter.is_active = False
    drafter.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def _fields(instance):
    """Every stored field of a model instance, with the type it was read as."""
    return {f.attname: (getattr(instance, f.attname), type(getattr(instance, f.attname)))
            for f in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("who", ["drafter with an agency", "member without one", "superuser"])
def test_the_person_of_a_request_reads_as_the_orm_reads_them(who):
    """The query of workflow.backends is written by hand: every field of the user, the profile
    and the agency comes back with the value and type the ORM gives, on either database."""
    User = get_user_model()
    if who == "superuser":
        person = User.objects.create_superuser("root-of-it", "r@example.org", PASSWORD)
    else:
        role, agency = (DRAFTER, make_agency("Sở Y tế")) if "drafter" in who else (COUNCIL_MEMBER,
                                                                                    None)
        person = make_user(role, agency, first_name="Trần", last_name="Thị Bình",
                           email="binh@example.org")
        person.groups.add(Group.objects.get_or_create(name="not a role")[0])
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    for n, read_at in enumerate([None, None, timezone.now()]):
        Notification.objects.create(recipient=person, kind="submitted", key=f"k{n}",
                                    channel="in_app", read_at=read_at)

    read = PersonBackend().get_user(person.pk)
    orm = User.objects.select_related("profile__agency").get(pk=person.pk)
    assert _fields(read) == _fields(orm)
    assert read.unread_notifications == 2
    if who == "superuser":
        assert roles_of(read) == {ADMINISTRATOR}
        with CaptureQueriesContext(connection) as captured:
            assert not hasattr(orm, "profile") and not hasattr(read, "profile")
        assert captured.captured_queries == []  # known to have none, like select_related's
        return
    assert roles_of(read) == ({DRAFTER} if "drafter" in who else {COUNCIL_MEMBER})
    with CaptureQueriesContext(connection) as captured:
        assert _fields(read.profile) == _fields(orm.profile)
        if orm.profile.agency is None:
            assert read.profile.agency is None
        else:
            assert _fields(read.profile.agency) == _fields(orm.profile.agency)
    assert captured.captured_queries == []  # all of it came with the user


def test_no_such_person_reads_as_nobody():
    assert PersonBackend().get_user(987654321) is None
