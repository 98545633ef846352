"""Rebuilding the whole index from the database, without losing the changes made meanwhile.

While a rebuild runs (an IndexRebuild row with a recent heartbeat), the outbox keeps the rows it
applies (status "applied") instead of deleting them: on Elasticsearch they went to the index
being replaced, on the database backend the rebuild may have written an older read of the same
dossier after them. Once the new index is in place the rebuild applies those dossiers again, and
any row left "applied" after it finished is claimed again by the outbox. Updates committed before
the rebuild began are in what it reads: their rows are deleted at the end.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .backends import get_backend
from .backends.base import Backend
from .entries import iter_all_entries
from .models import IndexRebuild, OutboxEntry

APPLIED = "applied"


def stale() -> datetime.timedelta:
    """A rebuild silent this long was killed (settings.SEARCH_REBUILD_STALE seconds); a running
    one shows a sign of life four times as often, at least every five seconds."""
    return datetime.timedelta(seconds=getattr(settings, "SEARCH_REBUILD_STALE", 120))


def heartbeat() -> datetime.timedelta:
    return min(datetime.timedelta(seconds=5), stale() / 4)


class RebuildRunning(Exception):
    """Another rebuild of the same index is running."""


def running(backend_name: str | None = None):
    """The rebuilds alive now (heartbeat within stale())."""
    rows = IndexRebuild.objects.filter(finished_at__isnull=True,
                                       heartbeat_at__gte=timezone.now() - stale())
    return rows.filter(backend=backend_name) if backend_name else rows


def interrupted(backend_name: str):
    """The last rebuild of this backend, if it was killed before it finished (its index may be
    incomplete), else None."""
    last = IndexRebuild.objects.filter(backend=backend_name).order_by("-id").first()
    if last and last.finished_at is None and last.heartbeat_at < timezone.now() - stale():
        return last
    return None


def settle_interrupted(backend_name: str) -> None:
    """Mark the killed rebuilds of this backend done, once its index agrees with the database
    again (search_check --repair)."""
    IndexRebuild.objects.filter(backend=backend_name, finished_at__isnull=True,
                                heartbeat_at__lt=timezone.now() - stale()).update(
        finished_at=timezone.now())


def rebuild_index(*, backend: Backend | None = None, progress=None) -> int:
    """Rebuild the whole index from the database; returns the entries written."""
    from .outbox import apply_dossier

    backend = backend or get_backend()
    with transaction.atomic():
        if running(backend.name).exists():
            raise RebuildRunning(f"a rebuild of the {backend.name} index is running")
        run = IndexRebuild.objects.create(backend=backend.name)
        seen = OutboxEntry.objects.aggregate(last=Max("id"))["last"] or 0
    backend.cleanup(keep=running().exclude(pk=run.pk).values_list("target", flat=True))
    beat, every = timezone.now(), heartbeat()

    def alive(done):
        nonlocal beat
        now = timezone.now()
        if now - beat >= every:
            IndexRebuild.objects.filter(pk=run.pk).update(heartbeat_at=now)
            beat = now
        if progress:
            progress(done)

    def filling(target: str):
        IndexRebuild.objects.filter(pk=run.pk).update(target=target)

    done = backend.rebuild(iter_all_entries(progress=alive), on_target=filling)
    # The changes applied while the index was rebuilt, again, until none is left.
    while True:
        with transaction.atomic():
            replay = dict(OutboxEntry.objects.filter(status=APPLIED, claimed_by="")
                          .values_list("id", "dossier_id"))
            if not replay:
                OutboxEntry.objects.filter(pk__lte=seen).delete()
                IndexRebuild.objects.filter(pk=run.pk).update(finished_at=timezone.now(),
                                                              entries=done)
                break
        for dossier_id in sorted(set(replay.values())):
            apply_dossier(backend, dossier_id)
        OutboxEntry.objects.filter(pk__in=list(replay), status=APPLIED).delete()
    return done
