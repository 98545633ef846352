"""The background worker: runs every job of the WORKER_JOBS setting on its interval.

A job is a function `run_<thing>(*, limit) -> int` that drains its app's outbox (the durable rows
written with the change that caused them are the truth; a job only applies them). The worker adds:
- one run of a job at a time across all workers: a run is claimed by a conditional UPDATE of its
  `Job` row that sets a lease (`locked_until`); the worker's heartbeat thread extends the lease
  while the job runs, so a worker killed with SIGKILL loses its lease and another worker (or the
  restarted one) runs the job again once it expires;
- retries with exponential backoff when a job raises, then `failed` after WORKER_MAX_ATTEMPTS in a
  row, shown in the admin with its traceback until an administrator retries it;
- a heartbeat row per worker (read by /readyz) and one log line per job run;
- a job of WORKER_JOB_PARTS split into parts, `name[k/n]`, each its own row (run, lease, retries)
  called with `part=(k, n)`: several workers then share the job, each on its own part;
- an idle worker woken by the commit of work for a job, which it then runs at once instead of at
  its next poll (wakeups.py);
- the jobs of WORKER_SLOW_JOBS (a PDF/A copy takes a second or more, a mail server or a webhook
  receiver may hang) run on a thread of their own, so that one of them running never holds up
  the quick ones (the next person's inbox).
"""

import datetime
import functools
import logging
import os
import re
import secrets
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from documents.retries import backoff

from .models import Job, WorkerHeartbeat
from .wakeups import EVERY_JOB, Listener

logger = logging.getLogger("dossierflow.jobs")


WAKE_GAP_SECONDS = 0.2  # between two wake-ups of a worker (Worker.wake)
_PART = re.compile(r"^(?P<job>[^\[\]]+)\[(?P<k>[1-9][0-9]*)/(?P<n>[1-9][0-9]*)\]$")


def configured_jobs() -> dict[str, int]:
    """Each job of WORKER_JOBS with its interval, a split job (WORKER_JOB_PARTS) as its parts."""
    parts = getattr(settings, "WORKER_JOB_PARTS", {})
    jobs = {}
    for name, seconds in getattr(settings, "WORKER_JOBS", {}).items():
        n = int(parts.get(name, 1))
        names = [f"{name}[{k}/{n}]" for k in range(1, n + 1)] if n > 1 else [name]
        jobs |= dict.fromkeys(names, int(seconds))
    return jobs


def is_slow(name: str) -> bool:
    """Job `name` (or part) runs on the worker's slow lane (WORKER_SLOW_JOBS)."""
    return _job_and_part(name)[0] in getattr(settings, "WORKER_SLOW_JOBS", ())


def batch_size(name: str) -> int:
    """The most rows a run of job `name` (or part) takes: its own (WORKER_JOB_BATCH_SIZES), or
    WORKER_BATCH_SIZE."""
    own = getattr(settings, "WORKER_JOB_BATCH_SIZES", {}).get(_job_and_part(name)[0])
    return int(own or settings.WORKER_BATCH_SIZE)


def step_back() -> int:
    """Lower this process's CPU priority by WORKER_NICE (a worker process, at its start): the
    web server's requests go first, the worker uses what they leave. Returns its niceness."""
    return os.nice(max(settings.WORKER_NICE, 0))


def keep_connection() -> None:
    """A worker process (at its start) keeps its database connection from one run to the next,
    checked before each (CONN_HEALTH_CHECKS), instead of opening one at every poll as the
    default DATABASE_CONN_MAX_AGE of 0 would have it: a woken job starts 20 ms sooner on
    PostgreSQL, and an idle worker costs its database no new session a second."""
    for alias in connections:
        connections[alias].settings_dict["CONN_MAX_AGE"] = None


def _job_and_part(name: str) -> tuple[str, tuple[int, int] | None]:
    match = _PART.match(name)
    return (name, None) if match is None else (match["job"], (int(match["k"]), int(match["n"])))


def job_function(name: str):
    """What runs job `name`: its function, given `part=(k, n)` when `name` is a part."""
    job, part = _job_and_part(name)
    function = import_string(job)
    return function if part is None else functools.partial(function, part=part)


def sync_jobs(jobs: dict[str, int]) -> None:
    """One Job row per configured job; a new job is due at once. The rows of a job split another
    way before (or not at all) are removed unless a worker holds one: the new parts cover it."""
    now = timezone.now()
    for base in {_job_and_part(name)[0] for name in jobs}:
        (Job.objects.filter(Q(name=base) | Q(name__startswith=f"{base}["))
         .exclude(name__in=list(jobs))
         .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
         .delete())
    for name, interval in jobs.items():
        job, created = Job.objects.get_or_create(
            name=name, defaults={"interval_seconds": interval, "next_run_at": timezone.now()}
        )
        if not created and job.interval_seconds != interval:
            Job.objects.filter(pk=job.pk).update(interval_seconds=interval)


def claim(name: str, worker: str, *, lease: datetime.timedelta) -> bool:
    """Take the next run of job `name` if it is due and nobody holds a live lease on it.

    One UPDATE whose WHERE is evaluated again on the locked row (PostgreSQL) or under the single
    writer lock (SQLite): of two workers claiming at once exactly one updates the row.
    """
    now = timezone.now()
    return bool(
        Job.objects.filter(name=name, next_run_at__lte=now)
        .exclude(status=Job.Status.FAILED)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(status=Job.Status.RUNNING, locked_by=worker, locked_until=now + lease,
                last_started_at=now)
    )


def run_claimed(name: str, worker: str, *, limit: int) -> bool:
    """Run job `name`, claimed by `worker`, and record the outcome. True when it succeeded."""
    started = time.monotonic()
    try:
        result = job_function(name)(limit=limit)
    except Exception as error:  # noqa: BLE001 - recorded, logged and retried with backoff
        duration = int((time.monotonic() - started) * 1000)
        _record_failure(name, worker, traceback.format_exc(), duration)
        logger.exception("job %s failed after %d ms: %s", name, duration, error,
                         extra={"job": name, "duration_ms": duration, "outcome": "error"})
        if not connection.in_atomic_block:  # (a test's transaction holds it open)
            connection.close_if_unusable_or_obsolete()
        return False
    duration = int((time.monotonic() - started) * 1000)
    result = int(result or 0)
    now = timezone.now()
    job = Job.objects.get(name=name)
    # A full batch means more work is waiting: run again at once rather than after the interval.
    next_run = now if result >= limit else now + datetime.timedelta(seconds=job.interval_seconds)
    Job.objects.filter(name=name, locked_by=worker).update(
        status=Job.Status.IDLE, attempts=0, last_error="", locked_until=None, locked_by="",
        next_run_at=next_run, last_finished_at=now, last_duration_ms=duration,
        last_result=result, runs=job.runs + 1,
    )
    # A run that found nothing to do is a DEBUG line: an idle worker polls every few seconds.
    logger.log(logging.INFO if result else logging.DEBUG, "job %s done: %d in %d ms", name,
               result, duration,
               extra={"job": name, "duration_ms": duration, "result": result, "outcome": "ok"})
    return True


def _record_failure(name: str, worker: str, error: str, duration: int) -> None:
    job = Job.objects.get(name=name)
    attempts = job.attempts + 1
    failed = attempts >= settings.WORKER_MAX_ATTEMPTS
    now = timezone.now()
    Job.objects.filter(pk=job.pk, locked_by=worker).update(
        status=Job.Status.FAILED if failed else Job.Status.FAILING,
        attempts=attempts, last_error=error[-10000:], locked_until=None, locked_by="",
        next_run_at=None if failed else now + backoff(
            attempts, first=datetime.timedelta(seconds=2 * max(job.interval_seconds, 1)),
            most=datetime.timedelta(seconds=settings.WORKER_MAX_BACKOFF_SECONDS)),
        last_finished_at=now, last_duration_ms=duration, runs=job.runs + 1,
    )


def retry_jobs(queryset) -> int:
    """The admin's "retry": a failed or failing job runs again at the next poll."""
    return queryset.exclude(status=Job.Status.RUNNING).update(
        status=Job.Status.IDLE, attempts=0, next_run_at=timezone.now()
    )


@dataclass
class Worker:
    jobs: dict[str, int] = field(default_factory=configured_jobs)
    name: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    )
    stop: threading.Event = field(default_factory=threading.Event)
    listener: Listener = field(default_factory=Listener)
    _woken_at: float = field(default=float("-inf"), init=False)
    _slow_woken: threading.Event = field(default_factory=threading.Event, init=False)

    @property
    def lease(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=settings.WORKER_LEASE_SECONDS)

    def run(self, *, once: bool = False) -> int:
        """Run due jobs until stopped (or one pass with once=True, every job in this thread);
        returns the runs made. The slow jobs run on a thread of their own (the slow lane)."""
        sync_jobs(self.jobs)
        quick = list(self.jobs) if once else [name for name in self.jobs if not is_slow(name)]
        slow = [name for name in self.jobs if name not in quick]
        if not once:
            self.listener.start()
        beat = threading.Thread(target=self._heartbeat, name="worker-heartbeat", daemon=True)
        lane = threading.Thread(target=self._slow_lane, args=(slow,), name="worker-slow-lane")
        self._beat()
        beat.start()
        if slow:  # (none with once=True)
            lane.start()
        runs = 0
        try:
            while not self.stop.is_set():
                ran = self.run_due(quick)
                runs += ran
                if once:
                    break
                if not ran:
                    self.wake(self.listener.wait(settings.WORKER_POLL_SECONDS, self.stop))
        finally:
            self.stop.set()
            self._slow_woken.set()
            if slow:
                lane.join()  # it finishes the job it is running, as this thread did
            self.listener.close()
            beat.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker=self.name).delete()
        return runs

    def _slow_lane(self, names: list[str]) -> None:
        """Run the slow jobs until stopped, on this thread's own connection: at their interval,
        or at once when the main thread is woken for them (wake)."""
        try:
            while not self.stop.is_set():
                self._slow_woken.clear()
                try:
                    ran = self.run_due(names)
                except Exception:  # noqa: BLE001 - the database away: tried again at the poll
                    logger.exception("worker slow lane failed")
                    connection.close()
                    ran = 0
                if not ran:
                    self._slow_woken.wait(settings.WORKER_POLL_SECONDS)
        finally:
            connection.close()

    def run_due(self, names: list[str]) -> int:
        """Run those of jobs `names` that are due, in WORKER_JOBS' order; the runs made."""
        if not connection.in_atomic_block:  # (a test's transaction holds it open)
            close_old_connections()
        now = timezone.now()
        due = set(Job.objects.filter(name__in=names, next_run_at__lte=now).exclude(
            status=Job.Status.FAILED).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .values_list("name", flat=True))
        ran = 0
        for name in [name for name in names if name in due]:
            if self.stop.is_set():
                break
            if claim(name, self.name, lease=self.lease):
                run_claimed(name, self.name, limit=batch_size(name))
                ran += 1
        return ran

    def wake(self, jobs: set[str]) -> None:
        """The jobs woken (wakeups.py), each in all its parts, are due now: those idle only (a
        failing job keeps its backoff; a running one sets its next run when it ends).

        At most once every WAKE_GAP_SECONDS: under a stream of commits the worker lets the
        others of a busy moment gather, to apply them in one run instead of one run each."""
        names = [name for name in self.jobs
                 if EVERY_JOB in jobs or _job_and_part(name)[0] in jobs]
        if not names:
            return
        self.stop.wait(max(self._woken_at + WAKE_GAP_SECONDS - time.monotonic(), 0))
        self._woken_at = time.monotonic()
        now = timezone.now()
        Job.objects.filter(name__in=names, status=Job.Status.IDLE,
                           next_run_at__gt=now).update(next_run_at=now)
        if any(is_slow(name) for name in names):
            self._slow_woken.set()

    def _beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker=self.name, defaults={"seen_at": now}, create_defaults={
                "seen_at": now, "started_at": now})
        Job.objects.filter(locked_by=self.name).update(locked_until=now + self.lease)
        # Workers killed without a chance to say goodbye: forgotten after an hour.
        WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(hours=1)).delete()

    def _heartbeat(self) -> None:
        """Beat and extend this worker's leases every third of a lease, on its own connection."""
        try:
            while not self.stop.wait(settings.WORKER_LEASE_SECONDS / 3):
                try:
                    self._beat()
                except Exception:  # noqa: BLE001 - a missed beat is retried; the lease has slack
                    logger.exception("worker heartbeat failed")
                    connection.close()
        finally:
            connection.close()
