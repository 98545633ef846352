"""The circuit breaker: closed, open after repeated failures, one trial call after the cooldown."""

from search.breaker import CircuitBreaker


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_it_opens_after_failures_in_a_row_and_lets_one_trial_through_after_the_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(failures=2, cooldown=30, clock=clock)
    assert breaker.allows()
    breaker.failed()
    assert breaker.allows() and not breaker.is_open()
    breaker.failed()
    assert not breaker.allows() and breaker.is_open() and breaker.retry_in() == 30
    clock.now = 31
    assert breaker.allows()  # the trial call
    assert not breaker.allows()  # only one
    breaker.failed()
    assert not breaker.allows() and breaker.retry_in() == 30
    clock.now = 62
    assert breaker.allows()
    breaker.succeeded()
    assert breaker.allows() and breaker.allows() and not breaker.is_open()


def test_a_success_between_failures_starts_the_count_again():
    breaker = CircuitBreaker(failures=2, cooldown=30, clock=Clock())
    breaker.failed()
    breaker.succeeded()
    breaker.failed()
    assert breaker.allows()
