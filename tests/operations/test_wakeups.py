"""An idle worker is woken by the commit of work for it (config/operations/wakeups.py): on SQLite
through the count its triggers keep, on PostgreSQL through notifications (test_processes.py)."""

import importlib
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ON_POSTGRES
from tests.operations.processes import ROOT, migrated, run_worker, sqlite_site, stop, wait_for

SUBMIT = """
from tests.factories import make_agency, make_user
from workflow import services
drafter = make_user("drafter", make_agency())
dossier = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch CNTT 2027",
                                  program="CT27", summary="Tóm tắt")
services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
"""


# Twice, many dossiers' follow-ups committed at once (a run of a second or so), then one more
# dossier submitted while the worker runs them; each time the script says whether those last
# follow-ups were applied within 15 s (the worker's poll is a minute). First before the worker
# starts (it runs them at its start), then while it is idle (it is woken for them).
DURING_A_RUN = """
import sqlite3, time
from django.db import connection, transaction
from tests.factories import make_agency, make_user
from workflow import services
drafter = make_user("drafter", make_agency())
database = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)

def until(sql, seconds):
    deadline = time.monotonic() + seconds
    while not database.execute(sql).fetchone()[0] and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(database.execute(sql).fetchone()[0])

def many_then_one_during_their_run(when):
    with transaction.atomic():
        for n in range(400):
            services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch {n}",
                                    program="CT27", summary="Tóm tắt")
    print("committed", flush=True)
    running = until("SELECT count(*) FROM operations_job WHERE status = 'running'"
                    " AND name = 'workflow.jobs.run_follow_ups'", 60)
    dossier = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch cuối",
                                      program="CT27", summary="Tóm tắt")
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    still = until("SELECT count(*) FROM operations_job WHERE status = 'running'"
                  " AND name = 'workflow.jobs.run_follow_ups'", 0)
    applied = until("SELECT count(*) = 0 FROM workflow_followup", 15)
    print(when, "during the run:", running and still, "applied:", applied, flush=True)

many_then_one_during_their_run("at the start")
until("SELECT count(*) = 0 FROM operations_job WHERE status = 'running'", 30)
time.sleep(0.5)  # the worker idle, waiting
many_then_one_during_their_run("woken")
"""


def _count(database, sql) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchone()[0]


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's own; the PostgreSQL pass tests its own")
def test_on_sqlite_an_idle_worker_is_woken_by_the_work_a_commit_writes(tmp_path):
    """Its poll is a minute, yet the follow-ups of a dossier created and submitted by another
    process are applied within seconds."""
    env = migrated(sqlite_site(tmp_path, WORKER_POLL_SECONDS=60,
                               WORKFLOW_FOLLOW_UPS_IN_TRANSACTION=0, SEARCH_PROCESS_ON_COMMIT=0))
    database = tmp_path / "db.sqlite3"
    log = tmp_path / "worker.log"
    worker = run_worker(env, log)
    try:
        wait_for(lambda: _count(database, "SELECT count(*) FROM operations_job WHERE runs = 0"
                                " OR status <> 'idle'") == 0
                 and _count(database, "SELECT count(*) FROM operations_job") > 0,
                 timeout=60, what="the worker's first runs", process=worker, log=log)
        subprocess.run([sys.executable, "manage.py", "shell", "-c", SUBMIT], cwd=ROOT, env=env,
                       check=True, timeout=120, capture_output=True)
        assert _count(database, "SELECT count(*) FROM workflow_auditentry") == 2
        wait_for(lambda: _count(database, "SELECT count(*) FROM workflow_followup") == 0
                 and _count(database, "SELECT count(*) FROM search_outboxentry") == 0,
                 timeout=10, what="the worker to be woken", process=worker, log=log)
    finally:
        stop(worker)
    assert worker.returncode == 0


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's own")
def test_work_committed_while_the_worker_runs_its_job_is_applied_after_that_run(tmp_path):
    """A wake-up that comes during a run is not lost, at the worker's start or later: its next
    wait returns it, and the job runs again at once instead of at the poll, a minute on."""
    env = migrated(sqlite_site(tmp_path, WORKER_POLL_SECONDS=60, WORKER_BATCH_SIZE=1000,
                               WORKFLOW_FOLLOW_UPS_IN_TRANSACTION=0, SEARCH_PROCESS_ON_COMMIT=0))
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", DURING_A_RUN], cwd=ROOT,
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert writer.stdout.readline().strip() == "committed"
    log = tmp_path / "worker.log"
    worker = run_worker(env, log)
    try:
        said = writer.communicate(timeout=180)[0]
    finally:
        stop(worker)
    assert "at the start during the run: True applied: True" in said, said + log.read_text()
    assert "woken during the run: True applied: True" in said, said + log.read_text()
    assert worker.returncode == 0


@pytest.mark.django_db
def test_every_outbox_table_has_its_wake_up_trigger():
    """After all the migrations: a table that Django remakes on SQLite (for some changes of a
    column) loses its triggers, and its worker would only poll. This test would say so."""
    from django.apps import apps

    migration = importlib.import_module("config.operations.migrations.0002_wake_workers")
    tables = {apps.get_model(*key)._meta.db_table for key in migration.OUTBOXES}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE 'dossierflow_wake_%'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger "
                           "WHERE tgname = 'dossierflow_wake_workers'")
        triggered = {table for (table,) in cursor.fetchall()}
    assert len(tables) == 5 and triggered == tables
