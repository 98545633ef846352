"""The register of the documents the office issues, as a clerk keeps it: number, date, what."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import Dossier


class RegisterEntry(models.Model):
    """One numbered document: written in the transaction that issues it, never changed."""

    number = models.CharField(_("number"), max_length=60)
    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    issued_on = models.DateField(_("issued on"))
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        related_name="register_entries",
        verbose_name=_("dossier"),
    )
    doc_type = models.CharField(_("document"), max_length=30)
    # The stored version of the documents app (by id: workflow does not own that table).
    version_id = models.PositiveBigIntegerField(_("document version"))
    subject = models.CharField(_("subject"), max_length=600)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("register entry")
        verbose_name_plural = _("document register")
        constraints = [
            models.UniqueConstraint(fields=["number", "year"], name="unique_register_number")
        ]
        indexes = [models.Index(fields=["year", "series"])]

    def __str__(self):
        return self.number
