"""Random sequences of actions by random people with random text, on the state machine and the
council: whatever happens, the invariants hold.

The default run is short (profile "quick"); `HYPOTHESIS_PROFILE=long` runs many more sequences.
"""

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from documents.models import DocumentVersion
from documents.text import clean_text
from tests.factories import make_agency, make_user
from workflow import actions, flows, services
from workflow.errors import DomainError
from workflow.models import AuditEntry, Dossier, KindPolicy, Round, RoundResult, Vote
from workflow.states import Stage

settings.register_profile(
    "quick",
    max_examples=5,
    stateful_step_count=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "long",
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Text as people paste it: control characters (NUL, Word's line break), invisible and
# right-to-left marks, combining accents, Vietnamese, emoji, anything else Unicode has.
ODD = [
    "\x00",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\x85",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\u0301",
    "\u2028",
    "\ud7ff",
    "\U0001f600",
    "Đ",
    "ệ",
    "\t",
    "\n",
    "\r",
    " ",
    "<",
    "&",
]
TEXT = st.text(st.one_of(st.sampled_from(ODD), st.characters()), max_size=30)
KINDS = ["plan", "investment_report", "project"]
BUTTONS = [name for name, spec in actions.ACTIONS.items() if spec.is_button]
CHOICES = ["approve", "approve_with_conditions", "reject", "abstain", "recuse"]
# A dossier here takes no process task: it is finished (archived) or left (withdrawn).
WITHOUT_TASK = {Stage.ARCHIVED, Stage.WITHDRAWN}


class CouncilMachine(RuleBasedStateMachine):
    """One agency's world per run: people in every role, the dossiers they create."""

    def __init__(self):
        super().__init__()
        agency = make_agency()
        self.drafter = make_user("drafter", agency)
        self.stranger = make_user("drafter", make_agency())
        self.secretary = make_user("secretary")
        self.approver = make_user("approver")
        self.appraiser = make_user("appraiser")
        self.clerk = make_user("clerk")
        self.members = [make_user("council_member") for _ in range(5)]
        self.people = [
            self.drafter,
            self.stranger,
            self.secretary,
            self.approver,
            self.appraiser,
            self.clerk,
            *self.members,
        ]
        self.dossiers = []
        # What each person was told succeeded, per dossier: the audit trail must say the same.
        self.expected = {}

    def _checklist(self):
        # Every kind has the same default completeness checklist.
        return KindPolicy.for_kind("plan").checklist

    def _did(self, dossier_id, action):
        self.expected.setdefault(dossier_id, []).append(action)

    @initialize(kind=st.sampled_from(KINDS))
    def a_dossier_before_its_council(self, kind):
        # Every run starts with a round open, so votes and closes happen in short runs too.
        dossier = services.create_dossier(
            user=self.drafter, kind=kind, title="Đề án", program="CT27", summary="Tóm tắt"
        )
        self.dossiers.append(dossier.pk)
        self._did(dossier.pk, actions.CREATE)
        self.to_the_council_(dossier.pk)
        services.open_round(
            user=self.secretary,
            dossier_id=dossier.pk,
            chair_id=self.members[0].pk,
            member_ids=[m.pk for m in self.members[1:4]],
        )
        self._did(dossier.pk, actions.OPEN_ROUND)

    @rule(kind=st.sampled_from(KINDS), title=TEXT, summary=TEXT)
    def create(self, kind, title, summary):
        try:
            dossier = services.create_dossier(
                user=self.drafter,
                kind=kind,
                title=title or "Kế hoạch",
                program="CT27",
                summary=summary or "Tóm tắt",
            )
        except DomainError:
            return
        self.dossiers.append(dossier.pk)
        self._did(dossier.pk, actions.CREATE)

    @precondition(lambda self: self.dossiers)
    @rule(data=st.data(), action=st.sampled_from(BUTTONS), comment=TEXT)
    def transition(self, data, action, comment):
        dossier_id = data.draw(st.sampled_from(self.dossiers))
        user = data.draw(st.sampled_from(self.people))
        try:
            services.transition_dossier(
                dossier_id=dossier_id,
                action=action,
                user=user,
                comment=comment,
                checked=self._checklist() if data.draw(st.booleans()) else [],
            )
        except DomainError:
            return
        self._did(dossier_id, action)

    @precondition(lambda self: self.dossiers)
    @rule(data=st.data())
    def to_the_council(self, data):
        # Random people rarely hit the right button in the right order: walk a dossier there.
        self.to_the_council_(data.draw(st.sampled_from(self.dossiers)))

    def to_the_council_(self, dossier_id):
        for action, user in ((actions.SUBMIT, self.drafter), (actions.ACCEPT, self.secretary)):
            try:
                services.transition_dossier(
                    dossier_id=dossier_id, action=action, user=user, checked=self._checklist()
                )
            except DomainError:
                continue
            self._did(dossier_id, action)

    @precondition(lambda self: self.dossiers)
    @rule(data=st.data(), size=st.integers(min_value=3, max_value=4))
    def open_round(self, data, size):
        dossier_id = data.draw(st.sampled_from(self.dossiers))
        council = data.draw(st.permutations(self.members))[: size + 1]
        try:
            services.open_round(
                user=self.secretary,
                dossier_id=dossier_id,
                chair_id=council[0].pk,
                member_ids=[m.pk for m in council[1:]],
            )
        except DomainError:
            return
        self._did(dossier_id, actions.OPEN_ROUND)

    def _open_rounds(self):
        return list(Round.objects.filter(dossier_id__in=self.dossiers, closed_at=None))

    @precondition(lambda self: self.dossiers)
    @rule(data=st.data(), choice=st.sampled_from(CHOICES), comment=TEXT, reason=TEXT)
    def vote(self, data, choice, comment, reason):
        rounds = self._open_rounds()
        if not rounds:
            return
        round_ = data.draw(st.sampled_from(rounds))
        member = data.draw(st.sampled_from(self.members))
        self._vote(round_, member, choice, comment, reason)

    def _vote(self, round_, member, choice, comment, reason):
        texts = {"comment": comment, "conditions": reason, "conflict": reason}
        previous = Vote.objects.filter(round=round_, member=member, correction__isnull=True).first()
        try:
            services.cast_vote(user=member, round_id=round_.pk, choice=choice, **texts)
        except DomainError:
            return
        same = (
            previous is not None
            and previous.choice == choice
            and all(getattr(previous, k) == clean_text(v) for k, v in texts.items())
        )
        if not same:
            self._did(round_.dossier_id, actions.CORRECT_VOTE if previous else actions.VOTE)

    @precondition(lambda self: self.dossiers)
    @rule(data=st.data())
    def whole_council_votes(self, data):
        rounds = self._open_rounds()
        if not rounds:
            return
        round_ = data.draw(st.sampled_from(rounds))
        for seat in round_.seats.exclude(role="secretary").select_related("user"):
            choice = data.draw(st.sampled_from(CHOICES))
            self._vote(round_, seat.user, choice, data.draw(TEXT), data.draw(TEXT))

    @precondition(lambda self: self.dossiers)
    @rule(data=st.data())
    def close(self, data):
        rounds = self._open_rounds()
        if not rounds:
            return
        round_ = data.draw(st.sampled_from(rounds))
        try:
            services.close_round(round_id=round_.pk, user=self.secretary)
        except DomainError:
            return
        self._did(round_.dossier_id, actions.CLOSE_ROUND)

    @invariant()
    def stage_and_process_agree(self):
        for dossier in Dossier.objects.filter(pk__in=self.dossiers):
            task = flows.active_task(dossier)
            if dossier.state in WITHOUT_TASK:
                assert task is None, (dossier.state, task)
            else:
                assert task is not None, dossier.state
                assert task.flow_task.stage == flows.stage_of_task(dossier.state)

    @invariant()
    def every_vote_counted_once_and_every_round_closed_once_with_minutes(self):
        for round_ in Round.objects.filter(dossier_id__in=self.dossiers):
            current = Vote.objects.filter(round=round_, correction__isnull=True)
            members = list(current.values_list("member_id", flat=True))
            assert len(members) == len(set(members)), "a member counted twice"
            closes = AuditEntry.objects.filter(
                dossier_id=round_.dossier_id,
                action=actions.CLOSE_ROUND,
                details__round=round_.number,
            ).count()
            if round_.is_open:
                assert closes == 0
                continue
            if round_.result == RoundResult.ABANDONED:
                assert closes <= 1
                continue
            assert closes == 1, (round_.result, closes)
            outcome = round_.outcome
            counted = sum(outcome[k] for k in ("approving", "rejecting", "abstaining", "recused"))
            assert counted == len(members), (outcome, len(members))
        for dossier_id in self.dossiers:
            tallied = Round.objects.filter(dossier_id=dossier_id, closed_at__isnull=False).exclude(
                result=RoundResult.ABANDONED
            )
            minutes = DocumentVersion.objects.filter(
                document__dossier_id=dossier_id, document__doc_type="minutes"
            ).count()
            assert minutes == tallied.count(), (minutes, tallied.count())

    @invariant()
    def the_audit_trail_matches_what_people_did(self):
        for dossier_id in self.dossiers:
            recorded = list(
                AuditEntry.objects.filter(dossier_id=dossier_id, actor__isnull=False)
                .order_by("pk")
                .values_list("action", flat=True)
            )
            assert recorded == self.expected.get(dossier_id, []), (
                recorded,
                self.expected.get(dossier_id),
            )


@pytest.mark.django_db
def test_random_actions_keep_the_workflow_consistent():
    profile = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
    CouncilMachine.TestCase.settings = profile
    CouncilMachine.TestCase().runTest()
