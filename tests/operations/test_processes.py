"""Real worker processes on PostgreSQL: one killed with SIGKILL mid-job leaves the job to be run
again, never lost and never done twice; two at once never run the same job at the same time;
two timer dispatchers at once fire each deadline once; an idle one is woken by the work written."""

import datetime
import os
import signal
import time

import pytest
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from config.operations.models import Job, WorkerHeartbeat
from tests.factories import make_agency, make_dossier, make_user
from tests.operations.processes import start, stop, wait_for
from tests.workflow.test_voting import council, deadline_timer, open_round_on
from workflow import services
from workflow.models import AuditEntry, FollowUp, Round

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def round_past_its_deadline():
    dossier = make_dossier(state="council_review")
    round_ = open_round_on(dossier, council(), due_on=timezone.localdate())
    timer = deadline_timer(round_)
    timer.scheduled = timezone.now() - datetime.timedelta(seconds=1)
    timer.save(update_fields=["scheduled"])
    return round_


def test_on_postgresql_a_worker_steps_back_from_the_web_server_for_the_cpu(tmp_path, settings):
    log = tmp_path / "worker.log"
    worker = start(["run_worker"], log, TEST_WORKER_JOBS={})
    try:
        wait_for(lambda: "started (niceness" in log.read_text(), timeout=60,
                 what="the worker", process=worker, log=log)
        assert settings.WORKER_NICE == 10
        # Ten lower than this test's (a test run itself put back stops at the lowest, 19).
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(os.nice(0) + 10, 19)
    finally:
        stop(worker)


def test_a_worker_killed_mid_job_leaves_the_job_to_another_that_does_it_once(tmp_path):
    round_ = round_past_its_deadline()
    trace, log = tmp_path / "trace", tmp_path / "worker.log"
    jobs = {"tests.operations.jobs.run_timers_slowly": 1}
    first = start(["run_worker"], log, TEST_WORKER_JOBS=jobs, JOB_TRACE=trace, JOB_PAUSE=60,
                  WORKER_LEASE_SECONDS=3)
    try:
        wait_for(trace.exists, timeout=60, what="the first worker to fire the timer",
                 process=first, log=log)
        assert trace.read_text().startswith("fired 1 ")
        first.send_signal(signal.SIGKILL)  # mid-job: the close is not committed yet
        first.wait(timeout=10)
    finally:
        first.kill()
    assert Round.objects.get(pk=round_.pk).closed_at is None
    assert Job.objects.get().status == Job.Status.RUNNING  # its lease runs out in 3 s

    second = start(["run_worker"], log, TEST_WORKER_JOBS=jobs, JOB_TRACE=trace, JOB_PAUSE=0,
                   WORKER_LEASE_SECONDS=3)
    try:
        wait_for(lambda: Job.objects.get().runs >= 1, timeout=60,
                 what="the second worker to run the job", process=second, log=log)
        assert stop(second) == 0  # a clean stop
    finally:
        second.kill()
    assert Round.objects.get(pk=round_.pk).closed_at is not None
    assert AuditEntry.objects.filter(dossier=round_.dossier, action="close_round").count() == 1
    assert Task.objects.filter(process__roundprocess__round=round_,
                               flow_task_type="FUNCTION").count() == 1
    # The stopped worker removed its heartbeat; the killed one's stays until it is an hour old.
    assert [h.worker.split(":")[1] for h in WorkerHeartbeat.objects.all()] == [str(first.pid)]
    assert "job tests.operations.jobs.run_timers_slowly done" in log.read_text()


def test_two_workers_never_run_the_same_job_at_once(tmp_path):
    trace, log = tmp_path / "trace", tmp_path / "workers.log"
    jobs = {"tests.operations.jobs.run_exclusive": 0}
    workers = [start(["run_worker"], log, TEST_WORKER_JOBS=jobs, JOB_TRACE=trace,
                     WORKER_POLL_SECONDS=0.01) for _ in range(2)]
    try:
        def enough_runs_by_both():
            lines = trace.read_text().splitlines() if trace.exists() else []
            return len({line.split()[0] for line in lines}) == 2 and len(lines) >= 12

        wait_for(enough_runs_by_both, timeout=90, what="both workers to run the job", log=log)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    runs = sorted(tuple(map(float, line.split()[1:])) for line in trace.read_text().splitlines())
    for (_, end), (next_start, _) in zip(runs, runs[1:], strict=False):
        assert next_start >= end, "two runs of the same job overlapped"


def test_two_timer_dispatchers_at_once_fire_each_deadline_once(tmp_path):
    rounds = [round_past_its_deadline() for _ in range(25)]
    log = tmp_path / "timers.log"
    dispatchers = [start(["workflow_timers"], log) for _ in range(3)]
    for dispatcher in dispatchers:
        assert dispatcher.wait(timeout=120) == 0, log.read_text()[-3000:]
    for round_ in rounds:
        assert Round.objects.get(pk=round_.pk).closed_at is not None
        assert Task.objects.filter(process__roundprocess__round=round_,
                                   flow_task_type="FUNCTION").count() == 1
        assert AuditEntry.objects.filter(dossier=round_.dossier, action="close_round").count() == 1


def test_on_postgresql_an_idle_worker_is_woken_by_the_work_a_commit_writes(tmp_path, settings):
    """Its poll and its jobs' intervals are a minute, yet a transition's follow-up and its search
    update are applied within seconds: the outbox rows' commit woke it (wakeups.py)."""
    from search.models import OutboxEntry

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    settings.SEARCH_PROCESS_ON_COMMIT = False
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch CNTT 2027",
                                      program="CT27", summary="Tóm tắt")
    log = tmp_path / "worker.log"
    jobs = {"workflow.jobs.run_follow_ups": 60, "search.jobs.run_search_outbox": 60}
    worker = start(["run_worker"], log, TEST_WORKER_JOBS=jobs, WORKER_POLL_SECONDS=60)
    try:
        def settled():  # each job (the follow-ups in their parts) ran, the creation applied
            jobs = list(Job.objects.values_list("runs", "status"))
            return len(jobs) >= 2 and all(r >= 1 and s == Job.Status.IDLE for r, s in jobs)

        wait_for(lambda: settled() and not FollowUp.objects.exists()
                 and not OutboxEntry.objects.exists(),
                 timeout=60, what="the worker's first runs", process=worker, log=log)
        before = dict(Job.objects.values_list("name", "runs"))
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
        wait_for(lambda: not FollowUp.objects.exists() and not OutboxEntry.objects.exists(),
                 timeout=10, what="the worker to be woken", process=worker, log=log)
    finally:
        stop(worker)
    assert worker.returncode == 0
    # Once more each (the follow-ups in all their parts), not over and over.
    assert {name: runs - before[name] for name, runs in Job.objects.values_list("name", "runs")
            } == dict.fromkeys(before, 1)


def test_on_postgresql_work_committed_during_the_workers_first_run_wakes_it(tmp_path, settings):
    """It listens before its first runs: a transition committed while it applies the follow-ups
    waiting at its start is applied right after, not at its poll a minute on."""
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    drafter = make_user("drafter", make_agency())
    with transaction.atomic():  # a run of some seconds
        for n in range(300):
            services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch {n}",
                                    program="CT27", summary="Tóm tắt")
    log = tmp_path / "worker.log"
    worker = start(["run_worker"], log, TEST_WORKER_JOBS={"workflow.jobs.run_follow_ups": 60},
                   WORKER_POLL_SECONDS=60, WORKER_BATCH_SIZE=1000, WORKER_FOLLOW_UP_PARTS=1)
    try:
        def running():
            return Job.objects.filter(status=Job.Status.RUNNING).exists()

        wait_for(running, timeout=60, what="the worker's first run", process=worker, log=log)
        last = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch cuối",
                                       program="CT27", summary="Tóm tắt")
        services.transition_dossier(dossier_id=last.pk, action="submit", user=drafter)
        assert running(), "the run ended before the transition: nothing tested"
        wait_for(lambda: not FollowUp.objects.exists(), timeout=15,
                 what="the follow-up committed during the run", process=worker, log=log)
    finally:
        stop(worker)
    assert worker.returncode == 0


def other_sessions(*, listening: bool = False) -> set[int]:
    """The PostgreSQL sessions on the test's database but its own; with `listening`, only the
    workers' wake-up listeners."""
    from django.db import connection

    sql = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
           "AND pid <> pg_backend_pid()")
    if listening:
        sql += " AND query = 'LISTEN dossierflow_jobs'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {pid for (pid,) in cursor.fetchall()}


def test_a_worker_keeps_its_database_sessions_from_one_poll_to_the_next(tmp_path):
    """Not a new session at every poll (DATABASE_CONN_MAX_AGE is 0 outside `serve`): its own, its
    heartbeat's and its wake-up listener's, the same for seconds of polling ten times a second."""
    log = tmp_path / "worker.log"
    worker = start(["run_worker"], log, TEST_WORKER_JOBS={"workflow.jobs.run_follow_ups": 0},
                   WORKER_POLL_SECONDS=0.1, WORKER_FOLLOW_UP_PARTS=1)
    try:
        wait_for(lambda: Job.objects.filter(runs__gte=3).exists(), timeout=60,
                 what="the worker's first runs", process=worker, log=log)
        seen, runs = set(), Job.objects.get().runs
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            seen |= other_sessions()
            time.sleep(0.05)
        assert Job.objects.get().runs >= runs + 10  # it did poll and run meanwhile
    finally:
        stop(worker)
    assert 1 <= len(seen) <= 3, seen


def test_on_postgresql_a_worker_whose_wake_up_connection_is_lost_listens_again(tmp_path, settings):
    """Its listening connection ended by the server (as by a restart or a network fault): the
    worker connects again, runs its jobs for a notification it may have missed, and is woken
    again by the next commit."""
    from django.db import connection

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossiers = [services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch {i}",
                                        program="CT27", summary="Tóm tắt") for i in range(2)]
    log = tmp_path / "worker.log"
    worker = start(["run_worker"], log, TEST_WORKER_JOBS={"workflow.jobs.run_follow_ups": 60},
                   WORKER_POLL_SECONDS=60, WORKER_FOLLOW_UP_PARTS=1)

    try:
        wait_for(lambda: not FollowUp.objects.exists() and other_sessions(listening=True),
                 timeout=60, what="the worker to listen", process=worker, log=log)
        [lost] = other_sessions(listening=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [lost])
        services.transition_dossier(dossier_id=dossiers[0].pk, action="submit", user=drafter)
        wait_for(lambda: not FollowUp.objects.exists(), timeout=10,
                 what="the worker to listen again", process=worker, log=log)
        assert other_sessions(listening=True) - {lost}
        services.transition_dossier(dossier_id=dossiers[1].pk, action="submit", user=drafter)
        wait_for(lambda: not FollowUp.objects.exists(), timeout=10,
                 what="the worker to be woken again", process=worker, log=log)
    finally:
        stop(worker)
    assert worker.returncode == 0
    text = log.read_text()
    assert "lost its wake-ups" in text and "wake-ups are back" in text
