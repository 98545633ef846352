"""What a change to a dossier leaves to do once it is committed (workflow/services/followups.py).

A row is written in the transaction of the transition (or the creation) whose audit entry it
names, and deleted in the transaction that does the work: never lost, never done twice.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import AuditEntry
from .dossiers import Dossier


class FollowUp(models.Model):
    """The derived records of one audit entry still to write: the process's stage task, the
    dashboard's stage visit, the notifications and the webhook events. Applied in entry order,
    a dossier at a time, by the worker (or in the transaction itself: see the setting
    WORKFLOW_FOLLOW_UPS_IN_TRANSACTION)."""

    entry = models.OneToOneField(
        AuditEntry,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("audit entry"),
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # None: the last attempt failed; shown in the admin until an administrator retries it.
    next_attempt_at = models.DateTimeField(
        _("next attempt"), default=timezone.now, null=True, blank=True, db_index=True
    )

    class Meta:
        ordering = ["entry_id"]
        verbose_name = _("follow-up of a change")
        verbose_name_plural = _("follow-ups of changes")

    def __str__(self):
        return f"{self.dossier_id}: {self.entry_id}"
