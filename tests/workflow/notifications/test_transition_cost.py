"""What a transition's notifications cost: a constant number of queries, whoever is told."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_agency, make_dossier, make_user
from workflow import selectors, services
from workflow.jobs import run_follow_ups
from workflow.models import AuditEntry
from workflow.notifications.models import Delivery, Notification
from workflow.roles import ADMINISTRATOR, CLERK, SECRETARY, roles_of


def submit_queries(agency, drafter) -> int:
    """The queries of a submission and of its follow-up (the notifications), wherever it runs."""
    dossier = make_dossier(agency=agency, created_by=drafter)
    with CaptureQueriesContext(connection) as queries:
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
        run_follow_ups()  # nothing to do when the follow-ups run in the transaction
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("in_transaction", [True, False])
def test_a_submission_costs_the_same_queries_for_one_secretary_or_many(settings, in_transaction):
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = in_transaction
    agency = make_agency()
    drafter = make_user("drafter", agency)
    make_user("secretary")
    submit_queries(agency, drafter)  # the first transition reads what later ones find cached
    one = submit_queries(agency, drafter)
    for _ in range(5):
        make_user("secretary")
    many = submit_queries(agency, drafter)
    assert one == many
    assert Notification.objects.filter(kind="submitted").count() == 1 + 1 + 6
    assert Delivery.objects.count() == 8


@pytest.mark.django_db
def test_the_holders_of_a_role_come_in_one_query_with_all_their_roles(django_assert_num_queries):
    # One query, not the users then their groups: the notification of every transition asks it.
    both = make_user(SECRETARY)
    both.groups.add(Group.objects.get_or_create(name=CLERK)[0])
    both.groups.add(Group.objects.get_or_create(name="mailing list")[0])  # not a role
    plain = make_user(SECRETARY)
    make_user(CLERK)
    make_user(SECRETARY, is_active=False)
    with django_assert_num_queries(1):
        holders = selectors.people_with_roles({SECRETARY})
    assert [u.pk for u in holders] == [both.pk, plain.pk]  # each once, in order
    assert [roles_of(u) for u in holders] == [{SECRETARY, CLERK}, {SECRETARY}]
    assert [u.profile.agency_id for u in holders] == [None, None]


@pytest.mark.django_db
def test_the_administrators_include_the_superusers_with_their_other_roles():
    root = make_user(SECRETARY, is_superuser=True)
    admin = make_user(ADMINISTRATOR)
    make_user(SECRETARY)
    holders = selectors.people_with_roles({ADMINISTRATOR})
    assert [u.pk for u in holders] == [root.pk, admin.pk]
    assert [roles_of(u) for u in holders] == [{SECRETARY, ADMINISTRATOR}, {ADMINISTRATOR}]


@pytest.mark.django_db
def test_people_without_any_role_come_with_none():
    nobody = make_user()
    [found] = selectors.people([nobody.pk])
    assert found.pk == nobody.pk and roles_of(found) == frozenset()


@pytest.mark.django_db
def test_each_secretary_gets_their_own_rows_of_one_submission():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    secretaries = [make_user(SECRETARY) for _ in range(3)]
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(
        dossier_id=dossier.pk, action="submit", user=drafter, comment="Gửi lần đầu."
    )
    entry = AuditEntry.objects.get(dossier=dossier, action="submit")
    key = f"dossier:{dossier.pk}:submit:{entry.created_at.isoformat()}:submitted"
    told = list(Notification.objects.order_by("recipient_id"))
    assert [(n.recipient_id, n.key, n.kind, n.channel) for n in told] == [
        (s.pk, key, "submitted", "immediate") for s in secretaries
    ]
    assert [n.context for n in told] == [
        {
            "title": dossier.title,
            "agency": agency.name,
            "resubmitted": False,
            "comment": "Gửi lần đầu.",
        }
    ] * 3
    assert {n.created_at for n in told} == {told[0].created_at}
    mails = list(Delivery.objects.order_by("recipient_id"))
    assert [(d.recipient_id, d.key, d.event_key, d.status, d.attempts) for d in mails] == [
        (s.pk, f"n:{s.pk}:{key}", key, "pending", 0) for s in secretaries
    ]
    assert (
        {d.next_attempt_at for d in mails} == {d.created_at for d in mails} == {told[0].created_at}
    )
