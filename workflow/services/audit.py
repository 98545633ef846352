"""The audit trail's one writer."""

from documents.text import clean_text

from ..actions import ACTIONS, RECORDED_ACTIONS
from ..models import AuditEntry


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
    if action not in ACTIONS and action not in RECORDED_ACTIONS:
        raise ValueError(f"not an action of workflow.actions: {action!r}")
    return AuditEntry.objects.create(
        dossier_id=dossier.pk if dossier is not None else dossier_id,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=clean_text(comment),
        details=details or {},
    )
