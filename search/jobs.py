"""Placeholder until the search engineer's run_search_outbox lands: drain the search outbox."""

from . import services


def run_search_outbox(*, limit: int = 100) -> int:
    report = services.process_outbox(limit=limit)
    return report.applied
