"""Is this file one we issued? Match a .docx or PDF by SHA-256 against the stored versions and
their PDF/A copies, and check a PDF's signatures against the configured roots.

What of the match may be shown to whom is for the caller to decide (it knows who may see which
dossier); here we only find it. A signed copy made elsewhere replaces the office's unsigned one
only when its signature is valid and it is our PDF/A with a signature added to it.
"""

import hashlib
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import storage
from .errors import DocumentRejected
from .models import GENERATED_TYPES, DocumentVersion, Rendition, RenditionStatus
from .signing import SignatureCheck, check_signatures

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Verification:
    sha256: str
    is_pdf: bool
    version: DocumentVersion | None = None  # the issued version it is, or is a copy of
    copy: str = ""  # "docx", "pdf" (the PDF/A as converted) or "signed_pdf"
    signatures: list[SignatureCheck] = field(default_factory=list)

    @property
    def issued_here(self) -> bool:
        return self.version is not None

    @property
    def signed_validly(self) -> bool:
        return signatures_hold(self.signatures)

    @property
    def altered(self) -> bool:
        """A signature no longer matches what it signed, or something was added after the last."""
        if not self.signatures:
            return False
        last = self.signatures[-1]
        return any(not c.intact for c in self.signatures) or not last.covers_whole_file

    @property
    def dossier_id(self) -> int | None:
        return self.version.document.dossier_id if self.version else None


def signatures_hold(checks) -> bool:
    """Every signature intact, valid and trusted, and the last one covers the whole file (earlier
    ones cover the revision they signed: a co-signature is added after them)."""
    return bool(checks) and all(c.ok for c in checks) and checks[-1].covers_whole_file


def verify_file(data: bytes) -> Verification:
    sha256 = hashlib.sha256(data).hexdigest()
    is_pdf = data[:1024].lstrip().startswith(PDF_MAGIC)
    version, copy = _find(sha256)
    signatures = check_signatures(data) if is_pdf else []
    return Verification(
        sha256=sha256, is_pdf=is_pdf, version=version, copy=copy, signatures=signatures
    )


def _find(sha256: str) -> tuple[DocumentVersion | None, str]:
    generated = DocumentVersion.objects.select_related("document").filter(
        document__doc_type__in=GENERATED_TYPES
    )
    version = generated.filter(sha256=sha256).first()
    if version is not None:
        return version, "docx"
    rendition = (
        Rendition.objects.select_related("version__document")
        .filter(Q(pdf_sha256=sha256) | Q(signed_sha256=sha256))
        .first()
    )
    if rendition is None:
        return None, ""
    return rendition.version, "signed_pdf" if rendition.signed_sha256 == sha256 else "pdf"


def replace_with_signed_copy(*, rendition_id: int, data: bytes) -> Rendition:
    """Keep a copy of an issued decision signed elsewhere (on the signer's own token) as the one
    handed out. Refused, storing nothing, unless every signature in it is valid and trusted and
    the file is our PDF/A copy with signatures appended (so its content is the decision's)."""
    if not data.lstrip().startswith(PDF_MAGIC):
        raise DocumentRejected(_("The file is not a PDF."))
    checks = check_signatures(data)
    if not checks:
        raise DocumentRejected(_("The PDF carries no signature."))
    if not signatures_hold(checks):
        raise DocumentRejected(
            _(
                "The signature is not valid: it is altered, not trusted by this office's roots, "
                "revoked or expired."
            )
        )
    sha256 = hashlib.sha256(data).hexdigest()
    with storage.files_follow_transaction() as written:
        rendition = Rendition.objects.select_for_update().select_related("version__document").get(
            pk=rendition_id
        )
        if rendition.status != RenditionStatus.DONE or not rendition.pdf:
            raise DocumentRejected(_("The decision's PDF/A copy has not been made yet."))
        original = storage.read(rendition.pdf.name)
        already_signed = storage.read(rendition.signed_pdf.name) if rendition.signed_pdf else b""
        if not (data.startswith(original) or (already_signed and data.startswith(already_signed))):
            raise DocumentRejected(
                _("The signed file is not the issued decision: its content differs.")
            )
        document = rendition.version.document
        rendition.signed_pdf = storage.save(
            f"dossiers/{document.dossier_id}/{document.pk}/"
            f"v{rendition.version.number}-{sha256[:16]}-signed.pdf",
            data,
        )
        written.append(rendition.signed_pdf.name)
        rendition.signed_sha256 = sha256
        rendition.signed_by = checks[-1].signer
        rendition.signed_at = timezone.now()
        rendition.last_error = ""
        rendition.save()
    return rendition
