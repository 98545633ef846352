"""When failed background work is tried again: the one rule every queue of the product follows.

The worker's jobs, the transitions' follow-ups, the search outbox, the PDF/A copies, mail and
webhooks each wait `first` after a first failure, twice as long after each further one in a row,
and never longer than `most`; each queue says its own two durations. The rule lives in the lowest
app because every app has such a queue (documents.errors is the errors' shared home likewise).
"""

import datetime


def backoff(failures: int, *, first: datetime.timedelta,
            most: datetime.timedelta) -> datetime.timedelta:
    """The wait after the `failures`-th failure in a row (1: the first; 0 counts as 1)."""
    doublings = min(max(failures - 1, 0), 64)  # 2**64 first waits: past any `most`
    seconds = min(first.total_seconds() * 2.0**doublings, most.total_seconds())
    return datetime.timedelta(seconds=seconds)
