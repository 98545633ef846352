"""The workflow's background jobs, run by `manage.py run_worker` (setting WORKER_JOBS)."""

import logging

from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .reads import reading_once

logger = logging.getLogger("dossierflow.jobs")


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
    applied by one worker at once while other workers apply the other parts. Each dossier in its
    own transaction, under its row lock. A dossier whose follow-up fails is rolled back, logged
    and retried later with backoff; the others go on.
    """
    from .services import followups

    applied = 0
    with reading_once():  # policies, holidays, webhook endpoints: once for the whole run
        dossiers = followups.waiting_dossiers(limit=limit, part=part)
        for dossier_id in dossiers:
            try:
                applied += followups.apply_follow_ups(dossier_id)
            except Exception as error:  # noqa: BLE001 - recorded on the rows, retried later
                logger.exception("follow-up of dossier %s failed", dossier_id)
                followups.record_failure(dossier_id, f"{type(error).__name__}: {error}")
    return applied
