"""Every write a user can cause on a dossier: one transaction each, with an audit record."""

import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from . import selectors
from .actions import ACTIONS
from .errors import InvalidInput, NotPermitted, TransitionRefused
from .models import AuditEntry, Dossier, PublicHoliday
from .permissions import agency_id_of, is_agency_drafter
from .policies import add_working_days
from .roles import DRAFTER, has_role
from .signals import dossier_changed, dossier_transitioned
from .states import DossierKind


def normalize_text(value: str) -> str:
    """Vietnamese arrives composed or decomposed depending on the editor: store NFC."""
    return unicodedata.normalize("NFC", value or "").strip()


def record_audit(*, dossier, actor, action, from_state="", to_state="", comment="", details=None):
    return AuditEntry.objects.create(
        dossier=dossier,
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


def _holidays():
    configured = [
        timezone.datetime.fromisoformat(d).date() for d in settings.WORKFLOW_PUBLIC_HOLIDAYS
    ]
    return [*configured, *PublicHoliday.objects.values_list("date", flat=True)]


def _schedule_stage(dossier: Dossier) -> None:
    dossier.stage_entered_at = timezone.now()
    days = selectors.policy_for(dossier.kind).days_for(dossier.state)
    dossier.stage_due_on = (
        add_working_days(timezone.localdate(), days, _holidays()) if days is not None else None
    )


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
            dossier.save()
            record_audit(
                dossier=dossier,
                actor=user,
                action=action,
                from_state=from_state,
                to_state=dossier.state,
                comment=comment,
                details=details,
            )
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
