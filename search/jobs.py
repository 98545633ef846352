"""Search's background work for the shared worker (settings.WORKER_JOBS)."""

import logging

from .backends import get_backend
from .backends.base import SearchUnavailable
from .outbox import process_outbox
from .rebuild import interrupted, running

logger = logging.getLogger(__name__)


def run_search_outbox(*, limit: int = 100) -> int:
    """Apply up to `limit` due index updates (outbox.process_outbox: claimed under a lease, so
    concurrent workers never apply the same dossier at once, and a worker killed half way leaves
    them to be claimed again); returns how many rows were applied or failed."""
    backend = get_backend()
    if interrupted(backend.name) is not None and not running().exists():
        try:  # what a killed rebuild left (SQLite's merging, half-filled indices)
            backend.cleanup()
        except SearchUnavailable as error:
            logger.warning("cleaning up after an interrupted rebuild failed: %s", error)
    report = process_outbox(limit=limit, backend=backend)
    return report.applied + report.failed
