"""The dashboard's tables as plain rows: printed under the charts, exported, and put in the
report. One definition each, so the page, the files and the report always agree."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from ..states import DossierKind, Stage
from .figures import Dashboard
from .rounds import ROUND_LABELS


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: tuple[str, ...]
    rows: Iterable[tuple]


def _days(value: float) -> str:
    return f"{round(value, 1):g}"


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def stages_table(board: Dashboard) -> Table:
    rows = [
        (row.name, *(row.counts.get(s, 0) for s in board.stages), row.total)
        for row in board.by_agency
    ]
    rows.append((_("Total"), *(board.stage_totals[s] for s in board.stages), board.total))
    return Table(
        "stages",
        _("Dossiers by stage and agency"),
        (_("Agency"), *(_stage_label(s) for s in board.stages), _("Total")),
        rows,
    )


def decisions_table(board: Dashboard) -> Table:
    return Table(
        "decisions",
        _("Decisions per month"),
        (_("Month"), _("Approved"), _("Rejected"), _("Total")),
        [(month, ok, no, ok + no) for month, ok, no in board.months],
    )


def times_table(board: Dashboard) -> Table:
    return Table(
        "times",
        _("Time spent in each stage (working days)"),
        (
            _("Stage"),
            _("Finished stage visits"),
            _("Median"),
            _("First quartile"),
            _("Third quartile"),
            _("Longest"),
        ),
        [
            (_stage_label(t.stage), t.visits, _days(t.median), _days(t.low), _days(t.high),
             t.longest)
            for t in board.times
        ],  # fmt: skip
    )


def on_time_table(board: Dashboard) -> Table:
    return Table(
        "ontime",
        _("Stages finished on time, by agency"),
        (_("Agency"), _("Finished stage visits"), _("On time"), _("On-time share (%)")),
        [(r.name, r.finished, r.on_time, round(100 * r.share)) for r in board.on_time],
    )


def overdue_table(board: Dashboard) -> Table:
    return Table(
        "overdue",
        _("Overdue dossiers"),
        (_("Title"), _("Agency"), _("Stage"), _("Due on"), _("Working days overdue"),
         _("Held by")),
        [
            (r.title, r.agency, r.stage, f"{r.due_on:%d/%m/%Y}", r.days_overdue, r.holder)
            for r in board.overdue
        ],
    )  # fmt: skip


def rounds_table(board: Dashboard) -> Table:
    return Table(
        "rounds",
        _("Council rounds by result"),
        (_("Result"), _("Rounds")),
        [(str(ROUND_LABELS[key]), n) for key, n in board.rounds.items()],
    )


DASHBOARD_TABLES = {
    "stages": stages_table,
    "decisions": decisions_table,
    "times": times_table,
    "ontime": on_time_table,
    "overdue": overdue_table,
    "rounds": rounds_table,
}


def dossiers_table(dossiers: QuerySet) -> Table:
    """The dossier list as rows, read as compact tuples: an export of 10,000 stays quick."""
    kinds = dict(DossierKind.choices)
    stages = dict(Stage.choices)
    values = dossiers.order_by("-created_at", "-id").values_list(
        "pk", "title", "agency__name", "kind", "state", "created_at", "stage_due_on",
        "decision_number", "decision_date",
    )  # fmt: skip

    def rows():
        for pk, title, agency, kind, state, created, due, number, decided in values.iterator(
            chunk_size=2000
        ):
            yield (
                pk, title, agency, str(kinds[kind]), str(stages[state]), localdate(created), due,
                number, decided,
            )  # fmt: skip

    return Table(
        "dossiers",
        _("Dossiers"),
        (_("No."), _("Title"), _("Agency"), _("Kind"), _("Stage"), _("Created on"),
         _("Due on"), _("Decision number"), _("Decision date")),
        rows(),
    )  # fmt: skip
