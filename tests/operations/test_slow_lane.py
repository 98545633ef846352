"""A worker runs the slow jobs (WORKER_SLOW_JOBS: the PDF/A copies, the webhook deliveries) on a
thread of their own: one of them running, or waiting on a receiver that hangs, never holds up the
quick ones (the next person's inbox), and the commit of work for one wakes that thread as it
wakes the worker."""

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


SUBMIT_TIMED = """
import sqlite3, time
from django.db import connection
from config.api.models import WebhookEndpoint
from django.contrib.auth.models import Group, User
from workflow.models import Agency, Profile
from workflow import services
if "{endpoint}":
    WebhookEndpoint.objects.create(url="{endpoint}", secret="s", events=["dossier.transitioned"])
drafter = User.objects.create_user(username="drafter-{tag}")
drafter.groups.add(Group.objects.get_or_create(name="drafter")[0])
agency = Agency.objects.create(code="agency-{tag}", name="Tỉnh ủy {tag}", abbreviation="TU")
Profile.objects.create(user=drafter, agency=agency)
dossier = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch CNTT 2027",
                                  program="CT27", summary="Tóm tắt")
services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
database = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
started = time.monotonic()
while database.execute("SELECT count(*) FROM workflow_followup").fetchone()[0]:
    time.sleep(0.02)
print("FOLLOWED UP IN", round(time.monotonic() - started, 2))
"""


def test_another_systems_webhook_receiver_that_hangs_does_not_hold_up_the_next_inbox(tmp_path):
    """As shipped (WORKER_SLOW_JOBS), with a receiver that takes the connection and never
    answers: while the worker waits on it (20 s a try here), a submission's follow-up (the
    secretary's inbox and notification) is applied within seconds."""
    from tests.hanging import Hanging

    hanging = Hanging()
    env = migrated(sqlite_site(tmp_path, WORKFLOW_FOLLOW_UPS_IN_TRANSACTION=0,
                               SEARCH_PROCESS_ON_COMMIT=0, API_WEBHOOK_TIMEOUT_SECONDS=20))

    def submit(endpoint="") -> float:
        script = SUBMIT_TIMED.format(endpoint=endpoint, tag=len(endpoint))
        done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                              env=env,
                              capture_output=True, text=True, timeout=120)
        assert "FOLLOWED UP IN" in done.stdout, done.stdout + done.stderr
        return float(done.stdout.split("FOLLOWED UP IN")[1].split()[0])

    log = tmp_path / "worker.log"
    worker = run_worker(env, log)
    try:
        submit(f"{hanging.url}/hook")  # its delivery goes to the receiver that hangs
        wait_for(lambda: hanging.accepted == 1, timeout=30, what="the worker to call the hook",
                 process=worker, log=log)
        waited = submit()  # while the worker waits on the hook
        assert hanging.accepted == 1  # still that first call, still waiting
    finally:
        hanging.close()  # the call it waits on ends: the worker stops at once
        stop(worker, timeout=60)
    assert waited < 5, log.read_text()
