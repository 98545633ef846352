"""Every write to a dossier's documents: upload, generated documents, freezing, integrity checks."""

import hashlib
import os

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from . import storage
from .access import dossier_access
from .errors import DocumentLocked, DocumentRejected
from .extraction import Extracted, extract_document
from .generation import KIND_LABELS, DecisionData, Letterhead, Signer, render_decision
from .intake import check_docx, human_size, limits_from_settings
from .models import (
    GENERATED_TYPES,
    UPLOADED_TYPES,
    Document,
    DocumentType,
    DocumentVersion,
    Rendition,
)
from .signals import document_changed
from .text import clean_filename, clean_text

READ_CHUNK = 1024 * 1024


def read_upload(uploaded_file, max_bytes: int) -> bytes:
    """The upload's bytes, refusing an oversized one before reading it into memory."""
    if uploaded_file.size is not None and uploaded_file.size > max_bytes:
        raise _oversized(uploaded_file.size, max_bytes)
    chunks, total = [], 0
    for chunk in uploaded_file.chunks(READ_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _oversized(total, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _oversized(size: int, limit: int) -> DocumentRejected:
    return DocumentRejected(
        _("The file is %(size)s; the largest document accepted is %(limit)s."),
        {"size": human_size(size), "limit": human_size(limit)},
    )


def _storage_name(document: Document, number: int, sha256: str) -> str:
    return f"dossiers/{document.dossier_id}/{document.pk}/v{number}-{sha256[:16]}.docx"


def _store_version(
    *, document, number, data, extracted, filename, user, frozen, written
) -> DocumentVersion:
    """Write version `number` (file and row) inside the caller's transaction, under the dossier's
    lock; the file's name goes into `written` so the caller can delete it if the transaction does
    not commit."""
    sha256 = hashlib.sha256(data).hexdigest()
    stored_name = storage.save(_storage_name(document, number, sha256), data)
    written.append(stored_name)
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        file=stored_name,
        sha256=sha256,
        size=len(data),
        original_filename=filename,
        text=extracted.text,
        blocks=extracted.to_json(),
        frozen=frozen,
        created_by=user,
    )
    document_changed.send(sender=DocumentVersion, version=version)
    return version


def upload_document(
    *, user, dossier, doc_type, uploaded_file, title=None, document_id=None
) -> DocumentVersion:
    """Store an uploaded .docx as the next version of the dossier's main document or of an annex
    (a new annex unless `document_id` names one). Nothing is written unless all checks pass."""
    if doc_type not in UPLOADED_TYPES:
        raise DocumentRejected(_("Only the main document and annexes are uploaded."))
    limits = limits_from_settings()
    data = read_upload(uploaded_file, limits.max_bytes)
    check_docx(
        data,
        max_bytes=limits.max_bytes,
        max_unpacked_bytes=limits.max_unpacked_bytes,
        max_parts=limits.max_parts,
    )
    extracted = extract_document(data, max_part_bytes=limits.max_unpacked_bytes)
    filename = clean_filename(getattr(uploaded_file, "name", ""))
    title = clean_text(title)
    try:
        with storage.files_follow_transaction() as written:
            access = dossier_access()
            dossier = access.lock_dossier(dossier.pk)
            refusal = access.upload_refusal(user, dossier)
            if refusal is not None:
                raise refusal
            document = _target_document(dossier, doc_type, title, filename, document_id)
            return _store_version(
                document=document,
                number=_next_number(document),
                data=data,
                extracted=extracted,
                filename=filename,
                user=user,
                frozen=False,
                written=written,
            )
    except IntegrityError:
        raise DocumentLocked(
            _("Someone uploaded a version of this document at the same moment. Try again.")
        ) from None


def _target_document(dossier, doc_type, title, filename, document_id) -> Document:
    if doc_type == DocumentType.MAIN:
        document, _created = Document.objects.get_or_create(
            dossier=dossier,
            doc_type=DocumentType.MAIN,
            defaults={"title": title or str(DocumentType.MAIN.label)},
        )
        return document
    if document_id is not None:
        try:
            return Document.objects.get(
                pk=document_id, dossier=dossier, doc_type=DocumentType.ANNEX
            )
        except (Document.DoesNotExist, ValueError, TypeError):
            raise DocumentRejected(_("That annex does not belong to this dossier.")) from None
    return Document.objects.create(
        dossier=dossier,
        doc_type=DocumentType.ANNEX,
        title=title or os.path.splitext(filename)[0] or str(DocumentType.ANNEX.label),
    )


def store_generated_document(
    *, dossier, doc_type, data_bytes: bytes, text=None, blocks=None, title=None
) -> DocumentVersion:
    """Store a document the system generated (documents.generation) as its next version.

    `text` and `blocks` default to what extraction reads from the bytes, so search sees the
    generated text exactly as a reader does. Runs in the caller's transaction when there is one.
    """
    if doc_type not in GENERATED_TYPES:
        raise DocumentRejected(_("Main documents and annexes are uploaded, not generated."))
    if text is None or blocks is None:
        extracted = extract_document(data_bytes)
    else:
        extracted = Extracted.from_json(blocks)
        extracted = Extracted(
            body=extracted.body,
            headers=extracted.headers,
            footers=extracted.footers,
            notes=extracted.notes,
            text=text,
        )
    with storage.files_follow_transaction() as written:
        access = dossier_access()
        dossier = access.lock_dossier(dossier.pk)
        sealed = access.is_sealed(dossier)
        if sealed and doc_type != DocumentType.DECISION:
            raise DocumentLocked(_("The dossier is decided; its documents are sealed."))
        document, _created = Document.objects.get_or_create(
            dossier=dossier,
            doc_type=doc_type,
            defaults={"title": title or str(DocumentType(doc_type).label)},
        )
        if sealed and document.versions.filter(frozen=True).exists():
            raise DocumentLocked(_("The decision has been issued and is sealed."))
        number = _next_number(document)
        version = _store_version(
            document=document,
            data=data_bytes,
            extracted=extracted,
            filename=f"{doc_type}-v{number}.docx",
            user=None,
            frozen=sealed,
            written=written,
            number=number,
        )
        # The outbox row of its PDF/A copy, made by the worker (documents.jobs).
        request_rendition(version, new_version=True)
        return version


def request_rendition(version: DocumentVersion, *, new_version=False) -> Rendition:
    """Ask the worker for the version's PDF/A copy (signed, for a decision); idempotent.

    `new_version`: the version was created in the caller's transaction and so has no copy yet
    (one INSERT, not a lookup and a savepoint: this runs in the vote that closes a round).
    """
    fields = {
        "idempotency_key": f"pdfa:{version.pk}:{version.sha256}",
        "needs_signature": version.document.doc_type == DocumentType.DECISION,
    }
    if new_version:
        return Rendition.objects.create(version=version, **fields)
    rendition, _created = Rendition.objects.get_or_create(version=version, defaults=fields)
    return rendition


def store_decision(
    *, dossier, signer: Signer, conditions=(), recipients=(), appraised=True
) -> DocumentVersion:
    """Render and store the approval decision from the dossier's number and date; call it in
    the approving transaction, after `approve()` has given the dossier its number."""
    if not dossier.decision_number or not dossier.decision_date:
        raise DocumentRejected(_("The dossier has no decision number yet."))
    data = _decision_data(
        dossier,
        Letterhead(date=dossier.decision_date, number=dossier.decision_number),
        signer=signer,
        conditions=conditions,
        recipients=recipients,
        appraised=appraised,
    )
    return store_generated_document(
        dossier=dossier, doc_type=DocumentType.DECISION, data_bytes=render_decision(data)
    )


def preview_decision(
    *, dossier, signer: Signer, on, number_series: str, conditions=(), appraised=True
) -> bytes:
    """The decision as it would be issued today, its number left blank: for the approver to
    read before approving. Nothing is stored."""
    blank = f"{' ' * 6}-{number_series}"
    data = _decision_data(
        dossier,
        Letterhead(date=on, number=blank),
        signer=signer,
        conditions=conditions,
        recipients=(),
        appraised=appraised,
    )
    return render_decision(data)


def _decision_data(dossier, letterhead, *, signer, conditions, recipients, appraised):
    return DecisionData(
        letterhead=letterhead,
        dossier_title=dossier.title,
        agency_name=dossier.agency.name,
        kind_label=KIND_LABELS.get(dossier.kind, dossier.kind),
        signer=signer,
        conditions=tuple(conditions),
        recipients=tuple(recipients),
        appraised=appraised,
    )


def _next_number(document) -> int:
    return (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def freeze_versions(dossier) -> int:
    """Freeze every stored version of the dossier (at submission; at a decision, the seal).
    Returns how many were newly frozen."""
    return DocumentVersion.objects.filter(document__dossier=dossier, frozen=False).update(
        frozen=True
    )


def sha256_of_stored(version: DocumentVersion) -> str | None:
    """The SHA-256 of the file as it is in storage now; None if it is missing. A storage that
    cannot be reached raises StorageUnavailable: that says nothing of the file."""
    digest = hashlib.sha256()
    try:
        with storage.faults_named(), storage.open_stored(version.file.name) as stored:
            for chunk in iter(lambda: stored.read(READ_CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def verify_integrity(version: DocumentVersion) -> bool:
    return sha256_of_stored(version) == version.sha256
