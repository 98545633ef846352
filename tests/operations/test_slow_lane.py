"""A worker runs the slow jobs (WORKER_SLOW_JOBS: the PDF/A copies) on a thread of their own: one
of them running never holds up the quick ones (the next person's inbox), and the commit of work
for one wakes that thread as it wakes the worker."""

import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ON_POSTGRES
from tests.operations.processes import ROOT, migrated, run_worker, sqlite_site, stop, wait_for

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(ON_POSTGRES, reason="its own SQLite site; the lane is the same")]

APPROVE = """
from tests.factories import make_dossier, make_user
from workflow import services
dossier = make_dossier(state="awaiting_approval", kind="plan")
approver = make_user("approver", first_name="Khải", last_name="Trịnh Quang")
services.transition_dossier(dossier_id=dossier.pk, action="approve", user=approver)
"""


def site(tmp_path, **extra) -> dict:
    return migrated(sqlite_site(tmp_path, DJANGO_SETTINGS_MODULE="tests.operations.settings",
                                **extra))


def test_a_slow_job_running_does_not_hold_up_the_quick_ones(tmp_path):
    trace, log = tmp_path / "trace", tmp_path / "worker.log"
    env = site(tmp_path, TEST_WORKER_JOBS={"tests.operations.jobs.run_tick": 1,
                                           "tests.operations.jobs.run_slowly": 1},
               TEST_WORKER_SLOW_JOBS=["tests.operations.jobs.run_slowly"],
               JOB_TRACE=trace, JOB_PAUSE=5, WORKER_POLL_SECONDS=0.1)
    worker = run_worker(env, log)
    try:
        wait_for(lambda: trace.exists() and "slow-start" in trace.read_text(), timeout=60,
                 what="the slow job to start", process=worker, log=log)
        wait_for(lambda: "slow-end" in trace.read_text(), timeout=30,
                 what="the slow job to end", process=worker, log=log)
    finally:
        assert stop(worker) == 0
    lines = [line.split() for line in trace.read_text().splitlines()]
    started = float(next(at for what, at in lines if what == "slow-start"))
    ended = float(next(at for what, at in lines if what == "slow-end"))
    ticks = [float(at) for what, at in lines if what == "tick" and started < float(at) < ended]
    # Every second or so while the slow job ran: one worker thread would have run none.
    assert len(ticks) >= 3, trace.read_text()


def test_a_slow_job_running_when_the_worker_is_stopped_is_finished_first(tmp_path):
    trace, log = tmp_path / "trace", tmp_path / "worker.log"
    env = site(tmp_path, TEST_WORKER_JOBS={"tests.operations.jobs.run_slowly": 60},
               TEST_WORKER_SLOW_JOBS=["tests.operations.jobs.run_slowly"],
               JOB_TRACE=trace, JOB_PAUSE=2)
    worker = run_worker(env, log)
    try:
        wait_for(lambda: trace.exists() and "slow-start" in trace.read_text(), timeout=60,
                 what="the slow job to start", process=worker, log=log)
    finally:
        assert stop(worker) == 0
    assert "slow-end" in trace.read_text()
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT status, runs FROM operations_job").fetchall() == [("idle", 1)]


def test_the_commit_of_a_copy_to_make_wakes_the_slow_lane(tmp_path):
    """Its poll is a minute and the copies' interval an hour, yet the copy the decision's
    approval asks for is worked on within seconds (made, or put off if LibreOffice is missing)."""
    log = tmp_path / "worker.log"
    env = site(tmp_path, TEST_WORKER_JOBS={"documents.jobs.run_pdf_renditions": 3600},
               WORKER_POLL_SECONDS=60)
    database = tmp_path / "db.sqlite3"

    def copy_runs() -> int:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT coalesce(sum(runs), 0) FROM operations_job "
                              "WHERE status = 'idle'").fetchone()[0]

    worker = run_worker(env, log)
    try:
        wait_for(lambda: copy_runs() == 1, timeout=60, what="the worker's first run",
                 process=worker, log=log)
        subprocess.run([sys.executable, "manage.py", "shell", "-c", APPROVE], cwd=ROOT, env=env,
                       check=True, timeout=120, capture_output=True)
        wait_for(lambda: copy_runs() == 2, timeout=15, what="the slow lane to be woken",
                 process=worker, log=log)
        with sqlite3.connect(database) as db:
            worked_on = db.execute("SELECT count(*) FROM documents_rendition "
                                   "WHERE status = 'done' OR last_error <> ''").fetchone()[0]
            assert worked_on == 1
    finally:
        assert stop(worker) == 0
