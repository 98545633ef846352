"""The dossier page reads each thing once: the dossier, its rounds with their seats and votes.

Under load the page's cost is mostly Django building queries (bench/pages prints it), so a
query read twice, or once per seat or per round, is a slower site for everyone.
"""

import pytest
from django.urls import reverse

from tests.factories import make_dossier, make_user
from tests.workflow.test_voting import council, open_round_on
from workflow import services

pytestmark = pytest.mark.django_db

# Session, the user with their roles and unread notifications (workflow.backends), dossier,
# history, the rounds with their seats and current votes (3), documents; where the process
# stands is read from those.
MEMBER_PAGE_QUERIES = 8
# Session, the user with their roles, profile, agency and unread notifications, dossier,
# history, rounds (none), documents.
DRAFTER_PAGE_QUERIES = 6


def test_a_member_sees_their_current_vote_ready_to_correct_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council(6)
    round_ = open_round_on(dossier, members)
    for member in members[2:]:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    voter = members[1]
    services.cast_vote(user=voter, round_id=round_.pk, choice="approve")
    services.cast_vote(user=voter, round_id=round_.pk, choice="reject",
                       conditions="Chưa rõ nguồn kinh phí.")
    client.force_login(voter)
    url = reverse("workflow:dossier", args=[dossier.pk])
    with django_assert_max_num_queries(MEMBER_PAGE_QUERIES):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vote_form = page.partition('class="vote"')[2].partition("</form>")[0]
    assert '<option value="reject" selected>' in vote_form
    assert "Chưa rõ nguồn kinh phí." in vote_form


def test_the_chair_who_has_not_voted_gets_an_empty_vote_form(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council(3)
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[1], round_id=round_.pk, choice="reject",
                       conditions="Chưa rõ nguồn kinh phí.")
    client.force_login(members[0])
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    vote_form = page.partition('class="vote"')[2].partition("</form>")[0]
    assert "<select" in vote_form and " selected>" not in vote_form
    assert "Chưa rõ nguồn kinh phí." not in vote_form
    # The secretary sits on the round without a vote: no form.
    client.force_login(make_user("secretary"))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert 'class="vote"' not in page


def test_the_drafters_page_reads_the_dossier_once(client, django_assert_max_num_queries):
    dossier = make_dossier(state="draft", kind="plan")
    client.force_login(dossier.created_by)
    with django_assert_max_num_queries(DRAFTER_PAGE_QUERIES) as captured:
        response = client.get(reverse("workflow:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    dossier_reads = [q["sql"] for q in captured.captured_queries
                     if q["sql"].startswith('SELECT "workflow_dossier"."id"')]
    assert len(dossier_reads) == 1, dossier_reads


def test_the_page_says_which_council_members_still_hold_the_round(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council(4)
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[1], round_id=round_.pk, choice="approve")
    services.cast_vote(user=members[1], round_id=round_.pk, choice="reject",
                       conditions="Chưa rõ nguồn kinh phí.")  # a correction: still one voter
    client.force_login(members[2])
    page = client.get(reverse("workflow:dossier", args=[dossier.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    held_by = page.partition("Held by")[2].partition("</p>")[0]
    waiting = {m.username for m in (members[0], members[2], members[3])}
    assert {name for name in waiting if name in held_by} == waiting
    assert members[1].username not in held_by


@pytest.mark.parametrize("model", ["workflow.Round", "workflow.RoundSeat", "workflow.Vote",
                                   "workflow.Appraisal", "documents.Document",
                                   "documents.DocumentVersion"])
def test_a_dossiers_records_in_their_own_order_are_read_without_joining_another_table(model):
    """Ordered by their dossier (round, document) as a column, not as the row it points to: that
    ordering followed the dossier's own (by when it last changed) through one or two joins, on
    every list of rounds, seats, votes, documents and versions (bench/pages)."""
    from django.apps import apps

    sql = str(apps.get_model(model).objects.filter(pk=1).query)
    assert " JOIN " not in sql, sql
    assert " ORDER BY " in sql
