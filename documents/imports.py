"""Documents arriving from another instance in an archive package: stored frozen, as received.

The caller (workflow.archival) has checked every file's SHA-256 against the package's manifest
and runs this inside its transaction, deleting the written files if it does not commit.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import storage
from .errors import DocumentRejected
from .extraction import extract_document
from .intake import check_docx, limits_from_settings
from .models import Document, DocumentType, DocumentVersion, Rendition, RenditionStatus
from .signals import document_changed
from .text import clean_filename


@dataclass(frozen=True)
class ArrivingVersion:
    number: int
    docx: bytes
    original_filename: str
    created_at: object
    pdf: bytes | None = None
    signed_pdf: bytes | None = None
    signed_by: str = ""
    pages: int = 0


def import_document(*, dossier, doc_type, title, created_at, versions, written) -> Document:
    if doc_type not in DocumentType.values:
        raise DocumentRejected(
            _("The package holds a document of an unknown type “%(type)s”."), {"type": doc_type}
        )
    limits = limits_from_settings()
    document = Document.objects.create(
        dossier=dossier, doc_type=doc_type, title=title[:300], created_at=created_at
    )
    for arriving in versions:
        check_docx(
            arriving.docx,
            max_bytes=limits.max_bytes,
            max_unpacked_bytes=limits.max_unpacked_bytes,
            max_parts=limits.max_parts,
        )
        extracted = extract_document(arriving.docx, max_part_bytes=limits.max_unpacked_bytes)
        sha256 = hashlib.sha256(arriving.docx).hexdigest()
        base = f"dossiers/{dossier.pk}/{document.pk}/v{arriving.number}-{sha256[:16]}"
        name = _save(f"{base}.docx", arriving.docx, written)
        version = DocumentVersion.objects.create(
            document=document,
            number=arriving.number,
            file=name,
            sha256=sha256,
            size=len(arriving.docx),
            original_filename=clean_filename(arriving.original_filename),
            text=extracted.text,
            blocks=extracted.to_json(),
            frozen=True,
            created_at=arriving.created_at,
        )
        if arriving.pdf is not None:
            _import_rendition(version, arriving, base, written)
        document_changed.send(sender=DocumentVersion, version=version)
    return document


def _import_rendition(version, arriving, base, written) -> None:
    pdf_sha = hashlib.sha256(arriving.pdf).hexdigest()
    rendition = Rendition(
        version=version,
        idempotency_key=f"pdfa:{version.pk}:{version.sha256}",
        status=RenditionStatus.DONE,
        pdf=_save(f"{base}.pdf", arriving.pdf, written),
        pdf_sha256=pdf_sha,
        pages=arriving.pages,
    )
    if arriving.signed_pdf is not None:
        rendition.signed_pdf = _save(f"{base}-signed.pdf", arriving.signed_pdf, written)
        rendition.signed_sha256 = hashlib.sha256(arriving.signed_pdf).hexdigest()
        rendition.signed_by = arriving.signed_by[:300]
    rendition.save()


def _save(name, data, written) -> str:
    stored = storage.save(name, data)
    written.append(stored)
    return stored

