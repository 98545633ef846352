from django.db import models
from django.utils.translation import gettext_lazy as _

from ..states import Stage


class StageVisit(models.Model):
    """One stay of a dossier in a stage, derived from the audit trail (its transition entries):
    opened by the entry that entered the stage, closed by the next one, with the working days
    spent and whether that was within the kind's deadline. Kept so the dashboard groups and counts
    in the database instead of pairing every audit entry on each page view; rebuilt from the
    audit trail by `rebuild_stage_visits`."""

    dossier = models.ForeignKey(
        "workflow.Dossier", on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    entry = models.OneToOneField(
        "workflow.AuditEntry",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("audit entry"),
    )
    stage = models.CharField(_("stage"), max_length=30, choices=Stage)
    entered_at = models.DateTimeField(_("entered at"))
    # The local day it entered: decisions are counted per month by it without time-zone sums.
    entered_on = models.DateField(_("entered on"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("working days"), null=True, blank=True)
    # None while the dossier is still there, or when the stage has no deadline.
    on_time = models.BooleanField(_("on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage visit")
        verbose_name_plural = _("stage visits")
        # Covers the dashboard's grouped counts: no table read for a finished visit.
        indexes = [
            models.Index(
                fields=["dossier", "on_time", "stage", "working_days"], name="stage_visit_figures"
            ),
            models.Index(fields=["stage", "entered_on"], name="stage_visit_entered"),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.stage} {self.entered_at:%Y-%m-%d}"
