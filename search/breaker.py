"""A circuit breaker for the search engine: after a few failures in a row the engine is not asked
again for a while, so that a hung or stopped engine costs each request nothing instead of a
timeout. The outbox keeps the index updates meanwhile. One breaker an engine, in each process."""

import threading
import time


class CircuitBreaker:
    """Closed (calls go through) until `failures` calls in a row fail; then open for `cooldown`
    seconds (calls are refused at once); then one trial call is let through: its success closes
    the breaker, its failure opens it again."""

    def __init__(self, *, failures: int = 2, cooldown: float = 30.0, clock=time.monotonic):
        self.failures = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failed = 0
        self._open_until = 0.0
        self._trial = False

    def allows(self) -> bool:
        """Whether a call may go to the engine now (after the cooldown: one trial call)."""
        with self._lock:
            if self._failed < self.failures:
                return True
            if self.clock() < self._open_until or self._trial:
                return False
            self._trial = True
            return True

    def is_open(self) -> bool:
        with self._lock:
            return self._failed >= self.failures and (
                self.clock() < self._open_until or self._trial)

    def retry_in(self) -> float:
        """Seconds until the engine may be tried again (0 when closed)."""
        with self._lock:
            if self._failed < self.failures:
                return 0.0
            return max(0.0, self._open_until - self.clock())

    def succeeded(self) -> None:
        with self._lock:
            self._failed, self._trial = 0, False

    def failed(self) -> None:
        with self._lock:
            self._failed += 1
            self._trial = False
            if self._failed >= self.failures:
                self._open_until = self.clock() + self.cooldown
