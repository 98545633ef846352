"""The database out of reach (PostgreSQL restarting, refusing or never answering, an SQLite file
that cannot be opened): each request that needs it is answered 503 with Retry-After, in words,
HTML for the pages and JSON for the API, never Django's 500 nor a wait without end; the cause
stays in the log with its traceback.

Each case runs a real process whose database is really unreachable: a PostgreSQL address where
nothing listens, an SQLite file under a folder that cannot exist."""

import json
import subprocess
import sys
import time

import pytest

from tests.hanging import Hanging
from tests.operations.processes import ROOT, free_port, sqlite_site

ASK = """
import json
from django.test import Client
answers = {}
client = Client(raise_request_exception=False)
login = client.post("/login/", {"username": "drafter", "password": "x"})
answers["login"] = [login.status_code, login.get("Retry-After"), login.content.decode()]
api = client.get("/api/v1/dossiers", HTTP_AUTHORIZATION="Bearer dfl_" + "x" * 40,
                 HTTP_ACCEPT_LANGUAGE="en")
answers["api"] = [api.status_code, api.get("Retry-After"), api.content.decode()]
ready = client.get("/readyz")
answers["readyz"] = [ready.status_code, None, ready.content.decode()]
print("ANSWERS " + json.dumps(answers))
"""


@pytest.mark.parametrize("database", ["postgresql", "postgresql that hangs", "sqlite"])
def test_a_database_out_of_reach_is_a_503_that_says_try_again(tmp_path, database):
    (tmp_path / "a-file").write_text("")
    hanging = Hanging()  # takes the connection, never answers: frozen, or failing over
    port = hanging.port if database == "postgresql that hangs" else free_port()
    url = (f"postgres://dossierflow@127.0.0.1:{port}/dossierflow"
           if database.startswith("postgresql")
           else f"sqlite:///{tmp_path / 'a-file' / 'db.sqlite3'}")
    env = {**sqlite_site(tmp_path / "data"), "DATABASE_URL": url,
           "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_CONNECT_TIMEOUT": "1"}
    started = time.monotonic()
    with hanging:
        done = subprocess.run([sys.executable, "manage.py", "shell", "-c", ASK], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 60  # three requests, a few waits of two seconds
    line = next((x for x in done.stdout.splitlines() if x.startswith("ANSWERS ")), None)
    assert line, done.stdout[-3000:] + done.stderr[-3000:]
    answers = json.loads(line.removeprefix("ANSWERS "))

    status, retry_after, page = answers["login"]
    assert (status, retry_after) == (503, "30")
    assert "chưa kết nối được cơ sở dữ liệu" in page and "cannot reach its database" in page
    status, retry_after, body = answers["api"]
    assert (status, retry_after) == (503, "30")
    assert json.loads(body)["detail"].startswith("The database cannot be reached just now")
    assert answers["readyz"][0] == 503  # the load balancer's view: not ready
    # The administrator's: the cause, with its traceback.
    assert "OperationalError" in done.stderr and "Traceback" in done.stderr
