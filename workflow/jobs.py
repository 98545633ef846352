"""The workflow's background jobs, run by `manage.py run_worker` (setting WORKER_JOBS)."""

import logging

from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .reads import reading_once

logger = logging.getLogger("dossierflow.jobs")
# Dossiers whose follow-ups are applied in one transaction (each in a savepoint): one commit, one
# read of the dossiers and of their follow-ups, one delete for ten. A follow-up cost 4.6 ms of CPU
# on its own, 3.4 ms in tens (bench/workflow). The writer (SQLite) or the ten dossiers' rows
# (PostgreSQL) are held about 35 ms, which a request waits at worst.
FOLLOW_UP_GROUP = 10


class TimersFailed(Exception):
    """Some due timers could not fire: the worker retries the job with backoff and, at last,
    shows it failed in the admin, with this message naming them."""


def _raise_failed_step(timer: Task) -> None:
    """viewflow records a step that raised (closing the round) as a task in ERROR and carries
    on, which would leave the deadline spent and the round open for good."""
    failed = Task.objects.filter(process_id=timer.process_id, status=STATUS.ERROR).first()
    if failed is not None:
        raise TimersFailed(failed.data.get("_exception", {}).get("title", "step failed"))


def run_workflow_timers(*, limit: int = 100) -> int:
    """Fire up to `limit` due viewflow timers (the review rounds' deadlines); returns how many.

    What viewflow's dispatcher (`viewflow.workflow.timers.fire_due_timers`) does, through the
    same public API (a task's activation under its flow's lock), with two differences: a batch
    limit, and a timer whose step fails is rolled back (it stays due) and raised once the others
    had their turn, so the job is retried with backoff and a lasting failure shows in the admin
    instead of only in a log.
    RoundDeadlineFlow locks its process row, so concurrent workers fire each timer once.
    """
    due = Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED,
                              scheduled__lte=timezone.now()).order_by("scheduled", "pk")
    fired, failures = 0, []
    for task in due[:limit]:
        try:
            with task.activation() as activation:
                start = getattr(activation, "start", None)
                if start is not None and start.can_proceed():  # None: its node was removed
                    activation.start()
                    activation.execute()
                    _raise_failed_step(task)  # rolls the firing back: the timer stays due
                    fired += 1
        except FlowLockFailed:
            continue  # another worker holds it
        except Exception as error:  # noqa: BLE001 - the other timers still fire
            logger.exception("timer task %s failed to fire", task.pk)
            failures.append(f"task {task.pk}: {type(error).__name__}: {error}")
    if failures:
        raise TimersFailed(f"{len(failures)} of the due timers failed ({fired} fired): "
                           + "; ".join(failures[:10]))
    return fired


def run_follow_ups(*, limit: int = 100, part: tuple[int, int] = (1, 1)) -> int:
    """Apply up to `limit` waiting follow-ups (services/followups.py); returns how many.

    With `part` (k, n), those of the k-th of n parts of the dossiers only (WORKER_JOB_PARTS): the
    worker runs one run of a job, or of a part, at a time across all workers, so a dossier is
    applied by one worker at once while other workers apply the other parts. The dossiers in
    groups of FOLLOW_UP_GROUP, a transaction each; each dossier under its row lock, in a
    savepoint. A dossier whose follow-up fails is rolled back alone, logged and retried later with
    backoff; the others go on.
    """
    from .services import followups

    applied = 0
    with reading_once():  # policies, holidays, webhook endpoints: once for the whole run
        dossiers = followups.waiting_dossiers(limit=limit, part=part)
        for start in range(0, len(dossiers), FOLLOW_UP_GROUP):
            done, failed = followups.apply_follow_ups(dossiers[start:start + FOLLOW_UP_GROUP])
            applied += done
            for dossier_id, error in failed.items():
                logger.error("follow-up of dossier %s failed", dossier_id, exc_info=error)
                followups.record_failure(dossier_id, f"{type(error).__name__}: {error}")
    return applied
