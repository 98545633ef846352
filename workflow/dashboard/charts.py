"""Bar charts drawn on the server as SVG: no script, no library, nothing fetched from outside.

Each bar segment is a link to the dossier list it counts and carries its number in a <title>;
the page prints the same numbers in a table under the chart.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 230
BAR_WIDTH = 470
ROW_HEIGHT = 22
BAR_HEIGHT = 15
PALETTE = (
    "#8b1a1a", "#d97706", "#2563eb", "#059669", "#7c3aed",
    "#db2777", "#0891b2", "#65a30d", "#475569", "#b45309",
)  # fmt: skip


@dataclass(frozen=True)
class Segment:
    value: float
    color: str
    href: str
    title: str
    # For a median bar: the spread (first to third quartile) drawn as a whisker.
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Row:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""  # printed after the bar: the total, the share


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def bar_chart(title: str, rows: list[Row], *, scale: float | None = None) -> SafeString:
    """Horizontal bars, one per row, stacked from their segments, scaled to `scale` (the
    largest row when not given)."""
    largest = scale or max(
        (max(sum(s.value for s in r.segments), *(s.high or 0 for s in r.segments)) for r in rows),
        default=0,
    )
    largest = largest or 1
    width = LABEL_WIDTH + BAR_WIDTH + 70
    height = ROW_HEIGHT * max(len(rows), 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-size="12" '
        f'font-family="sans-serif"><title>{escape(title)}</title>'
    ]
    # Plain f-strings with escape() on every text: format_html per bar cost a third of the page.
    for i, row in enumerate(rows):
        y = 3 + i * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" text-anchor="end">'
            f"{escape(_shorten(row.label))}</text>"
        )
        x = float(LABEL_WIDTH)
        for segment in row.segments:
            w = BAR_WIDTH * segment.value / largest
            parts.append(_segment(segment, x, y, w, largest))
            x += w
        if row.note:
            note = escape(row.note)
            parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 3}">{note}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def _segment(segment: Segment, x: float, y: int, w: float, largest: float) -> str:
    bar = (
        f'<a href="{escape(segment.href)}"><rect x="{x:.1f}" y="{y}" width="{max(w, 0):.1f}" '
        f'height="{BAR_HEIGHT}" fill="{escape(segment.color)}"><title>{escape(segment.title)}'
        "</title></rect></a>"
    )
    if segment.low is None or segment.high is None:
        return bar
    x1 = LABEL_WIDTH + BAR_WIDTH * segment.low / largest
    x2 = LABEL_WIDTH + BAR_WIDTH * segment.high / largest
    mid = y + BAR_HEIGHT / 2
    return bar + (
        f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{mid}" y2="{mid}" stroke="#111" stroke-width="2"/>'
    )


def _shorten(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def legend(items: list[tuple[str, str]]) -> SafeString:
    """A colour key under a stacked chart: (label, colour) pairs."""
    return mark_safe(  # noqa: S308 - labels are escaped
        "".join(
            f'<span class="key"><i style="background:{c}"></i>{escape(label)}</span> '
            for label, c in items
        )
    )


def html_table(caption: str, header, rows, *, empty: str) -> SafeString:
    """A chart's numbers as an accessible table (built here: 100 agencies by 10 stages is too
    many cells for template loops within the page's time)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(cell)}</th>' if i == 0 else f"<td>{escape(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    ) or f'<tr><td colspan="{len(header)}">{escape(empty)}</td></tr>'
    return mark_safe(  # noqa: S308 - every cell is escaped
        f'<table class="figures"><caption class="visually-hidden">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
