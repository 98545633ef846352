"""The workflow's background jobs, run by `manage.py run_worker` (setting WORKER_JOBS)."""

from viewflow.workflow.timers import fire_due_timers


def run_workflow_timers(*, limit: int = 100) -> int:
    """Fire the due viewflow timers (the review rounds' deadlines); returns how many fired.

    viewflow's dispatcher re-checks each timer under its flow's lock, and RoundDeadlineFlow locks
    its process row (SELECT … FOR UPDATE), so concurrent workers fire each timer once. The
    dispatcher takes every due timer in one sweep: `limit` is not needed to bound it, since a
    timer is a small transaction and the due ones are few.
    """
    return fire_due_timers()
