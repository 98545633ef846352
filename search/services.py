"""Every write search makes, and the search a user runs.

Index updates go through a transactional outbox: a change to a dossier or one of its documents
writes an OutboxEntry in the change's own transaction (receivers in apps.py), and after the commit
the entries are applied to the engine. If the engine is down the workflow action still succeeds;
the entries wait, with their attempts and last error, and are applied by the next commit, by
`manage.py search_process_outbox`, or by `manage.py search_status --process`.
"""

import datetime
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.errors import DomainError

from .backends import get_backend
from .backends.base import Backend, Entry, Filters, SearchRequest, SearchResult, SearchUnavailable
from .models import OutboxEntry
from .query import QueryError, parse

logger = logging.getLogger(__name__)

# Retry a failed update after 2, 4, 8 … seconds, at most every five minutes.
MAX_BACKOFF = datetime.timedelta(minutes=5)
# Keys of PostgreSQL advisory locks: one per dossier being applied, so two workers never write
# the same dossier's entries at once (the older read could land last).
_LOCK_SPACE = zlib.crc32(b"search.outbox") & 0x7FFFFFFF


class SearchError(DomainError):
    """A search that cannot be answered; str(error) is a message for the user.

    status: 400 when the query is at fault, 503 when the engine is.
    """

    def __init__(self, message, status: int = 400):
        super().__init__(message)
        self.status = status


# -- what is indexed -------------------------------------------------------------------------------


def _dossiers():
    # The index holds every dossier; what a user may see is decided at query time.
    from workflow.selectors import all_dossiers

    return all_dossiers()


def _local_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def entries_for(dossier) -> list[Entry]:
    """The index entries of one dossier: its own record, then one per indexable document."""
    common = {
        "dossier_id": dossier.pk,
        "agency_id": dossier.agency_id,
        "agency_name": dossier.agency.name,
        "kind": dossier.kind,
        "stage": dossier.state,
        "decision_number": dossier.decision_number or "",
    }
    own_text = "\n".join(
        part for part in (dossier.program, dossier.summary, dossier.decision_number) if part
    )
    entries = [
        Entry.build(
            key=f"dossier:{dossier.pk}",
            doc_type="dossier",
            title=dossier.title,
            text=own_text,
            date=_local_date(dossier.decision_date or dossier.created_at),
            **common,
        )
    ]
    from documents.selectors import indexable_documents

    for version_id, doc_type, title, text, created_at in indexable_documents(dossier):
        entries.append(
            Entry.build(
                key=f"version:{version_id}",
                doc_type=doc_type,
                title=title,
                text=text,
                date=_local_date(created_at),
                **common,
            )
        )
    return entries


def iter_all_entries(progress=None) -> Iterator[Entry]:
    """Every entry, dossier by dossier; progress(dossiers_done) after each dossier."""
    for done, dossier in enumerate(_dossiers().order_by("pk").iterator(chunk_size=500), 1):
        yield from entries_for(dossier)
        if progress:
            progress(done)


def count_dossiers() -> int:
    return _dossiers().count()


# -- the outbox ----------------------------------------------------------------------------------


def enqueue_dossier(dossier_id: int, *, version_id: int | None = None) -> OutboxEntry:
    """Record that a dossier's entries must be updated, in the caller's transaction, and apply it
    once that transaction commits."""
    entry = OutboxEntry.objects.create(dossier_id=dossier_id, version_id=version_id)
    if getattr(settings, "SEARCH_PROCESS_ON_COMMIT", True):
        transaction.on_commit(lambda: process_outbox_quietly(dossier_ids=[dossier_id]))
    return entry


@dataclass
class OutboxReport:
    applied: int = 0  # outbox rows applied and deleted
    failed: int = 0  # rows whose dossier could not be applied (kept, attempts + 1)
    skipped: int = 0  # rows another worker is applying right now


def _backoff(attempts: int) -> datetime.timedelta:
    return min(MAX_BACKOFF, datetime.timedelta(seconds=2 ** min(attempts, 16)))


def _claim_dossier(dossier_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite runs one writing transaction at a time: the claim is implicit
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                       [_LOCK_SPACE, dossier_id & 0x7FFFFFFF])
        return bool(cursor.fetchone()[0])


def process_outbox(*, limit: int = 100, backend: Backend | None = None, force: bool = False,
                   dossier_ids=None) -> OutboxReport:
    """Apply up to `limit` pending updates, oldest first, and delete those that succeeded.

    Rows locked by another worker are skipped (SELECT … FOR UPDATE SKIP LOCKED where the database
    has it), and a dossier is applied by one worker at a time, from its state as read now. A row
    that fails stays, with attempts + 1, its error, and a later next attempt; force=True ignores
    that delay (when the engine is known to be back).
    """
    backend = backend or get_backend()
    report = OutboxReport()
    now = timezone.now()
    with transaction.atomic():
        rows = OutboxEntry.objects.order_by("id")
        if not force:
            rows = rows.filter(available_at__lte=now)
        if dossier_ids is not None:
            rows = rows.filter(dossier_id__in=list(dossier_ids))
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        by_dossier: dict[int, list[OutboxEntry]] = defaultdict(list)
        for row in rows[:limit]:
            by_dossier[row.dossier_id].append(row)

        for dossier_id, group in by_dossier.items():
            if not _claim_dossier(dossier_id):
                report.skipped += len(group)
                continue
            try:
                with transaction.atomic():  # a savepoint: a failing backend write rolls back alone
                    dossier = _dossiers().filter(pk=dossier_id).first()
                    backend.replace_dossier(dossier_id, entries_for(dossier) if dossier else [])
            except Exception as error:  # noqa: BLE001 - any failure leaves the update waiting
                logger.warning("search index update of dossier %s failed: %s", dossier_id, error)
                for row in group:
                    row.attempts += 1
                    row.last_error = f"{type(error).__name__}: {error}"[:2000]
                    row.available_at = now + _backoff(row.attempts)
                    row.save(update_fields=["attempts", "last_error", "available_at"])
                report.failed += len(group)
            else:
                OutboxEntry.objects.filter(pk__in=[row.pk for row in group]).delete()
                report.applied += len(group)
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
    oldest: datetime.datetime | None
    last_error: str


def backlog() -> Backlog:
    rows = OutboxEntry.objects.all()
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    failing = rows.filter(attempts__gt=0)
    last = failing.order_by("-id").values_list("last_error", flat=True).first()
    return Backlog(pending=rows.count(), failing=failing.count(), oldest=oldest,
                   last_error=last or "")


def rebuild_index(*, backend: Backend | None = None, progress=None) -> int:
    """Rebuild the whole index from the database; updates queued before it began are then moot."""
    backend = backend or get_backend()
    started = timezone.now()
    done = backend.rebuild(iter_all_entries(progress=progress))
    OutboxEntry.objects.filter(created_at__lt=started).delete()
    return done


# -- searching -------------------------------------------------------------------------------------


def search(*, user, text: str, filters: Filters | None = None, sort: str = "relevance",
           page: int = 1, per_page: int = 20, backend: Backend | None = None) -> SearchResult:
    """What `user` may see that matches `text` and the filters. Raises SearchError for the user."""
    from workflow.selectors import visible_agency_ids

    filters = filters or Filters()
    try:
        query = parse(text, allow_empty=not filters.is_empty)
    except QueryError as error:
        raise SearchError(str(error)) from error
    visible = visible_agency_ids(user) if user is not None else None
    request = SearchRequest(
        query=query,
        filters=filters,
        visible_agency_ids=frozenset(visible) if visible is not None else None,
        sort=sort if sort in ("relevance", "date") else "relevance",
        page=max(1, page),
        per_page=max(1, min(per_page, 100)),
    )
    try:
        return (backend or get_backend()).search(request)
    except SearchUnavailable as error:
        logger.warning("search failed: %s", error)
        raise SearchError(
            _("Search is unavailable at the moment. Please try again in a few minutes."),
            status=503,
        ) from error
