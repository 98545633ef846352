"""Bar charts drawn on the server as SVG: no script, no library, nothing fetched from outside.

Each bar segment is a link to the dossier list it counts and carries its number in a <title>;
the page prints the same numbers in a table under the chart.
"""

from dataclasses import dataclass

from django.utils.html import escape, format_html
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
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{}" '
            'height="{}" viewBox="0 0 {} {}" font-size="12" font-family="sans-serif">'
            "<title>{}</title>",
            width, height, width, height, title,
        )
    ]  # fmt: skip
    for i, row in enumerate(rows):
        y = 3 + i * ROW_HEIGHT
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 6, y + BAR_HEIGHT - 3, _shorten(row.label),
            )
        )  # fmt: skip
        x = float(LABEL_WIDTH)
        for segment in row.segments:
            w = BAR_WIDTH * segment.value / largest
            parts.append(_segment(segment, x, y, w, largest))
            x += w
        if row.note:
            parts.append(
                format_html(
                    '<text x="{}" y="{}">{}</text>', round(x + 4, 1), y + BAR_HEIGHT - 3, row.note
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above


def _segment(segment: Segment, x: float, y: int, w: float, largest: float) -> str:
    bar = format_html(
        '<a href="{}"><rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
        "<title>{}</title></rect></a>",
        segment.href, round(x, 1), y, round(max(w, 0), 1), BAR_HEIGHT, segment.color,
        segment.title,
    )  # fmt: skip
    if segment.low is None or segment.high is None:
        return bar
    x1 = LABEL_WIDTH + BAR_WIDTH * segment.low / largest
    x2 = LABEL_WIDTH + BAR_WIDTH * segment.high / largest
    mid = y + BAR_HEIGHT / 2
    return bar + format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#111" stroke-width="2"/>',
        round(x1, 1), round(x2, 1), mid, mid,
    )  # fmt: skip


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
