"""Reads that a unit of work makes once: the kinds' policies, the public holidays, the active
webhook endpoints (config/api/webhooks.py), how people want to hear of an event
(notifications/outbox.py).

A transition reads the first two for its deadline and again for the stage visit it closes; the
worker's run of follow-ups reads all four for every dossier it follows up. Within
`reading_once()` each is read the first time it is asked for and kept till the scope ends (one
transition, one run of a job: a second or two), so an administrator's change applies from the
next one. Outside any scope every call reads, as before.
"""

import contextvars
from collections.abc import Callable
from contextlib import contextmanager

_kept: contextvars.ContextVar[dict | None] = contextvars.ContextVar("workflow_reads", default=None)


@contextmanager
def reading_once():
    """A scope where `once` keeps what it read; a scope inside another is the same scope."""
    token = _kept.set({}) if _kept.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _kept.reset(token)


def once(key, read: Callable):
    kept = _kept.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]
