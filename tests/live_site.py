"""A real site on disk for tests that kill processes: its own data folder (SQLite database,
stored files, secret key), `manage.py` commands run against it, and a server process.

The database is migrated once per test session and copied for each site, so a test pays for a
file copy, not for the migrations.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANAGE = str(ROOT / "manage.py")
# Servers started by tests listen here only (127.0.0.1), on a free port the OS hands out.
HOST = "127.0.0.1"


def site_env(data_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ELASTICSEARCH_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DOSSIERFLOW_DATA_DIR=str(data_dir),
        DJANGO_SECRET_KEY="live-site-test-key",
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(data_dir: Path, *args: str, timeout: float = 120, check: bool = True):
    done = subprocess.run(
        [sys.executable, MANAGE, *args],
        cwd=ROOT,
        env=site_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def run_python(data_dir: Path, code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh Django process of the site; returns it whatever its exit."""
    prelude = "import django\ndjango.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env={**site_env(data_dir), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def query(data_dir: Path, code: str) -> object:
    """The JSON value `code` prints (its last line), computed in a fresh process of the site."""
    done = run_python(data_dir, code)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def migrated_template(base: Path) -> Path:
    template = base / "template"
    if not (template / "db.sqlite3").exists():
        template.mkdir(parents=True, exist_ok=True)
        manage(template, "migrate", "--no-input", "-v", "0", timeout=300)
    return template


def new_site(template: Path, data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(template / "db.sqlite3", data_dir / "db.sqlite3")
    return data_dir


def free_port() -> int:
    """A free port of TEST_SERVER_PORTS ("18400-18499" unless set), so that test servers stay in
    the range given to this checkout; any free port when it is set to "any"."""
    ports = os.environ.get("TEST_SERVER_PORTS", "18400-18499")
    if ports == "any":
        candidates = [0]
    else:
        low, _dash, high = ports.partition("-")
        candidates = range(int(low), int(high or low) + 1)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise AssertionError(f"no free port in TEST_SERVER_PORTS={ports}")


class Server:
    """`manage.py runserver --noreload` on the site: one process, which a test may SIGKILL."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = open(data_dir / "server.log", "w+")
        self.process = None

    def start(self, timeout: float = 60) -> "Server":
        self.process = subprocess.Popen(
            [
                sys.executable,
                MANAGE,
                "runserver",
                "--noreload",
                "--nothreading",
                f"{HOST}:{self.port}",
            ],
            cwd=ROOT,
            env=site_env(self.data_dir),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/login/", timeout=5).read()
                return self
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"the server did not start:\n{self.output()}") from None
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no rollback handler, no atexit; as a crashed machine."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-5000:]
