"""The dashboard's figures: grouped queries over the filtered dossiers, a fixed number of them
whatever the number of dossiers or agencies.

Time in a stage comes from the audit trail: each transition entry opens a stage (`to_state`) and
the dossier's next transition entry closes it. Pairing them on every page view meant reading every
transition of every dossier (3 s for 10,000 dossiers on SQLite), so the pairs are kept as stage
visits (models.StageVisit, written with each transition) and grouped here.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language

from ..models import AuditEntry, Round
from ..permissions import visible_agency_ids
from ..policies import working_day_counter
from ..roles import DRAFTER, ROLE_LABELS
from ..selectors import due_first, overdue_dossiers, public_holidays
from ..states import STAGE_ROLES, Stage
from .filters import Filters, filtered_dossiers
from .models import StageVisit
from .rounds import ROUND_BUCKETS

OVERDUE_SHOWN = 50
DECISIONS = (Stage.APPROVED, Stage.REJECTED)


@dataclass
class AgencyStages:
    agency_id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class StageTime:
    stage: str
    visits: int
    median: float
    low: float  # first quartile
    high: float  # third quartile
    longest: int


@dataclass(frozen=True)
class AgencyOnTime:
    agency_id: int
    name: str
    finished: int
    on_time: int

    @property
    def share(self) -> float:
        return self.on_time / self.finished if self.finished else 0.0


@dataclass(frozen=True)
class OverdueRow:
    pk: int
    title: str
    agency: str
    stage: str
    due_on: datetime.date
    days_overdue: int
    holder: str


@dataclass
class Dashboard:
    filters: Filters
    stages: list[str]
    by_agency: list[AgencyStages]
    stage_totals: dict[str, int]
    months: list[tuple[str, int, int]]  # ("2024-03", approved, rejected)
    times: list[StageTime]
    on_time: list[AgencyOnTime]
    overdue: list[OverdueRow]
    overdue_count: int
    rounds: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.stage_totals.values())


def dashboard_for(user, filters: Filters, *, today: datetime.date | None = None) -> Dashboard:
    """The figures for what the user may see, through the filters; kept in the cache under
    figures_key until the data they count changes."""
    today = today or timezone.localdate()
    key, holidays = figures_key(user, filters, today)
    board = cache.get(key) if settings.DASHBOARD_CACHE_SECONDS else None
    if board is None:
        board = _figures(user, filters.base, today, working_day_counter(holidays))
        if settings.DASHBOARD_CACHE_SECONDS:
            cache.set(key, board, settings.DASHBOARD_CACHE_SECONDS)
    return board


def figures_key(user, filters: Filters, today: datetime.date) -> tuple[str, list]:
    """A cache key that changes when the audit trail moves (every change to a dossier or a
    round writes an entry), the holidays change, the day turns, or the language or what the
    user may see differ; with the holidays it read. Two small queries."""
    holidays = sorted(public_holidays())
    # The count too: on PostgreSQL an entry with a lower id may commit after a higher one.
    trail = AuditEntry.objects.aggregate(last=Max("id"), entries=Count("id"))
    scope = visible_agency_ids(user)
    scope = sorted(scope) if scope is not None else None
    facts = (scope, filters.base, today, get_language(), trail, holidays)
    return "dashboard:" + hashlib.sha256(repr(facts).encode()).hexdigest(), holidays


def _figures(user, filters: Filters, today, counter) -> Dashboard:
    dossiers = filtered_dossiers(user, filters)
    by_agency, stage_totals = stages_by_agency(dossiers)
    times, on_time = stage_times(dossiers, by_agency)
    overdue, overdue_count = overdue_list(user, dossiers, today, counter)
    return Dashboard(
        filters=filters,
        stages=[s for s in Stage.values if stage_totals.get(s)],
        by_agency=by_agency,
        stage_totals=stage_totals,
        months=decisions_by_month(dossiers),
        times=times,
        on_time=on_time,
        overdue=overdue,
        overdue_count=overdue_count,
        rounds=round_results(dossiers),
    )


def stages_by_agency(dossiers: QuerySet) -> tuple[list[AgencyStages], dict[str, int]]:
    rows = (
        dossiers.order_by()
        .values("agency_id", "agency__name", "state")
        .annotate(n=Count("id"))
        .order_by("agency__name", "agency_id")
    )
    agencies: dict[int, AgencyStages] = {}
    totals: dict[str, int] = {}
    for row in rows:
        entry = agencies.setdefault(
            row["agency_id"], AgencyStages(row["agency_id"], row["agency__name"])
        )
        entry.counts[row["state"]] = row["n"]
        totals[row["state"]] = totals.get(row["state"], 0) + row["n"]
    return list(agencies.values()), totals


def decisions_by_month(dossiers: QuerySet) -> list[tuple[str, int, int]]:
    """(month, approved, rejected): grouped by day in the database, folded into months here
    (at most a few hundred rows a year)."""
    days = (
        StageVisit.objects.filter(
            dossier_id__in=dossiers.order_by().values("pk"), stage__in=DECISIONS
        )
        .values_list("entered_on", "stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    months: dict[str, list[int]] = {}
    for day, stage, n in days:
        months.setdefault(f"{day:%Y-%m}", [0, 0])[DECISIONS.index(stage)] += n
    return [(month, ok, no) for month, (ok, no) in sorted(months.items())]


def stage_times(
    dossiers: QuerySet, agencies: list[AgencyStages]
) -> tuple[list[StageTime], list[AgencyOnTime]]:
    """Working days spent per stage (median and quartiles), and per agency the share of stage
    visits finished within the kind's deadline for that stage: two grouped queries over the
    finished visits of stages with a deadline."""
    finished = StageVisit.objects.filter(
        dossier_id__in=dossiers.order_by().values("pk"), on_time__isnull=False
    ).order_by()
    spent: dict[str, list[tuple[int, int]]] = {}
    for stage, days, n in (
        finished.values_list("stage", "working_days").annotate(n=Count("id")).order_by()
    ):
        spent.setdefault(stage, []).append((days, n))
    times = []
    for stage in Stage.values:
        if stage in spent:
            histogram = sorted(spent[stage])
            low, median, high = (_quantile(histogram, q) for q in (0.25, 0.5, 0.75))
            visits = sum(n for _days, n in histogram)
            times.append(StageTime(stage, visits, median, low, high, histogram[-1][0]))
    counts = {
        pk: (n, ok)
        for pk, n, ok in finished.values_list("dossier__agency_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(on_time=True)))
        .order_by()
    }
    # The agencies' names and order come from the stage counts (the same dossiers): no join.
    on_time = [AgencyOnTime(a.agency_id, a.name, *counts[a.agency_id]) for a in agencies
               if a.agency_id in counts]  # fmt: skip
    return times, on_time


def _quantile(histogram: list[tuple[int, int]], q: float) -> float:
    """The q-quantile of the values a (value, count) histogram holds, interpolated between the
    two nearest values as statistics.quantiles(method="inclusive") does."""
    total = sum(n for _value, n in histogram)
    position = q * (total - 1)
    below, fraction = int(position), position - int(position)
    return (1 - fraction) * _nth(histogram, below) + fraction * _nth(
        histogram, min(below + 1, total - 1)
    )


def _nth(histogram: list[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, n in histogram:
        seen += n
        if index < seen:
            return value
    return histogram[-1][0]


def overdue_list(user, dossiers: QuerySet, today, counter) -> tuple[list[OverdueRow], int]:
    """The most overdue dossiers first (a link leads to all of them), with who holds each."""
    late = due_first(overdue_dossiers(user, today) & dossiers)
    rows = []
    for d in late.only("pk", "title", "state", "stage_due_on", "agency__name")[:OVERDUE_SHOWN]:
        role = STAGE_ROLES.get(d.state)
        holder = str(ROLE_LABELS[role]) if role else ""
        if role == DRAFTER:
            holder = f"{holder} — {d.agency.name}"
        rows.append(
            OverdueRow(
                pk=d.pk,
                title=d.title,
                agency=d.agency.name,
                stage=d.get_state_display(),
                due_on=d.stage_due_on,
                days_overdue=counter(d.stage_due_on, today),
                holder=holder,
            )
        )
    count = late.count() if len(rows) == OVERDUE_SHOWN else len(rows)
    return rows, count


def round_results(dossiers: QuerySet) -> dict[str, int]:
    """Closed rounds per result, one grouped query (the first matching bucket wins)."""
    bucket = Case(
        *(When(condition, then=Value(key)) for key, condition in ROUND_BUCKETS.items()),
        default=Value(""),
    )
    counts = dict(
        Round.objects.filter(
            dossier_id__in=dossiers.order_by().values("pk"), closed_at__isnull=False
        )
        .annotate(bucket=bucket)
        .values_list("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {key: counts.get(key, 0) for key in ROUND_BUCKETS}
