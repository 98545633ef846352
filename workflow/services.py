"""Every write a user can cause on a dossier: one transaction each, with an audit record."""

import unicodedata
from dataclasses import asdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from . import flows, paperwork, selectors
from .actions import ACTIONS
from .errors import InvalidInput, NotPermitted, TransitionRefused, VoteClosed
from .models import (
    Appraisal,
    AuditEntry,
    Dossier,
    PublicHoliday,
    Recommendation,
    Round,
    RoundResult,
    RoundSeat,
    Seat,
    Vote,
    VoteChoice,
)
from .people import display_name
from .permissions import agency_id_of, is_agency_drafter
from .policies import APPROVE_WITH_CONDITIONS, RECUSE, REJECT, add_working_days, tally
from .roles import APPRAISER, COUNCIL_MEMBER, DRAFTER, SECRETARY, has_role
from .signals import dossier_changed, dossier_transitioned, round_closed, round_opened
from .states import DossierKind, Stage


def normalize_text(value: str) -> str:
    """Vietnamese arrives composed or decomposed depending on the editor: store NFC."""
    return unicodedata.normalize("NFC", value or "").strip()


def record_audit(
    *,
    dossier=None,
    dossier_id=None,
    actor,
    action,
    from_state="",
    to_state="",
    comment="",
    details=None,
):
    return AuditEntry.objects.create(
        dossier_id=dossier.pk if dossier is not None else dossier_id,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=normalize_text(comment),
        details=details or {},
    )


def _clean_fields(*, title, program, summary, kind=None):
    fields = {
        "title": normalize_text(title),
        "program": normalize_text(program),
        "summary": normalize_text(summary),
    }
    if not fields["title"]:
        raise InvalidInput(_("Give the dossier a title."))
    if not fields["program"]:
        raise InvalidInput(_("Name the program the dossier belongs to."))
    if kind is not None and kind not in DossierKind.values:
        raise InvalidInput(_("Choose a kind of dossier from the list."))
    return fields


@transaction.atomic
def create_dossier(*, user, kind, title, program, summary="") -> Dossier:
    if not has_role(user, DRAFTER) or not agency_id_of(user):
        raise NotPermitted(_("Only a drafter of an agency can create a dossier."))
    fields = _clean_fields(title=title, program=program, summary=summary, kind=kind)
    dossier = Dossier.objects.create(
        kind=kind, agency_id=agency_id_of(user), created_by=user, **fields
    )
    record_audit(dossier=dossier, actor=user, action="create", to_state=dossier.state)
    flows.follow_dossier(dossier)
    dossier_changed.send(sender=Dossier, dossier=dossier)
    return dossier


@transaction.atomic
def update_dossier(*, user, dossier_id, title, program, summary) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    if not is_agency_drafter(dossier, user):
        raise NotPermitted(_("You may not edit this dossier."))
    if not dossier.is_editable:
        raise TransitionRefused(
            _("The dossier is at the stage “%(stage)s” and can no longer be edited.")
            % {"stage": dossier.get_state_display()}
        )
    fields = _clean_fields(title=title, program=program, summary=summary)
    changed = [name for name, value in fields.items() if getattr(dossier, name) != value]
    for name in changed:
        setattr(dossier, name, fields[name])
    if changed:
        dossier.save(update_fields=[*changed, "updated_at"])
        record_audit(dossier=dossier, actor=user, action="edit", details={"fields": changed})
        dossier_changed.send(sender=Dossier, dossier=dossier)
    return dossier


def _in_working_days(days: int):
    """The date `days` working days from today, skipping weekends and public holidays."""
    configured = [
        timezone.datetime.fromisoformat(d).date() for d in settings.WORKFLOW_PUBLIC_HOLIDAYS
    ]
    holidays = [*configured, *PublicHoliday.objects.values_list("date", flat=True)]
    return add_working_days(timezone.localdate(), days, holidays)


def _schedule_stage(dossier: Dossier) -> None:
    dossier.stage_entered_at = timezone.now()
    days = selectors.policy_for(dossier.kind).days_for(dossier.state)
    dossier.stage_due_on = _in_working_days(days) if days is not None else None


# What a transition writes: the stage, its clock, and what the transition bodies set.
_TRANSITION_FIELDS = [
    "state",
    "stage_entered_at",
    "stage_due_on",
    "round_number",
    "decision_number",
    "decision_date",
    "updated_at",
]


def transition_dossier(*, dossier_id, action: str, user=None, comment: str = "", details=None):
    """Take transition `action` on a dossier, as `user` (None: the system, e.g. a timer).

    The row is locked and re-read first, so of two people clicking at once one succeeds and
    the other is told the dossier has moved on; nothing is half-written either way.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise TransitionRefused(_("Unknown action."))
    comment = normalize_text(comment)
    if spec.needs_comment and not comment:
        raise InvalidInput(_("Please write %(what)s.") % {"what": str(spec.comment_label).lower()})
    try:
        with transaction.atomic():
            # Locks are taken round first, then dossier, everywhere (cast_vote, close_round).
            open_rounds = list(
                Round.objects.select_for_update().filter(dossier_id=dossier_id, closed_at=None)
            )
            dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
            method = getattr(dossier, action)
            if user is not None and not has_transition_perm(method, user):
                raise TransitionRefused(_refusal(dossier, action, user))
            from_state = dossier.state
            try:
                method()
            except TransitionNotAllowed:
                raise TransitionRefused(_refusal(dossier, action, user)) from None
            _schedule_stage(dossier)
            dossier.save(update_fields=_TRANSITION_FIELDS)
            _abandon_rounds_left_behind(open_rounds, dossier)
            record_audit(
                dossier=dossier,
                actor=user,
                action=action,
                from_state=from_state,
                to_state=dossier.state,
                comment=comment,
                details=details,
            )
            _issue_paperwork(dossier, action=action, user=user, comment=comment)
            flows.follow_dossier(dossier)
            dossier_transitioned.send(
                sender=Dossier,
                dossier=dossier,
                action=action,
                from_state=from_state,
                to_state=dossier.state,
                actor=user,
                comment=comment,
            )
            dossier_changed.send(sender=Dossier, dossier=dossier)
    except ConcurrentTransition:
        raise TransitionRefused(
            _(
                "Someone else changed this dossier at the same moment. "
                "Reload the page and try again."
            )
        ) from None
    return dossier


def _issue_paperwork(dossier, *, action, user, comment) -> None:
    if action == "approve":
        paperwork.issue_decision(dossier, approver=user, comment=comment)
    elif action in ("request_revision", "return_incomplete"):
        paperwork.issue_revision_letter(dossier, reasons=comment, signer=user)


def _refusal(dossier, action, user) -> str:
    """Say why a transition was refused: wrong stage, wrong person, or something missing."""
    label = ACTIONS[action].label
    meta = getattr(dossier, action)._django_fsm
    if not meta.has_transition(dossier.state):
        return _("“%(action)s” is not possible: the dossier is at the stage “%(stage)s”.") % {
            "action": label,
            "stage": dossier.get_state_display(),
        }
    if user is not None and not meta.has_transition_perm(dossier, dossier.state, user):
        return _("You are not allowed to “%(action)s” this dossier.") % {"action": label}
    return _("Fill in the title, program and summary before submitting.")


# --- council rounds: the secretary opens, members vote, the tally decides ---

_ROUND_ACTIONS = {
    # stage decided: (action when passed, action when revision is needed)
    Stage.COUNCIL_REVIEW: ("pass_review", "request_revision"),
    Stage.APPRAISAL: ("complete_appraisal", "request_revision"),
}


def _abandon_rounds_left_behind(open_rounds, dossier) -> None:
    """A dossier withdrawn (or moved on by hand) mid-round: the round closes without a tally."""
    for round_ in open_rounds:
        if round_.stage != dossier.state:
            round_.closed_at = timezone.now()
            round_.result = RoundResult.ABANDONED
            round_.save(update_fields=["closed_at", "result"])


@transaction.atomic
def open_round(*, user, dossier_id, chair_id, member_ids, due_on=None, secretary_id=None) -> Round:
    """The secretary composes the council for a round on the dossier's current stage."""
    if not has_role(user, SECRETARY):
        raise NotPermitted(_("Only the council secretary can open a review round."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    if dossier.state not in selectors.council_stages(dossier.kind):
        raise TransitionRefused(
            _("At the stage “%(stage)s” no council votes on this dossier.")
            % {"stage": dossier.get_state_display()}
        )
    if dossier.rounds.filter(closed_at=None).exists():
        raise InvalidInput(_("A review round is already open on this dossier."))
    member_ids = [int(pk) for pk in member_ids if str(pk) and int(pk) != int(chair_id)]
    voter_ids = [int(chair_id), *dict.fromkeys(member_ids)]
    voters = get_user_model().objects.filter(pk__in=voter_ids, is_active=True)
    if len(voters) != len(voter_ids) or not all(has_role(v, COUNCIL_MEMBER) for v in voters):
        raise InvalidInput(_("The chair and every member must be council members."))
    today = timezone.localdate()
    if due_on is None:
        due_on = _in_working_days(selectors.policy_for(dossier.kind).days_for(dossier.state) or 10)
    if due_on < today:
        raise InvalidInput(_("The deadline of a round cannot be in the past."))
    round_ = Round.objects.create(
        dossier=dossier,
        stage=dossier.state,
        number=dossier.rounds.count() + 1,
        opened_by=user,
        due_on=due_on,
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
        action="open_round",
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
            Round.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=round_id)
        )
    except (Round.DoesNotExist, ValueError, TypeError):
        raise InvalidInput(_("This voting round does not exist.")) from None


def _share_round(round_id) -> Round:
    """The round, locked FOR SHARE: votes go in side by side, a close waits for them all.

    A close takes FOR UPDATE, so it tallies only once every vote holding the share lock has
    committed, and a vote arriving while the round closes waits, then finds it closed.
    Django has no FOR SHARE; on SQLite one writer at a time holds the database anyway.
    """
    table = connection.ops.quote_name(Round._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE id = %s"  # noqa: S608 (a model's table name)
    if connection.features.has_select_for_update:
        sql += " FOR SHARE"
    try:
        found = list(Round.objects.raw(sql, [int(round_id)]))
    except (ValueError, TypeError):
        found = []
    if not found:
        raise InvalidInput(_("This voting round does not exist."))
    return found[0]


def cast_vote(*, user, round_id, choice, comment="", conditions="", conflict="") -> Vote:
    """A member votes; a second vote is a visible correction; the last vote closes the round."""
    texts = {
        "comment": normalize_text(comment),
        "conditions": normalize_text(conditions),
        "conflict": normalize_text(conflict),
    }
    if choice not in VoteChoice.values:
        raise InvalidInput(_("Choose how you vote."))
    if choice in _REQUIRED_TEXT:
        field, message = _REQUIRED_TEXT[choice]
        if not texts[field]:
            raise InvalidInput(str(message))
    # Seats do not change once a round is open: checked before taking the lock, kept short.
    voter_ids = list(
        RoundSeat.objects.filter(round_id=round_id)
        .exclude(role=Seat.SECRETARY)
        .order_by()
        .values_list("user_id", flat=True)
    )
    if user.pk not in voter_ids:
        raise NotPermitted(_("Only the members of this round's council can vote."))
    for attempt in range(3):
        try:
            vote = _record_vote(user=user, round_id=round_id, choice=choice, texts=texts)
            break
        except IntegrityError:
            # The same member's other click committed first (the constraints allow one
            # current vote per member): vote again, now as the correction of that one.
            if attempt == 2:
                raise
    # Counted after commit, so of votes committing at once the last sees them all. Closing
    # twice is harmless: close_round tallies once, under the round's FOR UPDATE lock.
    current = Vote.objects.filter(round_id=round_id).values("member_id").distinct().count()
    if current >= len(voter_ids):
        close_round(round_id=round_id)
    return vote


@transaction.atomic
def _record_vote(*, user, round_id, choice, texts) -> Vote:
    round_ = _share_round(round_id)
    if not round_.is_open:
        raise VoteClosed(_("This voting round is closed."))
    if round_.due_on < timezone.localdate():
        raise VoteClosed(_("The deadline of this voting round has passed."))
    previous = (
        Vote.objects.filter(round=round_, member=user, correction__isnull=True).order_by().first()
    )
    vote = Vote.objects.create(
        round=round_, member=user, choice=choice, supersedes=previous, **texts
    )
    record_audit(
        dossier_id=round_.dossier_id,
        actor=user,
        action="correct_vote" if previous else "vote",
        comment=texts["comment"],
        details={
            "round": round_.number,
            "choice": choice,
            "conditions": texts["conditions"],
            "conflict": texts["conflict"],
            **({"corrects": previous.choice} if previous else {}),
        },
    )
    return vote


def close_round(*, round_id, user=None) -> Round:
    """Tally the round and take the dossier on. Idempotent: a closed round stays as it was.

    `user` None is the system (the last vote, or the round's deadline timer); a person
    closing early must be the council secretary.
    """
    if user is not None and not has_role(user, SECRETARY):
        raise NotPermitted(_("Only the council secretary can close a review round."))
    with transaction.atomic():
        round_ = _lock_round(round_id)
        if round_.is_open:
            _close_locked_round(round_, user=user)
    return round_


def _close_locked_round(round_: Round, *, user) -> None:
    policy = selectors.policy_for(round_.dossier.kind)
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
    else:
        round_.result = RoundResult.REVISION if outcome.needs_revision else RoundResult.PASSED
    round_.save(update_fields=["closed_at", "outcome", "result"])
    if round_.result != RoundResult.ABANDONED:
        paperwork.issue_minutes(round_)
    record_audit(
        dossier=round_.dossier,
        actor=user,
        action="close_round",
        details={
            "round": round_.number,
            "stage": round_.stage,
            "result": round_.result,
            "tally": round_.outcome,
            "votes": {v.member.username: v.choice for v in current},
        },
    )
    round_closed.send(sender=Round, round=round_)
    if round_.result == RoundResult.ABANDONED:
        return
    passed_action, revision_action = _ROUND_ACTIONS[round_.stage]
    if round_.result == RoundResult.PASSED:
        action, comment = passed_action, ""
    else:
        action, comment = revision_action, _revision_letter(outcome, current)
    # The council decided; the system takes the transition (permission is the council's).
    transition_dossier(
        dossier_id=round_.dossier_id,
        action=action,
        user=None,
        comment=comment,
        details={"round": round_.number},
    )


def _revision_letter(outcome, votes) -> str:
    lines = []
    if not outcome.quorum_met:
        lines.append(_("The council did not reach its quorum."))
    elif not outcome.passed:
        lines.append(_("The council did not pass the dossier."))
    else:
        lines.append(_("The council passed the dossier on conditions."))
    for vote in votes:
        if vote.conditions:
            lines.append(f"- {display_name(vote.member)}: {vote.conditions}")
    return "\n".join(lines)


# --- appraisal ---


@transaction.atomic
def record_appraisal(*, user, dossier_id, recommendation, **findings) -> Appraisal:
    """The appraiser's findings; then the dossier goes to the approver or back to the drafter.

    When the kind's policy has the council decide the appraisal, the findings are recorded for
    the council and the round's tally takes the transition instead.
    """
    if not has_role(user, APPRAISER):
        raise NotPermitted(_("Only an appraiser can record an appraisal."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    if dossier.state != Stage.APPRAISAL:
        raise TransitionRefused(
            _("The dossier is at the stage “%(stage)s”, not in appraisal.")
            % {"stage": dossier.get_state_display()}
        )
    if recommendation not in Recommendation.values:
        raise InvalidInput(_("Choose a recommendation."))
    unknown = set(findings) - set(Appraisal.FINDINGS)
    if unknown:
        raise TypeError(f"unknown findings: {sorted(unknown)}")
    texts = {name: normalize_text(findings.get(name, "")) for name in Appraisal.FINDINGS}
    missing = [name for name, text in texts.items() if not text]
    if missing:
        labels = ", ".join(str(Appraisal._meta.get_field(n).verbose_name) for n in missing)
        raise InvalidInput(_("Write the findings on: %(fields)s.") % {"fields": labels})
    appraisal = Appraisal.objects.create(
        dossier=dossier, appraiser=user, recommendation=recommendation, **texts
    )
    paperwork.issue_appraisal_report(appraisal)
    record_audit(
        dossier=dossier,
        actor=user,
        action="appraise",
        details={"recommendation": recommendation, "appraisal": appraisal.pk},
    )
    if selectors.policy_for(dossier.kind).appraisal_by_council:
        dossier_changed.send(sender=Dossier, dossier=dossier)
        return appraisal
    if recommendation == Recommendation.REVISE:
        summary = "\n".join(
            f"- {Appraisal._meta.get_field(n).verbose_name}: {texts[n]}" for n in Appraisal.FINDINGS
        )
        transition_dossier(
            dossier_id=dossier.pk, action="request_revision", user=user, comment=summary
        )
    else:
        transition_dossier(
            dossier_id=dossier.pk,
            action="complete_appraisal",
            user=user,
            comment=appraisal.get_recommendation_display(),
            details={"recommendation": recommendation},
        )
    return appraisal
