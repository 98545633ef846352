"""The one rule of when failed background work is tried again (documents/retries.py), which the
worker's jobs, follow-ups, the search outbox, PDF/A copies, mail and webhooks follow."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from documents.retries import backoff

S = datetime.timedelta(seconds=1)


def test_the_wait_doubles_after_each_failure_from_the_first_wait():
    waits = [backoff(n, first=30 * S, most=3600 * S) for n in range(1, 9)]
    assert waits == [30 * S, 60 * S, 120 * S, 240 * S, 480 * S, 960 * S, 1920 * S, 3600 * S]


@given(failures=st.integers(min_value=-10, max_value=10**9),
       first=st.integers(min_value=1, max_value=10**6),
       most=st.integers(min_value=1, max_value=10**8))
def test_the_wait_is_never_shorter_than_the_first_nor_longer_than_the_most(failures, first, most):
    wait = backoff(failures, first=first * S, most=most * S)
    assert min(first, most) * S <= wait <= most * S
    assert wait <= backoff(failures + 1, first=first * S, most=most * S)
