"""Waking a worker when work arrives, instead of at its next poll (PostgreSQL).

On PostgreSQL each outbox table has a trigger (migration 0002_wake_workers) that, when rows are
inserted, notifies the channel below with the name of the job that applies them; PostgreSQL
delivers it when the transaction that wrote them commits, never for one rolled back. A worker
listens on a connection of its own, and while idle waits for a notification instead of sleeping
through its poll: the job named is made due, and the next person's inbox, the notifications,
the search index and the mail follow a change within milliseconds instead of a second or more.

A wake-up is only a hint. The poll remains: a worker whose listening connection is lost runs its
jobs on their intervals, as on SQLite (which has no notifications), listens again a second later,
and then runs every job, for those it may have missed meanwhile.
"""

import logging
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger("dossierflow.jobs")

CHANNEL = "dossierflow_jobs"  # the triggers' channel (migration 0002_wake_workers)
SLICE_SECONDS = 0.5  # a stop is seen within this, while waiting for a notification
RECONNECT_SECONDS = 1  # between attempts to listen again after the connection was lost
EVERY_JOB = "*"


class Listener:
    """A worker's listening connection; `wait` returns the jobs woken (names without a part)."""

    def __init__(self):
        self._connection = None
        self._lost = False  # the connection was lost: notifications may have been missed

    def wait(self, seconds: float, stop) -> set[str]:
        """Wait up to `seconds` for wake-ups, or until `stop` is set; on SQLite, only sleep.
        After the connection was lost and made again, every job: {EVERY_JOB}."""
        if connection.vendor != "postgresql" or not settings.WORKER_WAKE_UPS:
            stop.wait(seconds)
            return set()
        deadline = time.monotonic() + seconds
        woken = set()
        while not woken and not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            try:
                listening = self._listening()
                if self._lost:
                    logger.info("worker's wake-up connection is back")
                    self._lost = False
                    return {EVERY_JOB}
                woken = {n.payload for n in listening.notifies(
                    timeout=min(left, SLICE_SECONDS), stop_after=1)}
                # Those already arrived come with it: one wake-up for a burst of commits.
                woken |= {n.payload for n in listening.notifies(timeout=0)}
            except Exception:  # noqa: BLE001 - the poll goes on; connected again in a second
                if not self._lost:
                    logger.warning("worker lost its wake-up connection; polling meanwhile",
                                   exc_info=True)
                self._lost = True
                self.close()
                stop.wait(min(left, RECONNECT_SECONDS))
        return woken

    def _listening(self):
        if self._connection is None:
            raw = connection.get_new_connection(connection.get_connection_params())
            raw.autocommit = True
            raw.execute(f"LISTEN {CHANNEL}")
            self._connection = raw
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001, S110 - already gone
                pass
            self._connection = None
