"""The last vote and the round's close are one step; input is refused, never silently lost."""

import pytest

from documents.signals import document_changed
from tests.factories import make_dossier
from tests.workflow.test_voting import council, open_round_on
from workflow import services
from workflow.errors import InvalidInput
from workflow.models import AuditEntry, Dossier, Round, Vote

pytestmark = pytest.mark.django_db


class MinutesFailed(Exception):
    pass


def test_a_failure_while_closing_takes_the_last_vote_back_with_it():
    dossier = make_dossier(state="council_review")
    members = council(2)
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")

    def fail_on_the_minutes(**kwargs):
        raise MinutesFailed

    document_changed.connect(fail_on_the_minutes)
    try:
        with pytest.raises(MinutesFailed):
            services.cast_vote(user=members[1], round_id=round_.pk, choice="approve")
    finally:
        document_changed.disconnect(fail_on_the_minutes)
    # Never a fully voted round left open: the vote went back with the close.
    round_.refresh_from_db()
    assert round_.is_open
    assert Vote.objects.filter(round=round_).count() == 1
    # The member simply votes again, and the round closes.
    services.cast_vote(user=members[1], round_id=round_.pk, choice="approve")
    round_.refresh_from_db()
    assert not round_.is_open and round_.result == "passed"
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"
    assert round_.dossier.documents.filter(doc_type="minutes").exists()


def test_the_same_vote_twice_is_one_vote_not_a_correction():
    dossier = make_dossier(state="council_review")
    members = council(3)
    round_ = open_round_on(dossier, members)
    first = services.cast_vote(user=members[0], round_id=round_.pk, choice="approve", comment="Ổn")
    again = services.cast_vote(user=members[0], round_id=round_.pk, choice="approve", comment="Ổn")
    assert again.pk == first.pk
    assert Vote.objects.filter(round=round_).count() == 1
    assert AuditEntry.objects.filter(dossier=dossier, action="correct_vote").count() == 0
    changed = services.cast_vote(user=members[0], round_id=round_.pk, choice="abstain")
    assert changed.supersedes_id == first.pk  # a real change is still a visible correction


def test_a_comment_over_the_limit_is_refused_not_cut_or_dropped():
    dossier = make_dossier(state="council_review")
    members = council(2)
    round_ = open_round_on(dossier, members)
    with pytest.raises(InvalidInput, match="5001 characters long; at most 5000"):
        services.cast_vote(
            user=members[0], round_id=round_.pk, choice="approve", comment="x" * 5001
        )
    assert not Vote.objects.exists()
    with pytest.raises(InvalidInput, match="at most 5000"):
        services.transition_dossier(
            dossier_id=make_dossier(state="awaiting_approval").pk,
            action="reject",
            user=members[0],
            comment="y" * 5001,
        )
    assert Round.objects.get(pk=round_.pk).is_open
