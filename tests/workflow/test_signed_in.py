"""The signed-in person is read once per request, with their roles, profile, agency and unread
notifications (workflow.backends), and is still read afresh on every request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, make_agency, make_user
from workflow.roles import COUNCIL_MEMBER, DRAFTER

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
