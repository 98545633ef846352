"""Django's SQLite backend, with the writers of every process queuing for the database in turn.

SQLite lets one transaction write at a time. A connection that finds the write lock taken sleeps
in SQLite's busy handler, in growing steps up to 100 ms, and tries again: under load a writer
often sleeps long after the lock was freed, which is most of the write latencies' tail. Here a
writer first takes two locks, in order, and each is handed on the moment a transaction commits or
rolls back:
- the threads of one process (a gunicorn worker's) wait for each other on a threading lock;
- the processes using one database file (the web server's, the worker) wait for each other on
  an advisory lock of a file beside it (`<database>.writer-lock`, flock), tried every
  millisecond instead of SQLite's sleeps. A process waits for it holding a second one, the
  turn (`<database>.writer-turn`), which a process must take before the lock: one that
  writes one transaction after another (the worker draining a backlog) cannot take the lock
  back the moment it commits, ahead of a process already waiting; it waits for its next turn.
Both give up, as SQLite would, after the connection's timeout ("database is locked"). An
in-memory database has only the first, and so has a process that cannot open the lock file (it
logs why): it waits in SQLite's busy handler, as before. Transactions are `BEGIN IMMEDIATE`
(settings), so every atomic block is a writer; reads outside atomic blocks never wait.
"""

import fcntl
import logging
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_writers: dict[str, threading.Lock] = {}
logger = logging.getLogger("dossierflow.sqlite")
_lock_files: dict[tuple[int, str], int | None] = {}  # (process, file) -> its descriptor
_registry_lock = threading.Lock()
# Waiting for the turn, a process tries every millisecond; the one holding it, next in line for
# the lock, tries every tenth of one, so the lock stays idle for no longer when handed on.
_TURN_RETRY_SECONDS = 0.001
_LOCK_RETRY_SECONDS = 0.0001


def _writer_lock(name: str) -> threading.Lock:
    with _registry_lock:
        return _writers.setdefault(name, threading.Lock())


def _lock_file(name: str) -> int | None:
    """This process's descriptor of lock file `name`: a forked child opens its own (a
    descriptor shared with the parent would share its flock too). Read-only is enough for a
    flock, so processes of other users that share the database may open it too; one that cannot
    waits in SQLite's busy handler, as before (None)."""
    key = (os.getpid(), name)
    with _registry_lock:
        if key not in _lock_files:
            try:
                _lock_files[key] = os.open(name, os.O_RDONLY | os.O_CREAT, 0o644)
            except OSError as error:
                logger.warning("no writers' lock file %s (%s): SQLite's busy handler", name,
                               error)
                _lock_files[key] = None
        return _lock_files[key]


def _flock(descriptor: int, deadline: float, every: float) -> bool:
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(every)


def _take_file_lock(turn: int, lock: int, deadline: float) -> bool:
    """The lock, taken in turn: waited for holding the turn, which is let go once it is held."""
    if not _flock(turn, deadline, _TURN_RETRY_SECONDS):
        return False
    try:
        return _flock(lock, deadline, _LOCK_RETRY_SECONDS)
    finally:
        fcntl.flock(turn, fcntl.LOCK_UN)


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer_lock = None
    _holds_lock_file = None

    def _start_transaction_under_autocommit(self):
        name = str(self.settings_dict["NAME"])
        timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
        deadline = time.monotonic() + timeout
        lock = _writer_lock(name)
        if not lock.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self._holds_writer_lock = lock
        try:
            files = (
                () if self.creation.is_in_memory_db(self.settings_dict["NAME"])
                else (_lock_file(f"{name}.writer-turn"), _lock_file(f"{name}.writer-lock"))
            )
            if files and None not in files:
                if not _take_file_lock(*files, deadline):
                    raise OperationalError("database is locked")
                self._holds_lock_file = files[1]
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _release_writer_lock(self):
        descriptor, self._holds_lock_file = self._holds_lock_file, None
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        lock, self._holds_writer_lock = self._holds_writer_lock, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
