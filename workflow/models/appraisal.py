"""The appraiser's findings on a report or project."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dossiers import Dossier


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "revise", _("Revise")
    REJECT = "reject", _("Reject")


class Appraisal(models.Model):
    """The appraiser's findings on a report or project (Law on Public Investment)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("dossier")
    )
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appraiser"),
    )
    legal_basis = models.TextField(_("legal basis"))
    necessity = models.TextField(_("necessity"))
    technical_solution = models.TextField(_("technical solution"))
    information_security = models.TextField(_("information security"))
    budget = models.TextField(_("budget"))
    schedule = models.TextField(_("schedule"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    FINDINGS = (
        "legal_basis",
        "necessity",
        "technical_solution",
        "information_security",
        "budget",
        "schedule",
    )

    class Meta:
        ordering = ["dossier_id", "created_at", "id"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")

    def __str__(self):
        return f"{self.dossier} — {self.get_recommendation_display()}"
