"""Workflow's events turned into notifications, in the transaction of the event.

Who hears of what is the table of issue 12; who may see a dossier is workflow.selectors' rule
(outbox.notify applies it), who is an agency's drafter workflow.permissions'.
"""

from django.dispatch import receiver

from workflow import selectors
from workflow.models import Seat
from workflow.permissions import is_agency_drafter
from workflow.roles import APPRAISER, APPROVER, CLERK, DRAFTER, SECRETARY
from workflow.signals import dossier_transitioned, round_closed, round_opened
from workflow.states import Stage

from .events import EventKind
from .outbox import notify


def _context(dossier, **extra) -> dict:
    return {"title": dossier.title, "agency": dossier.agency.name, **extra}


def _drafters_of(dossier) -> list:
    return [u for u in selectors.people_with_roles({DRAFTER}) if is_agency_drafter(dossier, u)]


def _others(users, actor) -> list:
    return [u for u in users if actor is None or u.pk != actor.pk]


@receiver(dossier_transitioned, dispatch_uid="notifications.transition")
def on_transition(sender, dossier, action, from_state, to_state, entry, actor=None, comment="",
                  **kw):
    # The entry's time, not the dossier's: a follow-up may run after the dossier moved on.
    key = f"dossier:{dossier.pk}:{action}:{entry.created_at.isoformat()}"
    events = []
    if action == "submit":
        resubmitted = from_state == Stage.REVISION_REQUESTED
        events.append(
            (
                EventKind.SUBMITTED,
                selectors.people_with_roles({SECRETARY}),
                {"resubmitted": resubmitted, "comment": comment},
            )
        )
    elif action == "return_incomplete":
        events.append((EventKind.RETURNED, _drafters_of(dossier), {"comment": comment}))
    elif action == "request_revision":
        events.append((EventKind.REVISION_REQUESTED, _drafters_of(dossier), {"comment": comment}))
    elif action in ("approve", "reject"):
        people = _drafters_of(dossier) + selectors.people_with_roles({CLERK})
        context = {"approved": action == "approve", "decision_number": dossier.decision_number}
        events.append((EventKind.DECIDED, people, context))
    if to_state == Stage.APPRAISAL:
        events.append((EventKind.APPRAISAL_DUE, selectors.people_with_roles({APPRAISER}), {}))
    elif to_state == Stage.AWAITING_APPROVAL:
        events.append((EventKind.AWAITING_APPROVAL, selectors.people_with_roles({APPROVER}), {}))
    for kind, people, extra in events:
        notify(
            kind=kind,
            key=f"{key}:{kind}",
            dossier=dossier,
            recipients=_others(people, actor),
            context=_context(dossier, **extra),
        )


@receiver(round_opened, dispatch_uid="notifications.round_opened")
def on_round_opened(sender, round, **kw):
    dossier = round.dossier
    seats = dict(round.seats.exclude(role=Seat.SECRETARY).values_list("user_id", "role"))
    notify(
        kind=EventKind.ROUND_OPENED,
        key=f"round:{round.pk}:opened",
        dossier=dossier,
        recipients=selectors.people(seats),
        context=_context(dossier, round=round.number, due_on=round.due_on.isoformat()),
        per_recipient={pk: {"seat": role} for pk, role in seats.items()},
        round_id=round.pk,
    )


@receiver(round_closed, dispatch_uid="notifications.round_closed")
def on_round_closed(sender, round, **kw):
    dossier = round.dossier
    council = selectors.people(round.seats.values_list("user_id", flat=True))
    notify(
        kind=EventKind.ROUND_CLOSED,
        key=f"round:{round.pk}:closed",
        dossier=dossier,
        recipients=council + _drafters_of(dossier),
        context=_context(dossier, round=round.number, result=round.result),
        round_id=round.pk,
    )
