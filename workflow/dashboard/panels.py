"""The dashboard page's panels: each chart with its table, every bar linked to its dossiers."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..states import Stage
from . import tables
from .charts import Row, Segment, bar_chart, color, html_table, legend
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

    @property
    def html_table(self) -> SafeString:
        return html_table(
            self.table.title, self.table.header, self.table.rows, empty=_("Nothing here.")
        )


class _Links:
    """Links to the dossier list narrowed to a bar; the list's address is looked up once."""

    def __init__(self, board: Dashboard):
        self.url = reverse("workflow:dashboard:dossiers")
        self.filters = board.filters

    def __call__(self, **narrow) -> str:
        return f"{self.url}?{self.filters.query(**narrow)}"


def panels(board: Dashboard) -> list[Panel]:
    link = _Links(board)
    return [
        _stages(board, link),
        _decisions(board, link),
        _times(board, link),
        _on_time(board, link),
        Panel("overdue", "", None, None, tables.overdue_table(board), link(overdue=True)),
        _rounds(board, link),
    ]


def _stages(board: Dashboard, link: _Links) -> Panel:
    colors = {s: color(Stage.values.index(s)) for s in board.stages}
    labels = {s: str(Stage(s).label) for s in board.stages}  # translated once, not per bar
    rows = [
        Row(
            row.name,
            tuple(
                Segment(
                    row.counts[s],
                    colors[s],
                    link(agency=row.agency_id, stage=s),
                    f"{row.name} — {labels[s]}: {row.counts[s]}",
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
        legend([(labels[s], colors[s]) for s in board.stages]),
        table,
        link(),
    )


def _decisions(board: Dashboard, link: _Links) -> Panel:
    approved, rejected = _("Approved"), _("Rejected")
    rows = [
        Row(
            month,
            (
                Segment(ok, APPROVED_COLOR, link(month=month, outcome="approved"),
                        f"{month} — {approved}: {ok}"),
                Segment(no, REJECTED_COLOR, link(month=month, outcome="rejected"),
                        f"{month} — {rejected}: {no}"),
            ),
            note=f"{ok} / {no}",
        )
        for month, ok, no in board.months
    ]  # fmt: skip
    table = tables.decisions_table(board)
    key = legend([(approved, APPROVED_COLOR), (rejected, REJECTED_COLOR)])
    return Panel("decisions", table.title, bar_chart(table.title, rows), key, table)


def _times(board: Dashboard, link: _Links) -> Panel:
    rows = [
        Row(
            str(Stage(t.stage).label),
            (
                Segment(
                    t.median,
                    color(Stage.values.index(t.stage)),
                    link(stage=t.stage),
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


def _on_time(board: Dashboard, link: _Links) -> Panel:
    rows = [
        Row(
            r.name,
            (
                Segment(
                    100 * r.share,
                    APPROVED_COLOR,
                    link(agency=r.agency_id),
                    f"{r.name}: {round(100 * r.share)}% ({r.on_time}/{r.finished})",
                ),
            ),
            note=f"{round(100 * r.share)}%",
        )
        for r in board.on_time
    ]
    table = tables.on_time_table(board)
    return Panel("ontime", table.title, bar_chart(table.title, rows, scale=100), None, table)


def _rounds(board: Dashboard, link: _Links) -> Panel:
    rows = [
        Row(
            str(ROUND_LABELS[key]),
            (
                Segment(
                    n, color(i), link(round=key), f"{ROUND_LABELS[key]}: {n}"
                ),
            ),
            note=str(n),
        )
        for i, (key, n) in enumerate(board.rounds.items())
    ]
    table = tables.rounds_table(board)
    return Panel("rounds", table.title, bar_chart(table.title, rows), None, table)
