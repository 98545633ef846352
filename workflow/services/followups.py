"""The follow-up of a change to a dossier: the records derived from its audit entry.

A transition (or a creation) writes what is the truth: the dossier, its audit entry, its
paperwork, the search outbox. What follows from it — viewflow's stage task (the inbox), the
dashboard's stage visit, the notifications, the webhook events — is written by `follow_up`:
  - in the transition's own transaction (setting WORKFLOW_FOLLOW_UPS_IN_TRANSACTION, the default);
  - or after its commit: the transaction writes one FollowUp row (an outbox) and the worker's
    `workflow.jobs.run_follow_ups` applies it (`manage.py serve` runs it so). The transition then
    holds its locks, and SQLite its one writer, for about a third of the time; the inbox of the
    next person lags by the worker's poll (a second), the dossier's own page never does.
Either way a dossier's follow-ups are applied in the order of its transitions, under its row
lock, each once: the row is deleted in the transaction that applies it.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Mod
from django.utils import timezone

from documents.retries import backoff

from .. import actions, flows
from ..models import AuditEntry, Dossier, FollowUp
from ..signals import dossier_created, dossier_transitioned


def follow_up(dossier: Dossier, entry: AuditEntry) -> None:
    """In the transaction of the change recorded by `entry`, with the dossier's row locked."""
    if settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION and not _waiting(dossier, entry):
        _apply(dossier, entry)
    else:
        FollowUp.objects.create(entry=entry, dossier=dossier)


def _waiting(dossier: Dossier, entry: AuditEntry) -> bool:
    """Whether the dossier has follow-ups still waiting (written under the other setting): the
    new one then waits behind them, in order. A dossier being created has none."""
    return entry.action != actions.CREATE and FollowUp.objects.filter(dossier=dossier).exists()


def _apply(dossier: Dossier, entry: AuditEntry, waiting: dict | None = None) -> None:
    flows.follow_dossier(dossier, entry.to_state, waiting=waiting)
    if entry.action == actions.CREATE:
        dossier_created.send(sender=Dossier, dossier=dossier, entry=entry)
        return
    dossier_transitioned.send(
        sender=Dossier,
        dossier=dossier,
        action=entry.action,
        from_state=entry.from_state,
        to_state=entry.to_state,
        actor=entry.actor,
        comment=entry.comment,
        entry=entry,
    )


def waiting_dossiers(*, limit: int, part: tuple[int, int] = (1, 1)) -> list[int]:
    """Dossiers with a follow-up due, oldest change first: of part k of n, those whose id is k-1
    modulo n."""
    due = FollowUp.objects.filter(next_attempt_at__lte=timezone.now()).order_by("entry_id")
    k, n = part
    if n > 1:
        due = due.alias(part=Mod("dossier_id", n)).filter(part=k - 1)
    return list(dict.fromkeys(due.values_list("dossier_id", flat=True)[:limit]))


@transaction.atomic
def apply_follow_ups(dossier_ids: list[int]) -> tuple[int, dict[int, Exception]]:
    """Apply the waiting follow-ups of these dossiers, each dossier's in order, in one transaction:
    one read of the dossiers (locked) and of their follow-ups, one delete, one commit for the
    group. Each dossier in a savepoint: one that fails is rolled back alone, its follow-ups wait.
    Returns how many were applied, and the error of each dossier that failed."""
    # Their agency too, which notifications name (of=self: PostgreSQL leaves the agency unlocked).
    dossiers = list(
        Dossier.objects.select_for_update(of=("self",)).select_related("agency")
        .filter(pk__in=dossier_ids).order_by("pk")
    )
    # Read once they are locked: another worker's run that held one has applied its follow-ups.
    pending: dict[int, list[FollowUp]] = {}
    for row in FollowUp.objects.filter(dossier_id__in=dossier_ids).select_related("entry__actor"):
        pending.setdefault(row.dossier_id, []).append(row)
    waiting = flows.active_tasks(list(pending))
    done, failed = [], {}
    for dossier in dossiers:
        rows = pending.get(dossier.pk, [])
        try:
            with transaction.atomic():
                for row in rows:
                    _apply(dossier, row.entry, waiting)
        except Exception as error:  # noqa: BLE001 - rolled back alone, retried later
            failed[dossier.pk] = error
        else:
            done += [row.pk for row in rows]
    FollowUp.objects.filter(pk__in=done).delete()
    return len(done), failed


def record_failure(dossier_id: int, error: str) -> None:
    """The dossier's follow-ups wait, doubling, then stay for an administrator (next_attempt_at
    None) after WORKER_MAX_ATTEMPTS; the other dossiers' go on."""
    for row in FollowUp.objects.filter(dossier_id=dossier_id):
        attempts = row.attempts + 1
        wait = backoff(attempts, first=datetime.timedelta(seconds=2),
                       most=datetime.timedelta(seconds=settings.WORKER_MAX_BACKOFF_SECONDS))
        failed = attempts >= settings.WORKER_MAX_ATTEMPTS
        FollowUp.objects.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=error[-10000:],
            next_attempt_at=None if failed else timezone.now() + wait,
        )


def retry_follow_ups(queryset) -> int:
    """The admin's "retry": due at the worker's next poll."""
    return queryset.update(attempts=0, next_attempt_at=timezone.now())
