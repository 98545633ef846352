"""Start real `manage.py` processes on the test database (PostgreSQL: the test's own database)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _encoded(extra: dict) -> dict:
    """Settings for a process's environment: a dict or list as JSON, anything else as text."""
    return {k: json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in extra.items()}


def environment(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"}
    env.update(DATABASE_URL=database_url(), PYTHONUNBUFFERED="1",
               DJANGO_SETTINGS_MODULE="tests.operations.settings")
    return {**env, **_encoded(extra)}


def sqlite_site(data_dir, **extra) -> dict:
    """The environment of a site of its own, on SQLite in `data_dir`."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "ELASTICSEARCH_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**env, "DOSSIERFLOW_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
            **_encoded(extra)}


def migrated(env: dict) -> dict:
    """The site of environment `env` with its database made (`manage.py migrate`)."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=120)
    return env


def run_worker(env: dict, log: Path) -> subprocess.Popen:
    """`manage.py run_worker` in environment `env`, its output to `log`."""
    return subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT)


def start(args, log: Path, **extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT,
                            env=environment(**extra), stdout=open(log, "ab"),
                            stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM, as systemd or Ctrl-C would: the process finishes what it is doing; its exit code."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


def free_port() -> int:
    """A port no one listens on now (the system's choice: each call a different one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


def wait_for(predicate, *, timeout: float, what: str, process=None, log=None):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            detail = Path(log).read_text()[-3000:] if log and Path(log).exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{detail}")
        time.sleep(0.1)
