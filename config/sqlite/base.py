"""Django's SQLite backend, with the writers of one process queuing for the database in turn.

SQLite lets one transaction write at a time. A connection that finds the write lock taken sleeps
in SQLite's busy handler, in growing steps up to 100 ms, and tries again: under load a writer
often sleeps long after the lock was freed, which is most of the write latencies' tail. Here the
threads of one process (a gunicorn worker's) wait for each other on a lock instead, and each
starts the moment the one before it commits or rolls back. Between processes SQLite's busy
timeout still applies. Transactions are `BEGIN IMMEDIATE` (settings), so every atomic block is a
writer; reads outside atomic blocks never wait.
"""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_writers: dict[str, threading.Lock] = {}
_writers_lock = threading.Lock()


def _writer_lock(name: str) -> threading.Lock:
    with _writers_lock:
        return _writers.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer_lock = None

    def _start_transaction_under_autocommit(self):
        lock = _writer_lock(str(self.settings_dict["NAME"]))
        if not lock.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5)):
            raise OperationalError("database is locked")
        self._holds_writer_lock = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _release_writer_lock(self):
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
