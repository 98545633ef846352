"""The worker's jobs for documents: make the PDF/A copy of each generated version, and sign a
decision's copy with the office's certificate; forget old one-time form keys.

Rows of `Rendition` are the outbox (created with the version). A worker claims a due row with a
lease; LibreOffice runs outside any transaction; the files are then saved through the storage API
and the row updated in one transaction that first checks the lease is still this worker's. So a
worker killed mid-job leaves the row to be claimed again when its lease expires, and a copy is
stored once, never twice.
"""

import datetime
import hashlib
import logging
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import rendering, signing, storage, submissions
from .errors import DocumentError, StorageUnavailable
from .models import Rendition, RenditionStatus
from .retries import backoff

logger = logging.getLogger(__name__)

BASE_DELAY = datetime.timedelta(seconds=30)
MAX_DELAY = datetime.timedelta(hours=1)
# While LibreOffice is missing the row waits without spending its attempts.
MISSING_CONVERTER_DELAY = datetime.timedelta(minutes=5)


def run_form_key_pruning(*, limit: int = 1000) -> int:
    """Forget the one-time form keys older than FORM_KEYS_KEPT_DAYS, `limit` at a time."""
    return submissions.forget_old_keys(limit=limit)


def run_pdf_renditions(*, limit: int = 100) -> int:
    """Make up to `limit` due PDF/A copies, several per LibreOffice run; returns how many rows
    were worked on."""
    worked = 0
    while worked < limit:
        batch = []
        while len(batch) < min(settings.PDF_RENDITION_BATCH, limit - worked):
            claimed = _claim_next()
            if claimed is None:
                break
            batch.append(claimed)
        if not batch:
            break
        _make_batch(batch)
        worked += len(batch)
    return worked


def _lease_length() -> datetime.timedelta:
    # Longer than the longest LibreOffice run of a batch, so no second worker takes it meanwhile.
    longest = settings.LIBREOFFICE_TIMEOUT_SECONDS * settings.PDF_RENDITION_BATCH * 1.5
    return datetime.timedelta(seconds=max(settings.PDF_RENDITION_LEASE_SECONDS, longest))


def _due(now):
    return Rendition.objects.filter(
        status=RenditionStatus.PENDING, next_attempt_at__lte=now
    ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def _claim_next() -> Rendition | None:
    now = timezone.now()
    lease_until = now + _lease_length()
    with transaction.atomic():
        candidates = _due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        for pk in list(candidates.values_list("pk", flat=True)[:10]):
            token = uuid.uuid4().hex
            # The conditional UPDATE is the claim on SQLite, and a second guard elsewhere.
            if (
                _due(now)
                .filter(pk=pk)
                .update(locked_until=lease_until, lease=token, attempts=F("attempts") + 1)
            ):
                return Rendition.objects.select_related("version__document").get(pk=pk)
    return None


def _make(rendition: Rendition) -> None:
    _make_batch([rendition])


def _make_batch(batch: list[Rendition]) -> None:
    ready, sources = [], []
    for rendition in batch:
        try:
            with storage.open_stored(rendition.version.file.name) as stored:
                sources.append(stored.read())
            ready.append(rendition)
        except FileNotFoundError as error:
            _retry_or_fail(rendition, type(error).__name__)
        except StorageUnavailable as error:
            _retry_or_fail(rendition, error.message)
    if not ready:
        return
    try:
        results = rendering.convert_many(sources)
    except rendering.ConverterMissing as missing:
        for rendition in ready:
            _postpone(rendition, missing.message)
        return
    for rendition, result in zip(ready, results, strict=True):
        if isinstance(result, rendering.ConversionFailed):
            _retry_or_fail(rendition, result.message)
            continue
        try:
            signed, signed_by, note = _sign_if_needed(rendition, result.pdf)
        except (DocumentError, OSError) as error:
            message = error.message if isinstance(error, DocumentError) else type(error).__name__
            _retry_or_fail(rendition, message)
            continue
        try:
            _store(rendition, result, signed, signed_by, note)
        except StorageUnavailable as error:
            _retry_or_fail(rendition, error.message)


def _sign_if_needed(rendition, pdf: bytes) -> tuple[bytes | None, str, str]:
    if not rendition.needs_signature:
        return None, "", ""
    config = signing.signing_config()
    if config is None:
        return None, "", "No signing certificate is configured: this copy is not signed."
    signer = signing.load_signer(config)
    version = rendition.version
    signed = signing.sign_pdf(pdf, signer, reason=f"{version.document.title} ({version.label})")
    return signed, signing.signer_name(signer), ""


def _pdf_name(rendition: Rendition, sha256: str, suffix: str) -> str:
    document = rendition.version.document
    return (
        f"dossiers/{document.dossier_id}/{document.pk}/"
        f"v{rendition.version.number}-{sha256[:16]}{suffix}.pdf"
    )


def _store(rendition, converted, signed: bytes | None, signed_by: str, note: str) -> None:
    pdf_sha = hashlib.sha256(converted.pdf).hexdigest()
    with storage.files_follow_transaction() as written:
        # Still ours? A worker whose lease expired must not store a second copy.
        current = (
            Rendition.objects.select_for_update()
            .filter(pk=rendition.pk, lease=rendition.lease, status=RenditionStatus.PENDING)
            .first()
        )
        if current is None:
            return
        current.pdf = storage.save(_pdf_name(rendition, pdf_sha, ""), converted.pdf)
        written.append(current.pdf.name)
        current.pdf_sha256 = pdf_sha
        current.pages = converted.pages
        if signed is not None:
            signed_sha = hashlib.sha256(signed).hexdigest()
            signed_name = _pdf_name(rendition, signed_sha, "-signed")
            current.signed_pdf = storage.save(signed_name, signed)
            written.append(current.signed_pdf.name)
            current.signed_sha256 = signed_sha
            current.signed_by = signed_by
            current.signed_at = timezone.now()
        current.status = RenditionStatus.DONE
        current.made_at = timezone.now()
        current.last_error = note
        current.locked_until = None
        current.lease = ""
        current.save()


def _release(rendition, **fields) -> None:
    Rendition.objects.filter(pk=rendition.pk, lease=rendition.lease).update(
        locked_until=None, lease="", **fields
    )


def _postpone(rendition, reason: str) -> None:
    _release(
        rendition,
        attempts=F("attempts") - 1,
        last_error=reason,
        next_attempt_at=timezone.now() + MISSING_CONVERTER_DELAY,
    )


def _retry_or_fail(rendition, reason: str) -> None:
    attempts = rendition.attempts
    logger.warning(
        "PDF/A copy of version %s failed (attempt %s): %s", rendition.version_id, attempts, reason
    )
    if attempts >= settings.PDF_RENDITION_MAX_ATTEMPTS:
        _release(rendition, status=RenditionStatus.FAILED, last_error=reason)
        return
    delay = backoff(attempts, first=BASE_DELAY, most=MAX_DELAY)
    _release(rendition, last_error=reason, next_attempt_at=timezone.now() + delay)
