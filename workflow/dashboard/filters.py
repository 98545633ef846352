"""The dashboard's filters (year, kind, agency) and the dossier list's extra ones, read from the
query string. Anything unknown or malformed is dropped, never an error page."""

import datetime
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from documents.ids import parse_id

from ..models import Agency, Round
from ..permissions import visible_agency_ids
from ..selectors import dossiers_matching
from ..states import DossierKind, Stage
from .models import StageVisit
from .rounds import ROUND_BUCKETS

OUTCOMES = {"approved": Stage.APPROVED, "rejected": Stage.REJECTED}


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    kind: str = ""
    agency: int | None = None
    # Set by a click on a chart: the dossier list narrows further.
    stage: str = ""
    month: str = ""  # "2024-03": decided in that month, with `outcome`
    outcome: str = ""
    overdue: bool = False
    round: str = ""

    def query(self, **changes) -> str:
        """The query string for these filters (with `changes`), for links and exports."""
        changed = replace(self, **changes) if changes else self
        values = ((f.name, getattr(changed, f.name)) for f in fields(self))
        return urlencode([(k, int(v) if v is True else v) for k, v in values if v])

    @property
    def base(self) -> "Filters":
        """The dashboard's own filters, without what a chart click added."""
        return Filters(year=self.year, kind=self.kind, agency=self.agency)


def read_filters(params, user) -> Filters:
    year = _int(params.get("year"))
    agency = parse_id(params.get("agency"))
    if visible_agency_ids(user) is not None:
        agency = None  # only the central office chooses an agency; others see their own
    kind = params.get("kind", "")
    stage = params.get("stage", "")
    outcome = params.get("outcome", "")
    month = params.get("month", "")
    round_ = params.get("round", "")
    return Filters(
        year=year if year and 2000 <= year <= 2100 else None,
        kind=kind if kind in DossierKind.values else "",
        agency=agency,
        stage=stage if stage in Stage.values else "",
        month=month if outcome in OUTCOMES and _month_start(month) else "",
        outcome=outcome if outcome in OUTCOMES and _month_start(month) else "",
        overdue=params.get("overdue") == "1",
        round=round_ if round_ in ROUND_BUCKETS else "",
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _month_start(month: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        return None


def filtered_dossiers(user, filters: Filters) -> QuerySet:
    """The dossiers the user may see, narrowed by the filters: the base of every figure."""
    dossiers = dossiers_matching(
        user,
        kind=filters.kind,
        stage=filters.stage,
        agency=filters.agency,
        year=filters.year,
        overdue=True if filters.overdue else None,
    )
    if filters.outcome:
        start = datetime.date.fromisoformat(f"{filters.month}-01")
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        decided = StageVisit.objects.filter(
            stage=OUTCOMES[filters.outcome], entered_on__gte=start, entered_on__lt=end
        )
        dossiers = dossiers.filter(pk__in=decided.values("dossier_id"))
    if filters.round:
        rounds = Round.objects.filter(Q(closed_at__isnull=False) & ROUND_BUCKETS[filters.round])
        dossiers = dossiers.filter(pk__in=rounds.values("dossier_id"))
    return dossiers


def agency_choices(user) -> list[tuple[int, str]]:
    """The agencies a central role may filter by; none for anyone else."""
    if visible_agency_ids(user) is not None:
        return []
    return list(Agency.objects.order_by("name").values_list("pk", "name"))
