"""Faults with real processes: a reindex under concurrent writes, a reindex killed half way, the
search engine frozen while users write. Afterwards `search_check` finds the database and the
index in agreement (nothing lost, nothing stale, nothing extra).

Each test runs `manage.py` processes against a SQLite file of its own (and, for Elasticsearch,
an index prefix of its own), so that they really run side by side.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SEED = """
from django.db import transaction
from tests.factories import make_agency, make_dossier, make_user
with transaction.atomic():
    agency = make_agency(name="Tỉnh ủy Hà Giang")
    drafter = make_user("drafter", agency, username="drafter")
    for i in range({n}):
        make_dossier(agency=agency, created_by=drafter, title=f"Kế hoạch chuyển đổi số số {{i}}",
                     summary="Hạ tầng mạng, phần mềm quản lý văn bản và dữ liệu đảng viên. " * 20)
"""

# A user at work: creates dossiers and renames existing ones until told to stop (bounded).
WRITER = """
import sys, time
from django.contrib.auth import get_user_model
from workflow import services as wf
from workflow.selectors import all_dossiers
drafter = get_user_model().objects.get(username="drafter")
ids = list(all_dossiers().order_by("pk").values_list("pk", flat=True))
deadline = time.monotonic() + {seconds}
slowest, n = 0.0, 0
while time.monotonic() < deadline and n < {count}:
    started = time.monotonic()
    made = wf.create_dossier(user=drafter, kind="plan", title=f"Đề án mới {{n}}",
                             program="Chương trình 27", summary="Số hóa")
    wf.update_dossier(user=drafter, dossier_id=ids[(n * 37) % len(ids)],
                      title=f"Kế hoạch đã sửa {{n}}", program="Chương trình 27", summary="")
    slowest = max(slowest, time.monotonic() - started)
    n += 1
    time.sleep(0.02)
print(f"writes={{n}} slowest={{slowest:.2f}}")
"""


class Site:
    """A throwaway installation: its own SQLite file and data folder."""

    def __init__(self, tmp_path: Path, **env):
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DOSSIERFLOW_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ELASTICSEARCH_URL": "",
            "SEARCH_INDEX_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
            **env,
        }
        self.run("migrate", "--no-input", "-v", "0")

    def command(self, *args) -> list[str]:
        return [sys.executable, str(ROOT / "manage.py"), *args]

    def run(self, *args, check=True, timeout=240) -> subprocess.CompletedProcess:
        done = subprocess.run(self.command(*args), cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def start(self, *args) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), cwd=ROOT, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def shell(self, code: str, **env) -> subprocess.CompletedProcess:
        done = subprocess.run(self.command("shell", "-c", code), cwd=ROOT,
                              env={**self.env, **env}, capture_output=True, text=True,
                              timeout=240)
        assert done.returncode == 0, done.stdout + done.stderr
        return done


def finish(process: subprocess.Popen, timeout=240) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def wait_for_progress(process: subprocess.Popen, lines: int) -> None:
    """Read the reindex's progress until it has written `lines` lines (bounded)."""
    deadline = time.monotonic() + 120
    seen = 0
    while seen < lines and time.monotonic() < deadline:
        if process.stdout.readline():
            seen += 1
        elif process.poll() is not None:
            break
    assert seen >= lines, "the reindex ended before it could be interrupted"


def es_site(tmp_path, es_url) -> "Site":
    return Site(tmp_path, ELASTICSEARCH_URL=es_url)


def drop_indices(site: Site) -> None:
    site.shell("from search.backends import get_backend; get_backend().drop()")


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def site(request, tmp_path):
    if request.param == "database":
        yield Site(tmp_path)
        return
    site = es_site(tmp_path, request.getfixturevalue("es_url"))
    try:
        yield site
    finally:
        drop_indices(site)


def test_a_reindex_under_concurrent_writes_loses_no_change(site):
    site.shell(SEED.format(n=1500), SEARCH_PROCESS_ON_COMMIT="0")
    reindex = site.start("search_reindex")
    writer = site.start("shell", "-c", WRITER.format(seconds=20, count=150))
    code, out = finish(writer)
    assert code == 0, out
    code, reindexed = finish(reindex)
    assert code == 0, reindexed  # never "database is locked"
    assert "database is locked" not in reindexed
    site.run("search_process_outbox", "--force")  # what the worker would do next
    check = site.run("search_check", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "agrees" in check.stdout
    status = site.run("search_status")
    assert "ok" in status.stdout


def test_a_killed_reindex_is_reported_and_repaired(site):
    site.shell(SEED.format(n=1500), SEARCH_PROCESS_ON_COMMIT="0")
    site.run("search_reindex")
    site.env["SEARCH_REBUILD_STALE"] = "2"  # a rebuild silent for 2 s is known to be dead
    reindex = site.start("search_reindex")
    wait_for_progress(reindex, 300)
    reindex.send_signal(signal.SIGKILL)
    reindex.wait(timeout=30)
    time.sleep(2.5)
    status = site.run("search_status", check=False)
    assert status.returncode == 1, status.stdout
    assert "interrupted" in status.stdout
    repaired = site.run("search_check", "--repair", check=False)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    status = site.run("search_status")
    assert "interrupted" not in status.stdout and "merging is off" not in status.stdout
    if site.env["ELASTICSEARCH_URL"]:
        # The half-filled index of the killed rebuild is gone: only the one behind the alias.
        listed = site.shell("from search.backends import get_backend\n"
                            "live, every = get_backend().indices()\n"
                            "print(sorted(live) == sorted(every), len(every))")
        assert listed.stdout.split()[-2:] == ["True", "1"]
    else:
        merging = site.shell("from search.backends import get_backend\n"
                             "print(get_backend().merging_is_on())")
        assert merging.stdout.split()[-1] == "True"


def test_the_backlog_is_applied_by_the_worker_job_alone(site):
    site.shell(SEED.format(n=5), SEARCH_PROCESS_ON_COMMIT="0")
    site.run("search_reindex")
    site.shell(WRITER.format(seconds=20, count=3), SEARCH_PROCESS_ON_COMMIT="0")
    waiting = site.run("search_check")  # not applied yet, but waiting: nothing lost
    assert "6 dossiers with updates waiting" in waiting.stdout
    applied = site.shell("from search.jobs import run_search_outbox\n"
                         "print(run_search_outbox(limit=100))")
    assert int(applied.stdout.split()[-1]) >= 6
    check = site.run("search_check")
    assert "0 dossiers with updates waiting" in check.stdout


@pytest.mark.elasticsearch
def test_a_frozen_engine_slows_no_write_and_loses_nothing(tmp_path, es_url):
    port = urlparse(es_url).port or 9200
    pid_file = ROOT / ".ci" / "cache" / f"es-run-{port}" / "pid"
    if not pid_file.exists():
        pytest.skip("freezes only an Elasticsearch that .ci/elasticsearch.sh started")
    pid = int(pid_file.read_text())
    site = es_site(tmp_path, es_url)
    site.env.update(SEARCH_ENGINE_TIMEOUT="1", SEARCH_BREAKER_COOLDOWN="60")
    try:
        site.shell(SEED.format(n=20), SEARCH_PROCESS_ON_COMMIT="0")
        site.run("search_reindex")
        os.kill(pid, signal.SIGSTOP)
        try:
            login = ("import time\nfrom django.test import Client\n"
                     "started = time.monotonic()\n"
                     "assert Client().login(username='drafter', password='{password}')\n"
                     "print(f'{{time.monotonic() - started:.2f}}')")
            from tests.factories import PASSWORD

            writer = site.start("shell", "-c", WRITER.format(seconds=15, count=20))
            logins = [float(site.shell(login.format(password=PASSWORD)).stdout.split()[-1])
                      for _ in range(3)]
            code, out = finish(writer)
        finally:
            os.kill(pid, signal.SIGCONT)
        assert code == 0, out
        done = re.search(r"writes=(\d+) slowest=([0-9.]+)", out)
        assert done, out
        writes, slowest = done.groups()
        assert int(writes) == 20
        # A write waits for the engine at most once, one timeout long; then the breaker is open.
        assert float(slowest) < 5, out
        assert max(logins) < 5, logins
        waiting = site.run("search_status", check=False).stdout
        assert "backlog: 0 updates" not in waiting  # the updates waited in the outbox
        site.run("search_process_outbox", "--force")
        check = site.run("search_check", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        drop_indices(site)


@pytest.mark.elasticsearch
def test_a_reindex_survives_the_engine_frozen_for_a_moment(tmp_path, es_url):
    port = urlparse(es_url).port or 9200
    pid_file = ROOT / ".ci" / "cache" / f"es-run-{port}" / "pid"
    if not pid_file.exists():
        pytest.skip("freezes only an Elasticsearch that .ci/elasticsearch.sh started")
    pid = int(pid_file.read_text())
    site = es_site(tmp_path, es_url)
    try:
        site.shell(SEED.format(n=1500), SEARCH_PROCESS_ON_COMMIT="0")
        reindex = site.start("search_reindex")
        wait_for_progress(reindex, 200)
        writer = site.start("shell", "-c", WRITER.format(seconds=20, count=30))
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(3)
        finally:
            os.kill(pid, signal.SIGCONT)
        code, out = finish(writer)
        assert code == 0, out
        code, out = finish(reindex)
        assert code == 0, out
        site.run("search_process_outbox", "--force")
        check = site.run("search_check", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        drop_indices(site)
