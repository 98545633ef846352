"""The outbox of index updates: written with each change, applied to the engine afterwards.

A change to a dossier or one of its documents writes an OutboxEntry in the change's own
transaction (receivers.py). After the commit the rows are applied (enqueue_dossier), and the
worker applies whatever is left (jobs.run_search_outbox, `search_process_outbox --loop`).

Applying never runs inside a database transaction: a worker claims the rows of a few dossiers in
a short transaction (a lease: claimed_by and locked_until), asks the engine with no transaction
open, and then deletes what it applied or records the failure, each in a short transaction of
its own. A hung engine therefore never holds SQLite's write lock, and is cut off by the backend's
short timeouts and circuit breaker; the rows wait meanwhile. A worker killed half way leaves its
lease to expire, and the rows are claimed again.
"""

import datetime
import logging
import uuid
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from documents.retries import backoff

from . import rebuild
from .backends import get_backend
from .backends.base import Backend
from .entries import dossier_or_none, entries_for
from .models import OutboxEntry

logger = logging.getLogger(__name__)

PENDING, FAILED, APPLIED = "pending", "failed", rebuild.APPLIED
# Retry a failed update after 2, 4, 8 … seconds, at most every five minutes.
FIRST_BACKOFF, MAX_BACKOFF = datetime.timedelta(seconds=2), datetime.timedelta(minutes=5)
# How long a claim holds: far longer than an update takes with the engine's short timeouts.
LEASE = datetime.timedelta(seconds=60)
# Keys of PostgreSQL advisory locks: one per dossier being applied, so two workers never write
# the same dossier's entries at once (the older read could land last).
_LOCK_SPACE = zlib.crc32(b"search.outbox") & 0x7FFFFFFF


def enqueue_dossier(dossier_id: int, *, version_id: int | None = None) -> OutboxEntry:
    """Record that a dossier's entries must be updated, in the caller's transaction, and apply it
    once that transaction commits (outside it)."""
    entry = OutboxEntry.objects.create(dossier_id=dossier_id, version_id=version_id)
    if getattr(settings, "SEARCH_PROCESS_ON_COMMIT", True):
        transaction.on_commit(lambda: process_outbox_quietly(dossier_ids=[dossier_id]))
    return entry


@dataclass
class OutboxReport:
    applied: int = 0  # outbox rows applied and deleted
    failed: int = 0  # rows whose dossier could not be applied (kept, attempts + 1)
    skipped: int = 0  # rows another worker is applying right now
    deferred: bool = False  # the engine's circuit breaker is open: nothing was asked of it


def _claim(token: str, *, limit: int, force: bool, dossier_ids,
           rebuilding: bool) -> dict[int, list[int]]:
    """Lease up to `limit` due rows to `token` (with their dossier's other due rows left to a
    later claim), none of a dossier another worker holds; {dossier id: row ids}."""
    now = timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    with transaction.atomic():
        due = OutboxEntry.objects.filter(free)
        if not force:
            due = due.filter(available_at__lte=now)
        statuses = [PENDING, FAILED] if force else [PENDING]
        if not rebuilding:
            statuses.append(APPLIED)  # left by a rebuild that ended before replaying them
        due = due.filter(status__in=statuses)
        if dossier_ids is not None:
            due = due.filter(dossier_id__in=list(dossier_ids))
        held = OutboxEntry.objects.filter(locked_until__gte=now).values("dossier_id")
        due = due.exclude(dossier_id__in=held).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        # Conditional: a row another worker claimed meanwhile is not taken from it.
        OutboxEntry.objects.filter(free, pk__in=ids).update(claimed_by=token,
                                                            locked_until=now + LEASE)
    claimed = defaultdict(list)
    for pk, dossier_id in OutboxEntry.objects.filter(claimed_by=token).values_list(
            "id", "dossier_id").order_by("id"):
        claimed[dossier_id].append(pk)
    return claimed


def _release(token: str, ids) -> None:
    OutboxEntry.objects.filter(claimed_by=token, pk__in=ids).update(claimed_by="",
                                                                    locked_until=None)


def _record_failure(token: str, ids, error: Exception) -> None:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    last = getattr(settings, "SEARCH_OUTBOX_MAX_ATTEMPTS", 50)
    with transaction.atomic():
        for row in OutboxEntry.objects.filter(claimed_by=token, pk__in=ids):
            row.attempts += 1
            row.last_error = message
            row.available_at = now + backoff(row.attempts, first=FIRST_BACKOFF, most=MAX_BACKOFF)
            row.status = FAILED if row.attempts >= last else PENDING
            row.claimed_by, row.locked_until = "", None
            row.save(update_fields=["attempts", "last_error", "available_at", "status",
                                    "claimed_by", "locked_until"])


@contextmanager
def _dossier_lock(dossier_id: int):
    """PostgreSQL: a session advisory lock on the dossier while it is applied (True if taken).
    SQLite needs none: its claims are made one transaction at a time, so a dossier held by one
    worker is never claimed by another."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = [_LOCK_SPACE, dossier_id & 0x7FFFFFFF]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def apply_dossier(backend: Backend, dossier_id: int) -> None:
    """Make the dossier's entries in the index those of its state now (none if it is gone)."""
    dossier = dossier_or_none(dossier_id)
    backend.replace_dossier(dossier_id, entries_for(dossier) if dossier else [])


def process_outbox(*, limit: int = 100, backend: Backend | None = None, force: bool = False,
                   dossier_ids=None) -> OutboxReport:
    """Apply up to `limit` due updates, oldest first, and delete those that succeeded.

    A row that fails stays, with attempts + 1, its error, and a later next attempt (failed after
    SEARCH_OUTBOX_MAX_ATTEMPTS); force=True also takes rows not yet due and failed ones (when the
    engine is known to be back). While the engine's circuit breaker is open nothing is claimed.
    """
    backend = backend or get_backend()
    report = OutboxReport()
    if force:
        backend.retry_now()  # the caller knows the engine is back: no waiting for the breaker
    elif not backend.accepting():
        report.deferred = True
        return report
    token = uuid.uuid4().hex
    rebuilding = rebuild.running(backend.name).exists()
    claimed = _claim(token, limit=limit, force=force, dossier_ids=dossier_ids,
                     rebuilding=rebuilding)
    for dossier_id, ids in claimed.items():
        if not backend.accepting():  # the breaker opened on an earlier dossier of this batch
            _release(token, ids)
            report.deferred = True
            continue
        with _dossier_lock(dossier_id) as taken:
            if not taken:
                _release(token, ids)
                report.skipped += len(ids)
                continue
            try:
                apply_dossier(backend, dossier_id)
            except Exception as error:  # noqa: BLE001 - any failure leaves the update waiting
                logger.warning("search index update of dossier %s failed: %s", dossier_id, error)
                _record_failure(token, ids, error)
                report.failed += len(ids)
            else:
                done = OutboxEntry.objects.filter(claimed_by=token, pk__in=ids)
                if rebuilding:  # kept for the rebuild to apply again (rebuild.py)
                    done.update(status=APPLIED, claimed_by="", locked_until=None)
                else:
                    done.delete()
                report.applied += len(ids)
    return report


def process_outbox_quietly(**kwargs) -> OutboxReport | None:
    """process_outbox for after a commit: never lets an engine failure reach the user's action."""
    try:
        return process_outbox(**kwargs)
    except Exception:  # noqa: BLE001 - the rows stay in the outbox for the next try
        logger.exception("processing the search outbox failed")
        return None


@dataclass
class Backlog:
    pending: int
    failing: int
    failed: int
    oldest: datetime.datetime | None
    last_error: str


def backlog() -> Backlog:
    rows = OutboxEntry.objects.all()
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    failing = rows.filter(attempts__gt=0)
    last = failing.order_by("-id").values_list("last_error", flat=True).first()
    return Backlog(pending=rows.count(), failing=failing.count(),
                   failed=rows.filter(status=FAILED).count(), oldest=oldest,
                   last_error=last or "")
