from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    MAIN = "main", _("Main document")
    ANNEX = "annex", _("Annex")
    MINUTES = "minutes", _("Council minutes")
    REVISION_LETTER = "revision_letter", _("Revision-request letter")
    APPRAISAL_REPORT = "appraisal_report", _("Appraisal report")
    DECISION = "decision", _("Approval decision")


UPLOADED_TYPES = frozenset({DocumentType.MAIN, DocumentType.ANNEX})
GENERATED_TYPES = frozenset(DocumentType) - UPLOADED_TYPES


class Document(models.Model):
    """One document of a dossier; its content lives in numbered versions."""

    dossier = models.ForeignKey(
        "workflow.Dossier",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("dossier"),
    )
    doc_type = models.CharField(_("type"), max_length=30, choices=DocumentType)
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["dossier_id", "created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "doc_type"],
                condition=~Q(doc_type=DocumentType.ANNEX),
                name="one_document_of_each_type_but_annexes",
            )
        ]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    """One stored file of a document, never changed once written; `frozen` once submitted."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    # Kept through the storage API and served only by the permission-checking download view.
    file = models.FileField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    original_filename = models.CharField(_("original file name"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    blocks = models.JSONField(_("structure"), default=dict, blank=True)
    frozen = models.BooleanField(_("frozen"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["document_id", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number")
        ]

    def __str__(self):
        return f"{self.document.title} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"


class RenditionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Made")
    FAILED = "failed", _("Failed")


class Rendition(models.Model):
    """The PDF/A copy of a generated version, made by the worker (documents.jobs).

    Created in the transaction that stores the version (an outbox row); the worker claims it with
    a lease (`locked_until`), so a worker killed mid-job leaves it to be retried, never lost.
    A decision's copy is then signed by the office; `pdf` stays the copy as converted and
    `signed_pdf` is the one handed out.
    """

    version = models.OneToOneField(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="rendition",
        verbose_name=_("document version"),
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RenditionStatus, default=RenditionStatus.PENDING
    )
    needs_signature = models.BooleanField(_("to be signed"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    lease = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    pdf = models.FileField(_("PDF/A"), max_length=300, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, db_index=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    signed_pdf = models.FileField(_("signed PDF"), max_length=300, blank=True)
    signed_sha256 = models.CharField(
        _("signed PDF SHA-256"), max_length=64, blank=True, db_index=True
    )
    signed_by = models.CharField(_("signed by"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        verbose_name = _("PDF/A rendition")
        verbose_name_plural = _("PDF/A renditions")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.version} PDF/A ({self.status})"

    @property
    def handed_out(self):
        """The file a reader downloads: the signed copy once there is one."""
        return self.signed_pdf if self.signed_pdf else self.pdf


class FormSubmission(models.Model):
    """A form that was done: sent again (a retry after a dropped connection, a double click,
    the browser's back and resend), it finds this outcome instead of doing the work twice.

    Written in the same transaction as the work, so it exists exactly when the work committed.
    """

    key = models.CharField(_("key"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    # Indexed: the worker forgets old keys (submissions.forget_old_keys).
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        # Each user's keys: one that another user's form carried is a new form for this one.
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="form_key_once_per_user")
        ]

    def __str__(self):
        return self.key
