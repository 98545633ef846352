"""Rules as plain functions of plain values: deadlines in working days and the council tally."""

import datetime
from collections.abc import Iterable
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
