"""Council rounds: the secretary opens, members vote, the tally decides."""

from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.text import check_length, clean_text

from .. import actions, flows, paperwork, permissions
from ..errors import InvalidInput, NotPermitted, TransitionRefused, VoteClosed
from ..models import Dossier, KindPolicy, Round, RoundResult, RoundSeat, Seat, Vote, VoteChoice
from ..policies import APPROVE_WITH_CONDITIONS, RECUSE, REJECT, tally
from ..signals import dossier_changed, round_closed, round_opened
from ..states import Stage
from .audit import record_audit
from .transitions import in_working_days, transition_dossier
from .values import object_id, object_ids, refusing_bad_values, round_deadline

_ROUND_ACTIONS = {
    # stage decided: (action when passed, action when revision is needed)
    Stage.COUNCIL_REVIEW: (actions.PASS_REVIEW, actions.REQUEST_REVISION),
    Stage.APPRAISAL: (actions.COMPLETE_APPRAISAL, actions.REQUEST_REVISION),
}


@refusing_bad_values
@transaction.atomic
def open_round(*, user, dossier_id, chair_id, member_ids, due_on=None, secretary_id=None) -> Round:
    """The secretary composes the council for a round on the dossier's current stage."""
    if not permissions.may_manage_rounds(user):
        raise NotPermitted(_("Only the council secretary can open a review round."))
    not_members = _("The chair and every member must be council members.")
    dossier_id = object_id(dossier_id, _("This dossier does not exist."))
    chair_id = object_id(chair_id, not_members)
    member_ids = object_ids(member_ids, not_members)
    secretary_id = object_id(secretary_id, not_members) if secretary_id else None
    due_on = round_deadline(due_on)
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    if dossier.state not in permissions.council_stages(dossier.kind):
        raise TransitionRefused(
            _("At the stage “%(stage)s” no council votes on this dossier.")
            % {"stage": dossier.get_state_display()}
        )
    if dossier.rounds.filter(closed_at=None).exists():
        raise InvalidInput(_("A review round is already open on this dossier."))
    member_ids = [pk for pk in member_ids if pk != chair_id]
    voter_ids = [int(chair_id), *dict.fromkeys(member_ids)]
    voters = get_user_model().objects.filter(pk__in=voter_ids, is_active=True)
    if len(voters) != len(voter_ids) or not all(permissions.may_sit_on_council(v) for v in voters):
        raise InvalidInput(_("The chair and every member must be council members."))
    policy = KindPolicy.for_kind(dossier.kind)
    _check_council(voter_ids, policy, secretary_id=int(secretary_id or user.pk))
    today = timezone.localdate()
    if due_on is None:
        due_on = in_working_days(policy.days_for(dossier.state) or 10)
    if due_on < today:
        raise InvalidInput(_("The deadline of a round cannot be in the past."))
    round_ = Round.objects.create(
        dossier=dossier,
        stage=dossier.state,
        number=dossier.rounds.count() + 1,
        opened_by=user,
        due_on=due_on,
        secret_ballot=policy.secret_ballot_at(dossier.state),
    )
    secretary_id = int(secretary_id or user.pk)
    seats = [RoundSeat(round=round_, user_id=chair_id, role=Seat.CHAIR)]
    seats += [RoundSeat(round=round_, user_id=pk, role=Seat.MEMBER) for pk in voter_ids[1:]]
    if secretary_id not in voter_ids:
        seats.append(RoundSeat(round=round_, user_id=secretary_id, role=Seat.SECRETARY))
    RoundSeat.objects.bulk_create(seats)
    flows.RoundDeadlineFlow.start.run(round_=round_)
    record_audit(
        dossier=dossier,
        actor=user,
        action=actions.OPEN_ROUND,
        details={
            "round": round_.number,
            "stage": round_.stage,
            "due_on": due_on.isoformat(),
            "chair": int(chair_id),
            "members": voter_ids[1:],
        },
    )
    round_opened.send(sender=Round, round=round_)
    dossier_changed.send(sender=Dossier, dossier=dossier)
    return round_


def _check_council(voter_ids, policy, *, secretary_id) -> None:
    """A council votes with its chair and enough members; its secretary only keeps the minutes."""
    if secretary_id in voter_ids:
        raise InvalidInput(
            _("The council secretary keeps the minutes and does not vote: choose other members."),
            field="members",
        )
    minimum, chosen = policy.council_minimum, len(voter_ids) - 1
    if chosen < minimum:
        raise InvalidInput(
            _("A council needs at least %(minimum)d members besides the chair; %(chosen)d chosen."),
            {"minimum": minimum, "chosen": chosen},
            field="members",
        )


_REQUIRED_TEXT = {
    APPROVE_WITH_CONDITIONS: ("conditions", gettext_lazy("Write the conditions of your approval.")),
    REJECT: ("conditions", gettext_lazy("Write the reasons for rejecting.")),
    RECUSE: (
        "conflict",
        gettext_lazy("Declare the conflict of interest you recuse yourself for."),
    ),
}


def _lock_round(round_id) -> Round:
    try:
        return (
            Round.objects.select_for_update(of=("self",))
            .select_related("dossier__agency")
            .get(pk=round_id)
        )
    except (Round.DoesNotExist, ValueError, TypeError, OverflowError):
        raise InvalidInput(_("This voting round does not exist.")) from None


@refusing_bad_values
def cast_vote(*, user, round_id, choice, comment="", conditions="", conflict="") -> Vote:
    """A member votes; a changed vote is a visible correction; the last vote closes the round.

    The vote and, when it is the last, the round's close (tally, minutes, the dossier's
    transition) are one transaction: a crash never leaves a fully voted round open. The same
    vote sent again (a double click, a retried form) is the vote already recorded, not a
    correction.
    """
    texts = {
        "comment": clean_text(comment),
        "conditions": clean_text(conditions),
        "conflict": clean_text(conflict),
    }
    if choice not in VoteChoice.values:
        raise InvalidInput(_("Choose how you vote."))
    for text in texts.values():
        check_length(text)
    if choice in _REQUIRED_TEXT:
        field, message = _REQUIRED_TEXT[choice]
        if not texts[field]:
            raise InvalidInput(message, field=field)
    round_id = object_id(round_id, _("This voting round does not exist."))
    # Seats do not change once a round is open: checked before taking the lock, kept short.
    voter_ids = list(
        RoundSeat.objects.filter(round_id=round_id)
        .exclude(role=Seat.SECRETARY)
        .order_by()
        .values_list("user_id", flat=True)
    )
    if user.pk not in voter_ids:
        raise NotPermitted(_("Only the members of this round's council can vote."))
    return _record_vote(
        user=user, round_id=round_id, choice=choice, texts=texts, voters=len(voter_ids)
    )


@transaction.atomic
def _record_vote(*, user, round_id, choice, texts, voters) -> Vote:
    # FOR UPDATE: the votes of one round go in one at a time (a council is a handful of
    # people), so the vote that completes the round sees every other one and closes it here.
    round_ = _lock_round(round_id)
    if not round_.is_open:
        raise VoteClosed(_("This voting round is closed."))
    if round_.due_on < timezone.localdate():
        raise VoteClosed(_("The deadline of this voting round has passed."))
    previous = (
        Vote.objects.filter(round=round_, member=user, correction__isnull=True).order_by().first()
    )
    if previous is not None and _same_vote(previous, choice, texts):
        return previous
    vote = Vote.objects.create(
        round=round_, member=user, choice=choice, supersedes=previous, **texts
    )
    record_audit(
        dossier_id=round_.dossier_id,
        actor=user,
        action=actions.CORRECT_VOTE if previous else actions.VOTE,
        # The comment stays in the details: the history shows who voted, not how or why.
        details=_vote_details(round_, choice, texts, previous),
    )
    current = Vote.objects.filter(round=round_).values("member_id").distinct().count()
    if current >= voters:
        _close_locked_round(round_, user=None)
    return vote


def _same_vote(vote: Vote, choice, texts) -> bool:
    return vote.choice == choice and all(getattr(vote, k) == v for k, v in texts.items())


def _vote_details(round_, choice, texts, previous) -> dict:
    details = {"round": round_.number}
    if round_.secret_ballot:
        return details  # a secret ballot records that a member voted, never how
    return {
        **details,
        "choice": choice,
        "comment": texts["comment"],
        "conditions": texts["conditions"],
        "conflict": texts["conflict"],
        **({"corrects": previous.choice} if previous else {}),
    }


@refusing_bad_values
def close_round(*, round_id, user=None) -> Round:
    """Tally the round and take the dossier on. Idempotent: a closed round stays as it was.

    `user` None is the system (the last vote, or the round's deadline timer); a person
    closing early must be the council secretary.
    """
    if user is not None and not permissions.may_manage_rounds(user):
        raise NotPermitted(_("Only the council secretary can close a review round."))
    with transaction.atomic():
        round_ = _lock_round(round_id)
        if round_.is_open:
            _close_locked_round(round_, user=user)
    return round_


def _close_locked_round(round_: Round, *, user) -> None:
    policy = KindPolicy.for_kind(round_.dossier.kind)
    current = list(round_.votes.filter(correction__isnull=True).select_related("member"))
    voters = round_.seats.exclude(role=Seat.SECRETARY).count()
    outcome = tally(
        [v.choice for v in current],
        members=voters,
        quorum=policy.quorum,
        pass_threshold=policy.pass_threshold,
    )
    round_.closed_at = timezone.now()
    round_.outcome = {**asdict(outcome), "needs_revision": outcome.needs_revision}
    if round_.dossier.state != round_.stage:
        round_.result = RoundResult.ABANDONED
    elif not outcome.quorum_met:
        round_.result = RoundResult.VOID
    else:
        round_.result = RoundResult.REVISION if outcome.needs_revision else RoundResult.PASSED
    round_.save(update_fields=["closed_at", "outcome", "result"])
    if round_.result != RoundResult.ABANDONED:
        paperwork.issue_minutes(round_, current)
    record_audit(
        dossier=round_.dossier,
        actor=user,
        action=actions.CLOSE_ROUND,
        details={
            "round": round_.number,
            "stage": round_.stage,
            "result": round_.result,
            "tally": round_.outcome,
            **(
                {}
                if round_.secret_ballot
                else {"votes": {v.member.username: v.choice for v in current}}
            ),
        },
    )
    round_closed.send(sender=Round, round=round_)
    if round_.result in (RoundResult.ABANDONED, RoundResult.VOID):
        # A void round leaves the dossier where it is: the secretary convenes the council again.
        dossier_changed.send(sender=Dossier, dossier=round_.dossier)
        return
    passed_action, revision_action = _ROUND_ACTIONS[round_.stage]
    if round_.result == RoundResult.PASSED:
        action, comment = passed_action, ""
    else:
        action, comment = revision_action, _revision_letter(current)
    # The council decided; the system takes the transition (permission is the council's).
    transition_dossier(
        dossier_id=round_.dossier_id,
        action=action,
        user=None,
        comment=comment,
        details={"round": round_.number},
    )


def _revision_letter(votes) -> str:
    """The council's requests, as the council's: no names, each once, only what can be acted on."""
    requests = dict.fromkeys(
        line.lstrip("- ").strip()
        for vote in votes
        if vote.choice in (APPROVE_WITH_CONDITIONS, REJECT)
        for line in vote.conditions.splitlines()
        if line.strip()
    )
    if not requests:
        return _("The council did not pass the dossier.")
    return "\n".join(f"- {request}" for request in requests)
