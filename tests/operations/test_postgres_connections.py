"""A kept PostgreSQL connection is checked before reuse without asking the server, unless the
server has closed it (config/postgresql/base.py); the queries it runs again are prepared
(setting DATABASE_PREPARED_STATEMENTS)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.operations.processes import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def last_query_of(pid: int) -> str:
    with psycopg.connect(database_url(), autocommit=True) as other:
        return other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                             [pid]).fetchone()[0]


def test_a_live_kept_connection_is_found_usable_without_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last real query'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    assert last_query_of(pid) == "SELECT 'the last real query'"


def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    assert not connection.is_usable()
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.connection.info.backend_pid != pid


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_run_again_on_a_kept_connection_is_prepared_once():
    users = get_user_model().objects
    for pk in range(3):  # the same query, with other values: one prepared statement
        users.filter(pk=pk).first()
    prepared = [sql for sql in prepared_statements() if '"auth_user"' in sql]
    assert len(prepared) == 1
    assert "$1" in prepared[0]  # the value is bound by the server, not written into the SQL


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    ask = ("from django.conf import settings; "
           "print(json.dumps(settings.DATABASES['default']['OPTIONS']))")
    env = {**os.environ, "DATABASE_URL": database_url(), "DATABASE_PREPARED_STATEMENTS": "0",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", f"import django, json; django.setup(); {ask}"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=60, check=True,
    )
    options = json.loads(done.stdout)
    assert not options.get("server_side_binding") and "prepare_threshold" not in options
