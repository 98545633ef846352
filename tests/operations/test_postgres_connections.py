"""A kept PostgreSQL connection is checked before reuse without asking the server, unless the
server has closed it (config/postgresql/base.py)."""

import time

import psycopg
import pytest
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
