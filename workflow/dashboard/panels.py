"""The dashboard page's panels: each chart with its table, every bar linked to its dossiers."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..states import Stage
from . import tables
from .charts import Row, Segment, bar_chart, color, legend
from .figures import Dashboard
from .rounds import ROUND_LABELS

APPROVED_COLOR, REJECTED_COLOR = "#059669", "#b42318"


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    chart: SafeString | None
    key_to_colors: SafeString | None
    table: tables.Table
    more: str = ""  # a link to every dossier behind the panel


def _link(board: Dashboard, **narrow) -> str:
    return f"{reverse('workflow:dashboard:dossiers')}?{board.filters.query(**narrow)}"


def panels(board: Dashboard) -> list[Panel]:
    return [
        _stages(board),
        _decisions(board),
        _times(board),
        _on_time(board),
        Panel("overdue", "", None, None, tables.overdue_table(board), _link(board, overdue=True)),
        _rounds(board),
    ]


def _stages(board: Dashboard) -> Panel:
    colors = {s: color(Stage.values.index(s)) for s in board.stages}
    rows = [
        Row(
            row.name,
            tuple(
                Segment(
                    row.counts[s],
                    colors[s],
                    _link(board, agency=row.agency_id, stage=s),
                    f"{row.name} — {Stage(s).label}: {row.counts[s]}",
                )
                for s in board.stages
                if row.counts.get(s)
            ),
            note=str(row.total),
        )
        for row in board.by_agency
    ]
    table = tables.stages_table(board)
    return Panel(
        "stages",
        table.title,
        bar_chart(table.title, rows),
        legend([(str(Stage(s).label), colors[s]) for s in board.stages]),
        table,
        _link(board),
    )


def _decisions(board: Dashboard) -> Panel:
    approved, rejected = _("Approved"), _("Rejected")
    rows = [
        Row(
            month,
            (
                Segment(ok, APPROVED_COLOR, _link(board, month=month, outcome="approved"),
                        f"{month} — {approved}: {ok}"),
                Segment(no, REJECTED_COLOR, _link(board, month=month, outcome="rejected"),
                        f"{month} — {rejected}: {no}"),
            ),
            note=f"{ok} / {no}",
        )
        for month, ok, no in board.months
    ]  # fmt: skip
    table = tables.decisions_table(board)
    key = legend([(approved, APPROVED_COLOR), (rejected, REJECTED_COLOR)])
    return Panel("decisions", table.title, bar_chart(table.title, rows), key, table)


def _times(board: Dashboard) -> Panel:
    rows = [
        Row(
            str(Stage(t.stage).label),
            (
                Segment(
                    t.median,
                    color(Stage.values.index(t.stage)),
                    _link(board, stage=t.stage),
                    _("%(stage)s: median %(median)s, spread %(low)s–%(high)s working days")
                    % {
                        "stage": Stage(t.stage).label,
                        "median": f"{t.median:g}",
                        "low": f"{t.low:g}",
                        "high": f"{t.high:g}",
                    },
                    low=t.low,
                    high=t.high,
                ),
            ),
            note=f"{t.median:g}",
        )
        for t in board.times
    ]
    table = tables.times_table(board)
    return Panel("times", table.title, bar_chart(table.title, rows), None, table)


def _on_time(board: Dashboard) -> Panel:
    rows = [
        Row(
            r.name,
            (
                Segment(
                    100 * r.share,
                    APPROVED_COLOR,
                    _link(board, agency=r.agency_id),
                    f"{r.name}: {round(100 * r.share)}% ({r.on_time}/{r.finished})",
                ),
            ),
            note=f"{round(100 * r.share)}%",
        )
        for r in board.on_time
    ]
    table = tables.on_time_table(board)
    return Panel("ontime", table.title, bar_chart(table.title, rows, scale=100), None, table)


def _rounds(board: Dashboard) -> Panel:
    rows = [
        Row(
            str(ROUND_LABELS[key]),
            (
                Segment(
                    n, color(i), _link(board, round=key), f"{ROUND_LABELS[key]}: {n}"
                ),
            ),
            note=str(n),
        )
        for i, (key, n) in enumerate(board.rounds.items())
    ]
    table = tables.rounds_table(board)
    return Panel("rounds", table.title, bar_chart(table.title, rows), None, table)
