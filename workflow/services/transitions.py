"""Taking a transition on a dossier: lock, check, move, schedule, audit, paperwork."""

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import (
    ConcurrentTransition,
    TransitionNotAllowed,
    can_proceed,
    has_transition_perm,
)

from documents.text import check_length, clean_text

from .. import actions, paperwork, permissions, selectors
from ..actions import ACTIONS
from ..errors import InvalidInput, TransitionRefused
from ..models import Dossier, Round, RoundResult
from ..policies import add_working_days
from ..reads import reading_once
from ..signals import dossier_changed
from ..states import DossierKind
from .audit import record_audit
from .followups import follow_up
from .values import object_id, refusing_bad_values


def in_working_days(days: int):
    """The date `days` working days from today, skipping weekends and public holidays."""
    return add_working_days(timezone.localdate(), days, selectors.public_holidays())


@contextmanager
def _rules_read_first():
    """A `reading_once` scope that begins by reading the kinds' policies and the public
    holidays, entered before the transaction: so they are not read holding SQLite's one writer
    (or, on PostgreSQL, the rows' locks)."""
    with reading_once():
        selectors.policy_for(DossierKind.PLAN)  # every kind's
        selectors.public_holidays()
        yield


def _schedule_stage(dossier: Dossier) -> None:
    dossier.stage_entered_at = timezone.now()
    days = selectors.policy_for(dossier.kind).days_for(dossier.state)
    dossier.stage_due_on = in_working_days(days) if days is not None else None


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


@refusing_bad_values
def transition_dossier(
    *, dossier_id, action: str, user=None, comment: str = "", details=None, checked=None
):
    """Take transition `action` on a dossier, as `user` (None: the system, e.g. a timer).

    `checked`: for an acceptance, the completeness checklist's items the secretary ticked;
    every item of the kind's checklist must be there, and the list goes into the audit trail.

    The row is locked and re-read first, so of two people clicking at once one succeeds and
    the other is told the dossier has moved on; nothing is half-written either way.
    """
    spec = ACTIONS.get(action) if isinstance(action, str) else None
    if spec is None:
        raise TransitionRefused(_("Unknown action."))
    dossier_id = object_id(dossier_id, _("This dossier does not exist."))
    comment = check_length(clean_text(comment))
    if spec.needs_comment and not comment:
        raise InvalidInput(_("Please write %(what)s.") % {"what": str(spec.comment_label).lower()})
    try:
        with _rules_read_first(), transaction.atomic():
            # Locks are taken round first, then dossier, everywhere (cast_vote, close_round).
            open_rounds = list(
                Round.objects.select_for_update().filter(dossier_id=dossier_id, closed_at=None)
            )
            dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
            if spec.needs_note_at(dossier.state) and not comment:
                raise InvalidInput(
                    _("Please write %(what)s.") % {"what": str(spec.note_label).lower()}
                )
            if action == actions.ACCEPT and checked is not None:
                details = {**(details or {}), "checklist": _checklist(dossier, checked)}
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
            entry = record_audit(
                dossier=dossier,
                actor=user,
                action=action,
                from_state=from_state,
                to_state=dossier.state,
                comment=comment,
                details=details,
            )
            _issue_paperwork(dossier, action=action, user=user, comment=comment)
            paperwork.freeze_documents(dossier)
            follow_up(dossier, entry)
            dossier_changed.send(sender=Dossier, dossier=dossier)
    except ConcurrentTransition:
        raise TransitionRefused(
            _(
                "Someone else changed this dossier at the same moment. "
                "Reload the page and try again."
            )
        ) from None
    return dossier


def _checklist(dossier, checked) -> list[str]:
    items = selectors.policy_for(dossier.kind).checklist
    missing = [item for item in items if item not in set(checked)]
    if missing:
        raise InvalidInput(
            _(
                "Tick every item of the completeness checklist (not ticked: %(missing)s); if "
                "something is missing, return the dossier as incomplete."
            )
            % {"missing": "; ".join(missing)},
            field="checked",
        )
    return items


def _issue_paperwork(dossier, *, action, user, comment) -> None:
    if action in actions.ISSUES_DECISION:
        paperwork.issue_decision(dossier, approver=user, comment=comment)
    elif action in actions.ISSUES_REVISION_LETTER:
        paperwork.issue_revision_letter(dossier, reasons=comment, signer=user)


def _refusal(dossier, action, user) -> str:
    """Say why a transition was refused: wrong stage, wrong person, or something missing."""
    label = ACTIONS[action].label
    if not can_proceed(getattr(dossier, action), check_conditions=False):
        return _("“%(action)s” is not possible: the dossier is at the stage “%(stage)s”.") % {
            "action": label,
            "stage": dossier.get_state_display(),
        }
    if user is not None and not permissions.may_take(action, dossier, user):
        return _("You are not allowed to “%(action)s” this dossier.") % {"action": label}
    return permissions.what_is_missing(action, dossier)


# --- council rounds: the secretary opens, members vote, the tally decides ---


def _abandon_rounds_left_behind(open_rounds, dossier) -> None:
    """A dossier withdrawn (or moved on by hand) mid-round: the round closes without a tally."""
    for round_ in open_rounds:
        if round_.stage != dossier.state:
            round_.closed_at = timezone.now()
            round_.result = RoundResult.ABANDONED
            round_.save(update_fields=["closed_at", "result"])
