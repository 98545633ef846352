"""Waking an idle worker when work for it is committed, instead of at its next poll.

Each outbox table has a trigger (migration 0002_wake_workers) that, when rows are inserted, names
the job that applies them; the worker sees it once the transaction commits, never for one rolled
back, and makes that job due at once. The next person's inbox and notification, the search
index, the mail and the webhooks then follow a change within milliseconds instead of up to a
second or more:
- PostgreSQL notifies the channel below: the worker listens on a connection of its own, which
  also wakes the workers of other machines;
- SQLite has no notifications: the trigger counts the job's inserts in `dossierflow_wakeups`,
  which the idle worker reads every SQLITE_READ_SECONDS (a read, which never waits for the
  writer).

A wake-up is only a hint. The poll stays: a worker whose listening connection is lost runs its
jobs on their intervals, listens again a second later, and then runs every job once, for what it
may have missed. WORKER_WAKE_UPS=0 turns it off (a pooler that cannot LISTEN).
"""

import logging
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger("dossierflow.jobs")

CHANNEL = "dossierflow_jobs"  # the PostgreSQL triggers' channel
SLICE_SECONDS = 0.5  # PostgreSQL: a stop is seen within this, while waiting for a notification
SQLITE_READ_SECONDS = 0.05
RECONNECT_SECONDS = 1  # between attempts to listen again after the connection was lost
EVERY_JOB = "*"


class Listener:
    """An idle worker's wait: `wait` returns the jobs woken (their names, without a part)."""

    def __init__(self):
        self._connection = None  # PostgreSQL: the listening connection
        self._lost = False  # wake-ups failed: some may have been missed
        self._inserts = None  # SQLite: the counts last read

    def start(self) -> None:
        """Listen from now on: at the worker's start, before its first runs, so that what is
        committed during them wakes its first wait."""
        if not self._on():
            return
        try:
            if connection.vendor == "sqlite":
                self._inserted()  # the counts from which the first wait sees what is new
            else:
                self._listen()
        except Exception:  # noqa: BLE001 - the first wait listens again
            self._lose()

    def wait(self, seconds: float, stop) -> set[str]:
        """Wait up to `seconds` for wake-ups, or until `stop` is set. After the listening
        connection was lost and made again: every job, {EVERY_JOB}."""
        deadline = time.monotonic() + seconds
        if not self._on():
            stop.wait(seconds)
            return set()
        on_sqlite = connection.vendor == "sqlite"
        woken = set()
        while not woken and not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            try:
                woken = self._inserted() if on_sqlite else self._notified(left)
            except Exception:  # noqa: BLE001 - the poll goes on; listening again in a second
                self._lose()
                stop.wait(min(left, RECONNECT_SECONDS))
                continue
            if self._lost:
                logger.info("worker's wake-ups are back")
                self._lost = False
                return {EVERY_JOB}
            if on_sqlite and not woken:
                stop.wait(min(left, SQLITE_READ_SECONDS))
        return woken

    @staticmethod
    def _on() -> bool:
        return settings.WORKER_WAKE_UPS and connection.vendor in {"postgresql", "sqlite"}

    def _lose(self) -> None:
        if not self._lost:
            logger.warning("worker lost its wake-ups; polling meanwhile", exc_info=True)
        self._lost = True
        self.close()

    def _listen(self) -> None:
        if self._connection is None:
            raw = connection.get_new_connection(connection.get_connection_params())
            raw.autocommit = True
            raw.execute(f"LISTEN {CHANNEL}")
            self._connection = raw

    def _notified(self, left: float) -> set[str]:
        self._listen()
        woken = {n.payload for n in self._connection.notifies(
            timeout=min(left, SLICE_SECONDS), stop_after=1)}
        # Those already arrived come with it: one wake-up for a burst of commits.
        return woken | {n.payload for n in self._connection.notifies(timeout=0)}

    def _inserted(self) -> set[str]:
        connection.ensure_connection()  # read through sqlite3 itself: twenty times a second
        inserts = dict(connection.connection.execute(
            "SELECT job, inserts FROM dossierflow_wakeups").fetchall())
        before, self._inserts = self._inserts, inserts
        if before is None:  # the first read: what was there before is the poll's
            return set()
        return {job for job, count in inserts.items() if count != before.get(job)}

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001, S110 - already gone
                pass
            self._connection = None
