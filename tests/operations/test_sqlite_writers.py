"""SQLite's writers queue for the database (config/sqlite/base.py), threads of one process and
processes alike: the next starts as soon as the one before commits, instead of sleeping in
SQLite's busy handler."""

import multiprocessing
import statistics
import threading
import time

import pytest
from django.db import connections

from config.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "sqlite", reason="SQLite's own backend"
)


def _writer(path):
    settings_dict = {**connections["default"].settings_dict, "NAME": str(path)}
    return DatabaseWrapper(settings_dict, alias=f"writer-{threading.get_ident()}")


def _write(path, *, hold=0.0, began=None, wrote=None):
    db = _writer(path)
    try:
        db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        if began is not None:
            began.append(time.monotonic())
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        if wrote is not None:
            wrote.set()
        time.sleep(hold)
        db.commit()
        return time.monotonic()
    finally:
        db.set_autocommit(True)
        db.close()


def _lateness(path) -> float:
    """How long after the first writer committed the second, waiting meanwhile, began."""
    wrote, committed, began = threading.Event(), [], []
    # 0.23 s: SQLite's busy handler, sleeping 1, 2, 5 … 100 ms between tries, would next try
    # at 0.328 s, about 0.1 s after the commit.
    first = threading.Thread(target=lambda: committed.append(_write(path, hold=0.23, wrote=wrote)))
    first.start()
    wrote.wait(5)
    second = threading.Thread(target=_write, args=(path,), kwargs={"began": began})
    second.start()
    first.join(10)
    second.join(10)
    return began[0] - committed[0]


@pytest.fixture
def path(tmp_path, django_db_blocker):
    """A database file of its own, not the test database, with a table to write to."""
    path = tmp_path / "writers.sqlite3"
    with django_db_blocker.unblock():
        db = _writer(path)
        with db.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE t (n INTEGER)")
        db.close()
        yield path


def test_a_waiting_writer_starts_as_soon_as_the_one_before_commits(path):
    late = statistics.median(_lateness(path) for _ in range(3))
    assert 0 <= late < 0.04, f"the second writer began {late * 1000:.0f} ms after the commit"
    db = _writer(path)
    with db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone()[0] == 6
    db.close()


def _write_in_a_process(path, wrote, committed):
    committed.put(_write(path, hold=0.23, wrote=wrote))


def _lateness_between_processes(path) -> float:
    """As _lateness, the first writer in another process (a gunicorn worker's, the worker's)."""
    context = multiprocessing.get_context("fork")
    wrote, committed, began = context.Event(), context.Queue(), []
    first = context.Process(target=_write_in_a_process, args=(path, wrote, committed))
    first.start()
    assert wrote.wait(10)
    _write(path, began=began)
    first.join(10)
    return began[0] - committed.get(timeout=5)


def test_a_writer_waiting_on_another_process_starts_as_soon_as_it_commits(path):
    late = statistics.median(_lateness_between_processes(path) for _ in range(3))
    assert 0 <= late < 0.04, f"the second writer began {late * 1000:.0f} ms after the commit"
    assert path.with_name(f"{path.name}.writer-lock").exists()


def _write_again_and_again(path, wrote, seconds):
    db = _writer(path)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:  # the worker's follow-ups, one transaction after another
        db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        wrote.set()
        time.sleep(0.02)
        db.commit()
        db.set_autocommit(True)
    db.close()


def test_a_writer_gets_its_turn_between_the_transactions_of_a_busy_process(path):
    """A process that writes one transaction after another (the worker draining a backlog) took
    the lock back within microseconds of each commit, ahead of a writer trying every
    millisecond: a web request waited for the whole backlog (hundreds of milliseconds)."""
    context = multiprocessing.get_context("fork")
    wrote = context.Event()
    busy = context.Process(target=_write_again_and_again, args=(path, wrote, 3))
    busy.start()
    try:
        assert wrote.wait(10)
        waits = []
        for _ in range(5):
            asked = time.monotonic()
            began = []
            _write(path, began=began)
            waits.append(began[0] - asked)
            time.sleep(0.05)
    finally:
        busy.join(10)
    assert busy.exitcode == 0
    # One transaction of the busy process (20 ms) to wait out, two at worst: not all of them.
    assert max(waits) < 0.15, [f"{wait * 1000:.0f} ms" for wait in waits]


def test_without_a_lock_file_the_writers_wait_as_sqlite_makes_them(path, caplog):
    # A lock file that cannot be made (here: a link to nowhere; elsewhere, another user's
    # directory): the writers still write, queued by SQLite's busy handler.
    path.with_name(f"{path.name}.writer-lock").symlink_to(path.parent / "gone" / "lock")
    _write(path)
    _write(path)
    db = _writer(path)
    with db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone()[0] == 2
    db.close()
    assert "no writers' lock file" in caplog.text
