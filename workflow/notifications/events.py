"""The kinds of event people are told of, and what each says (in the language active)."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflow.models import RoundResult, Seat
from workflow.states import Stage


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("Dossier submitted")
    RETURNED = "returned", gettext_lazy("Dossier returned as incomplete")
    REVISION_REQUESTED = "revision_requested", gettext_lazy("Revision requested")
    ROUND_OPENED = "round_opened", gettext_lazy("Review round opened")
    ROUND_CLOSED = "round_closed", gettext_lazy("Review round closed")
    APPRAISAL_DUE = "appraisal_due", gettext_lazy("Appraisal due")
    AWAITING_APPROVAL = "awaiting_approval", gettext_lazy("Awaiting approval")
    DECIDED = "decided", gettext_lazy("Dossier approved or rejected")
    REMINDER = "reminder", gettext_lazy("Deadline reminder")
    OVERDUE = "overdue", gettext_lazy("Overdue escalation")


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", gettext_lazy("E-mail at once")
    DIGEST = "digest", gettext_lazy("A daily digest e-mail")
    IN_APP = "in_app", gettext_lazy("In the app only")


def _date(value: str) -> str:
    # Stored as ISO dates; shown the Vietnamese way in both languages, as the documents are.
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def describe(kind: str, context: dict) -> tuple[str, list[str]]:
    """(subject, lines of the body) of a notification, in the active language."""
    title = context.get("title", "")
    if kind == EventKind.SUBMITTED:
        subject = (
            _("Resubmitted: %(title)s") if context.get("resubmitted") else _("Submitted: %(title)s")
        ) % {"title": title}
        lines = [_("%(agency)s submitted the dossier for review.") % context]
    elif kind == EventKind.RETURNED:
        subject = _("Returned as incomplete: %(title)s") % {"title": title}
        lines = [_("The council secretary returned the dossier as incomplete.")]
    elif kind == EventKind.REVISION_REQUESTED:
        subject = _("Revision requested: %(title)s") % {"title": title}
        lines = [_("A revision of the dossier is requested.")]
    elif kind == EventKind.ROUND_OPENED:
        subject = _("Review round %(round)s opened: %(title)s") % context
        lines = [
            _("You sit on the council of round %(round)s as %(seat)s.")
            % {"round": context["round"], "seat": _seat(context.get("seat", ""))},
            _("Vote by %(due)s.") % {"due": _date(context["due_on"])},
        ]
    elif kind == EventKind.ROUND_CLOSED:
        subject = _("Review round %(round)s closed: %(title)s") % context
        lines = [_("Result: %(result)s.") % {"result": _round_result(context.get("result", ""))}]
    elif kind == EventKind.APPRAISAL_DUE:
        subject = _("Appraisal due: %(title)s") % {"title": title}
        lines = [_("The dossier awaits its appraisal.")]
    elif kind == EventKind.AWAITING_APPROVAL:
        subject = _("Awaiting approval: %(title)s") % {"title": title}
        lines = [_("The dossier awaits your decision.")]
    elif kind == EventKind.DECIDED and context.get("approved"):
        subject = _("Approved: %(title)s") % {"title": title}
        lines = [_("Decision number: %(number)s.") % {"number": context.get("decision_number")}]
    elif kind == EventKind.DECIDED:
        subject = _("Rejected: %(title)s") % {"title": title}
        lines = [_("The approver rejected the dossier.")]
    elif kind == EventKind.REMINDER:
        subject = _("Due %(due)s: %(title)s") % {"due": _date(context["due_on"]), "title": title}
        lines = [
            _("Your vote in round %(round)s is due by %(due)s.")
            if context.get("round")
            else _("Your action on this dossier is due by %(due)s."),
        ]
        lines = [lines[0] % {"round": context.get("round"), "due": _date(context["due_on"])}]
    elif kind == EventKind.OVERDUE:
        subject = _("Overdue: %(title)s") % {"title": title}
        lines = [
            _("The stage “%(stage)s” was due on %(due)s and nobody has acted yet.")
            % {"stage": _stage(context.get("stage", "")), "due": _date(context["due_on"])}
        ]
    else:
        subject, lines = title, []
    if context.get("comment"):
        lines.append(context["comment"])
    return subject, lines


def _seat(value):
    return str(dict(Seat.choices).get(value, value))


def _round_result(value):
    return str(dict(RoundResult.choices).get(value, value))


def _stage(value):
    return str(dict(Stage.choices).get(value, value))
