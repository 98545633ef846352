"""Rules as plain functions of plain values: deadlines in working days and the council tally."""

import datetime
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

APPROVE = "approve"
APPROVE_WITH_CONDITIONS = "approve_with_conditions"
REJECT = "reject"
ABSTAIN = "abstain"
RECUSE = "recuse"


def add_working_days(
    start: datetime.date, days: int, holidays: Iterable[datetime.date] = ()
) -> datetime.date:
    """The date `days` working days after `start`: weekends and public holidays do not count."""
    holidays = frozenset(holidays)
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current


def working_days_between(
    start: datetime.date, end: datetime.date, holidays: Iterable[datetime.date] = ()
) -> int:
    """How many working days after `start`, up to and including `end` (0 if `end` is not later):
    the inverse of add_working_days."""
    return working_day_counter(holidays)(start, end)


def working_day_counter(
    holidays: Iterable[datetime.date] = (),
) -> Callable[[datetime.date, datetime.date], int]:
    """working_days_between with the holidays sorted once: constant time per span, for reports
    that count thousands of them."""
    marks = sorted({h.toordinal() for h in holidays if h.weekday() < 5})

    def count(start: datetime.date, end: datetime.date) -> int:
        if end <= start:
            return 0
        skipped = bisect_right(marks, end.toordinal()) - bisect_right(marks, start.toordinal())
        return _weekdays_through(end) - _weekdays_through(start) - skipped

    return count


def _weekdays_through(day: datetime.date) -> int:
    # Ordinal 1 (1 January of year 1) is a Monday: every run of 7 ordinals holds 5 weekdays.
    weeks, rest = divmod(day.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


@dataclass(frozen=True)
class Outcome:
    seated: int  # members not recused
    voted: int  # approve, approve with conditions, reject or abstain
    approving: int
    with_conditions: int
    rejecting: int
    abstaining: int
    recused: int
    quorum_met: bool
    passed: bool

    @property
    def needs_revision(self) -> bool:
        """Failed, or passed only on conditions the drafter must meet first."""
        return not self.passed or self.with_conditions > 0


def tally(
    votes: Iterable[str], *, members: int, quorum: Decimal | float, pass_threshold: Decimal | float
) -> Outcome:
    """Count a round: `votes` holds each member's last choice, `members` the council's size.

    The default (docs/domain.md): a quorum of two thirds of the non-recused members, passed by
    more than half of them approving; approval with conditions counts as approval.
    """
    votes = list(votes)
    recused = votes.count(RECUSE)
    approving_plain = votes.count(APPROVE)
    with_conditions = votes.count(APPROVE_WITH_CONDITIONS)
    rejecting = votes.count(REJECT)
    abstaining = votes.count(ABSTAIN)
    seated = members - recused
    voted = approving_plain + with_conditions + rejecting + abstaining
    approving = approving_plain + with_conditions
    # Fractions keep 2/3 exact: 0.6667 of 3 members must not demand a fourth vote.
    quorum_share = Fraction(str(quorum)).limit_denominator(1000)
    threshold = Fraction(str(pass_threshold)).limit_denominator(1000)
    quorum_met = seated > 0 and Fraction(voted, seated) >= quorum_share
    passed = quorum_met and Fraction(approving, seated) > threshold
    return Outcome(
        seated=seated,
        voted=voted,
        approving=approving,
        with_conditions=with_conditions,
        rejecting=rejecting,
        abstaining=abstaining,
        recused=recused,
        quorum_met=quorum_met,
        passed=passed,
    )
