"""The dashboard's figures: grouped queries over the filtered dossiers, a fixed number of them
whatever the number of dossiers or agencies.

Time in a stage comes from the audit trail: each transition entry opens a stage (`to_state`) and
the dossier's next transition entry closes it. A window function pairs them in the database,
which returns one compact tuple per finished stage visit; working days are counted in constant
time per visit (policies.working_day_counter).
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Lead, TruncDate, TruncMonth
from django.utils import timezone

from .. import flows
from ..models import AuditEntry, Round
from ..policies import working_day_counter
from ..roles import DRAFTER, ROLE_LABELS
from ..selectors import overdue_dossiers, policies_by_kind, public_holidays
from ..states import Stage
from .filters import Filters, filtered_dossiers
from .rounds import ROUND_BUCKETS

OVERDUE_SHOWN = 50


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
    today = today or timezone.localdate()
    dossiers = filtered_dossiers(user, filters.base)
    by_agency, stage_totals = stages_by_agency(dossiers)
    counter = working_day_counter(public_holidays())
    times, on_time = stage_times(dossiers, counter)
    overdue, overdue_count = overdue_list(user, dossiers, today, counter)
    return Dashboard(
        filters=filters.base,
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
    rows = (
        AuditEntry.objects.filter(
            dossier_id__in=dossiers.order_by().values("pk"), action__in=["approve", "reject"]
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            approved=Count("id", filter=Q(action="approve")),
            rejected=Count("id", filter=Q(action="reject")),
        )
        .order_by("month")
    )
    return [(f"{r['month']:%Y-%m}", r["approved"], r["rejected"]) for r in rows]


def _stage_visits(dossiers: QuerySet):
    """(stage, kind, agency id, agency name, entered on, left on) of every finished visit."""
    return (
        AuditEntry.objects.filter(dossier__in=dossiers.order_by().values("pk"))
        .exclude(to_state="")
        .annotate(
            entered=TruncDate("created_at"),
            left=Window(
                Lead(TruncDate("created_at")),
                partition_by=[F("dossier_id")],
                order_by=[F("created_at").asc(), F("id").asc()],
            ),
        )
        .order_by()
        .values_list(
            "to_state",
            "dossier__kind",
            "dossier__agency_id",
            "dossier__agency__name",
            "entered",
            "left",
        )
    )


def stage_times(dossiers: QuerySet, counter) -> tuple[list[StageTime], list[AgencyOnTime]]:
    """Working days spent per stage (median and quartiles), and per agency the share of stage
    visits finished within the kind's deadline for that stage."""
    policies = policies_by_kind()
    deadlines = {
        (kind, stage): policy.days_for(stage)
        for kind, policy in policies.items()
        for stage in Stage.values
    }
    spent: dict[str, list[int]] = {}
    agencies: dict[int, list] = {}
    for stage, kind, agency_id, agency_name, entered, left in _stage_visits(dossiers):
        limit = deadlines.get((kind, stage))
        if left is None or limit is None:
            continue
        days = counter(entered, left)
        spent.setdefault(stage, []).append(days)
        tally = agencies.setdefault(agency_id, [agency_name, 0, 0])
        tally[1] += 1
        tally[2] += days <= limit
    times = []
    for stage in Stage.values:
        values = spent.get(stage)
        if not values:
            continue
        if len(values) > 1:
            low, median, high = statistics.quantiles(values, n=4, method="inclusive")
        else:
            low = median = high = values[0]
        times.append(StageTime(stage, len(values), median, low, high, max(values)))
    on_time = sorted(
        (AgencyOnTime(pk, name, n, ok) for pk, (name, n, ok) in agencies.items()),
        key=lambda row: (row.name, row.agency_id),
    )
    return times, on_time


def overdue_list(user, dossiers: QuerySet, today, counter) -> tuple[list[OverdueRow], int]:
    """The most overdue dossiers first (a link leads to all of them), with who holds each."""
    late = (overdue_dossiers(user, today) & dossiers).order_by("stage_due_on", "id")
    holders = {node.stage: node.role for node in flows.STAGE_TASKS}
    rows = []
    for d in late.only("pk", "title", "state", "stage_due_on", "agency__name")[:OVERDUE_SHOWN]:
        role = holders.get(d.state)
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
    return Round.objects.filter(
        dossier_id__in=dossiers.order_by().values("pk"), closed_at__isnull=False
    ).aggregate(
        **{bucket: Count("id", filter=condition) for bucket, condition in ROUND_BUCKETS.items()}
    )
