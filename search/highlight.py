"""Snippets of where the query's words matched, cut from the original text with the matches marked.

Both backends call this for the one page of hits they return, on the stored original text: the
matches are found in its folded form (same length, normalization.fold_text), so the marks land on
the original letters with their diacritics, and the snippets are the same whichever engine ranked
the hits. A snippet is a list of (text, is_match) segments; `as_html` escapes each segment before
wrapping the matches in <mark>, so document text can never inject markup.
"""

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from django.utils.html import escape

from .normalization import fold_text
from .query import Clause, Query

Segment = tuple[str, bool]
Snippet = list[Segment]

ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=256)
def _pattern(clauses: tuple[Clause, ...]) -> re.Pattern | None:
    if not clauses:
        return None
    # Longest first, so a phrase wins over one of its own words at the same place.
    ordered = sorted(clauses, key=lambda c: (-len(c), c))
    alternatives = [r"\s+".join(map(re.escape, clause)) for clause in ordered]
    return re.compile(r"(?<!\S)(?:" + "|".join(alternatives) + r")(?!\S)")


# A long document (a hundred pages is some 250,000 characters) is read in pieces, and no further
# once enough matches are found to choose snippets from: a page of 20 such hits would otherwise
# fold and search 5 MB of text, and weigh every match against every other.
_PIECE = 16_384
_ENOUGH = 50
_MARGIN = 256  # a match that may run past the folded part is looked for again with the next piece


def match_spans(text: str, query: Query, *, enough: int | None = None) -> list[tuple[int, int]]:
    """Where the query's positive words and phrases occur in an original (cleaned) text: all of
    them, or the first `enough` of a long one (a phrase longer than _MARGIN across two pieces is
    missed)."""
    pattern = _pattern(tuple(query.positive_clauses))
    if pattern is None or not text:
        return []
    if enough is None or len(text) <= _PIECE:
        return [m.span() for m in pattern.finditer(fold_text(text))]
    spans: list[tuple[int, int]] = []
    folded = ""
    searched = 0
    while len(folded) < len(text) and len(spans) < enough:
        folded += fold_text(text[len(folded):len(folded) + _PIECE])
        complete = len(folded) == len(text)
        resume = None
        for m in pattern.finditer(folded, searched):
            if not complete and m.end() > len(folded) - _MARGIN:
                resume = m.start()  # it may go on in the next piece
                break
            spans.append(m.span())
            searched = m.end()
            if len(spans) >= enough:
                return spans
        if resume is None:
            resume = max(searched, len(folded) - _MARGIN)
        searched = resume
    return spans


def mark(text: str, query: Query) -> Snippet:
    """The whole text (a title) with its matches marked."""
    return _segments(text, match_spans(text, query), 0, len(text))


def snippets(text: str, query: Query, *, count: int = 2, size: int = 200) -> list[Snippet]:
    """Up to `count` passages of about `size` characters around the matches, best first kept in
    reading order; the opening of the text when nothing matched in it (the title did)."""
    if not text:
        return []
    spans = match_spans(text, query, enough=_ENOUGH)
    if not spans:
        end = _word_end(text, min(len(text), size))
        return [_segments(text, [], 0, end)]
    # A window around each match, scored by how many matches it holds; the best non-overlapping
    # ones are kept.
    windows = []
    starts, ends = [s for s, _e in spans], [e for _s, e in spans]
    for start, _end in spans:
        lo = _word_start(text, max(0, start - size // 4))
        hi = _word_end(text, min(len(text), lo + size))
        # The matches are in order and do not overlap: those inside the window are a slice.
        inside = spans[bisect_left(starts, lo):bisect_right(ends, hi)]
        windows.append((len(inside), -lo, lo, hi, inside))
    windows.sort(reverse=True)
    chosen: list[tuple[int, int, list]] = []
    for _n, _neg, lo, hi, inside in windows:
        if all(hi <= c_lo or lo >= c_hi for c_lo, c_hi, _ in chosen):
            chosen.append((lo, hi, inside))
        if len(chosen) == count:
            break
    chosen.sort()
    return [_segments(text, inside, lo, hi) for lo, hi, inside in chosen]


def _word_start(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    space = text.rfind(" ", max(0, pos - 30), pos)
    return space + 1 if space >= 0 else pos


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.find(" ", pos, pos + 30)
    return space if space >= 0 else pos


def _segments(text: str, spans, lo: int, hi: int) -> Snippet:
    out: Snippet = []
    if lo > 0:
        out.append((ELLIPSIS, False))
    pos = lo
    for start, end in spans:
        if start < pos or end > hi:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < hi:
        out.append((text[pos:hi], False))
    if hi < len(text):
        out.append((ELLIPSIS, False))
    # Line breaks inside a passage read as spaces in a one-line snippet.
    return [(_SPACES.sub(" ", part), is_match) for part, is_match in out if part]


def as_html(snippet: Snippet) -> str:
    return "".join(
        f"<mark>{escape(part)}</mark>" if is_match else str(escape(part))
        for part, is_match in snippet
    )
