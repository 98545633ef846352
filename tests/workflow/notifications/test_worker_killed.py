"""A real `send_notifications --loop` process killed with SIGKILL mid-send: sent later, once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SETUP = """
from tests.factories import make_agency, make_dossier, make_user
from workflow import services
agency = make_agency()
drafter = make_user("drafter", agency, email="drafter@demo.dossierflow.invalid")
make_user("secretary", email="secretary@demo.dossierflow.invalid")
dossier = make_dossier(agency=agency, created_by=drafter)
services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
"""

REPORT = """
from workflow.notifications.models import Delivery
for d in Delivery.objects.all():
    print("DELIVERY", d.status, d.attempts, d.address)
"""


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        **kwargs,
    )


def _worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_notifications", "--loop", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _deliveries(env) -> list[str]:
    lines = _manage(env, "shell", "-c", REPORT).stdout.splitlines()
    return [line.split(" ", 1)[1] for line in lines if line.startswith("DELIVERY ")]


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.slow
def test_a_worker_killed_mid_send_leaves_the_mail_to_be_sent_once(tmp_path, smtp_server):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ELASTICSEARCH_URL"}}
    env.update(
        DOSSIERFLOW_DATA_DIR=str(tmp_path),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        # A lease just long enough for one send (EMAIL_TIMEOUT + 5 s), so the test waits little.
        EMAIL_TIMEOUT="3",
        NOTIFICATIONS_LEASE_SECONDS="10",
        PYTHONPATH=str(ROOT),
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-c", SETUP)
    smtp_server.stall_seconds = 8  # the first RCPT hangs: the worker is mid-send
    first = _worker(env)
    try:
        assert smtp_server.stalled.wait(60), "the worker never reached the mail server"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert smtp_server.messages == []
    assert _deliveries(env) == ["pending 1 "]
    second = _worker(env)
    try:
        # Sent once the dead worker's lease has run out…
        assert _wait_for(lambda: smtp_server.messages, 30)
        time.sleep(2)  # …and never again.
    finally:
        second.terminate()
        second.wait(10)
    assert len(smtp_server.messages) == 1
    [(to, message)] = smtp_server.messages
    assert to == ["secretary@demo.dossierflow.invalid"]
    assert _deliveries(env) == ["sent 2 secretary@demo.dossierflow.invalid"]
