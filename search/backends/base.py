"""The one interface every search backend implements, and the values that cross it.

An indexed entry is a flat record: the dossier itself (its title and summary) or one of its
documents, with the dossier's metadata copied in so that filters, facets and the permission
filter are answered by the engine in the same query that ranks the hits.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..highlight import mark, snippets
from ..normalization import clean_text, decision_key, fold_text
from ..query import Query

# What an entry is: the dossier's own record, or a kind of document.
DOC_TYPES = (
    "dossier",
    "main",
    "annex",
    "minutes",
    "revision_letter",
    "appraisal_report",
    "decision",
)
FACETS = ("agency", "kind", "stage", "year", "doc_type")
SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
# Deep pages cost every engine more than they are worth to a reader.
MAX_RESULT_WINDOW = 10_000
# Snippets are cut from a text's first 65,536 characters (some 25 pages): a page of hits then
# reads at most about 1.3 MB of text whatever its documents' size (twenty 100-page documents made
# Elasticsearch answer in 80 ms, most of it their 5 MB of text). A document found only by words
# further in shows its opening instead.
SNIPPET_TEXT_CHARS = 65_536


@dataclass(frozen=True)
class Entry:
    key: str  # "dossier:12" or "version:34": unique across the index
    dossier_id: int
    agency_id: int
    agency_name: str
    kind: str
    stage: str
    doc_type: str
    title: str
    text: str
    date: datetime.date | None = None
    decision_number: str = ""

    @classmethod
    def build(cls, **values) -> "Entry":
        """An entry with its texts cleaned (normalization.clean_text), as backends store them."""
        values["title"] = clean_text(values.get("title"))
        values["text"] = clean_text(values.get("text"))
        values["decision_number"] = clean_text(values.get("decision_number")).strip()
        when = values.get("date")
        if isinstance(when, datetime.datetime):
            values["date"] = when.date()
        return cls(**values)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @cached_property
    def title_folded(self) -> str:
        return fold_text(self.title)

    @cached_property
    def text_folded(self) -> str:
        return fold_text(self.text)

    @property
    def decision_key(self) -> str:
        return decision_key(self.decision_number)


@dataclass(frozen=True)
class Filters:
    agency_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    decision_number: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def decision_key(self) -> str:
        return decision_key(self.decision_number)

    @property
    def is_empty(self) -> bool:
        return not (
            self.agency_ids or self.kinds or self.stages or self.doc_types or self.decision_key
            or self.date_from or self.date_to
        )


@dataclass(frozen=True)
class SearchRequest:
    query: Query
    filters: Filters = field(default_factory=Filters)
    # The agencies the searching user may see; None means all. The backend filters on it inside
    # the query, so totals, facets and pages only ever count what the user may see.
    visible_agency_ids: frozenset[int] | None = frozenset()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    highlight: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    entry: Entry
    score: float | None = None
    title: list = field(default_factory=list)  # a highlight.Snippet of the title
    snippets: list = field(default_factory=list)  # highlight.Snippets of the text


@dataclass
class FacetValue:
    value: str | int
    count: int
    label: str = ""


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULT_WINDOW) // self.per_page))


@dataclass
class Health:
    backend: str
    ok: bool
    detail: str
    entries: int | None = None


class SearchUnavailable(Exception):
    """The engine cannot be reached or refused the request; the caller may retry later."""


class RequestRejected(SearchUnavailable):
    """The engine answered that the request itself is wrong (a value out of its range)."""


class Backend:
    """What every engine answers. `search` holds the steps all engines share (nobody visible:
    no query at all; the page clamped to the result window; hits and facets built and ordered the
    same way); an engine implements `_search` for the rest."""

    name = "base"

    def index(self, entries: Iterable[Entry]) -> int:
        """Add or replace entries (by key); returns how many were written."""
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> None:
        raise NotImplementedError

    def replace_dossier(self, dossier_id: int, entries: list[Entry]) -> None:
        """Make the entries of one dossier exactly these (none: the dossier is gone)."""
        raise NotImplementedError

    def search(self, request: SearchRequest) -> SearchResult:
        visible = request.visible_agency_ids
        if visible is not None and not visible:
            return self._empty(request)
        return self._search(request)

    def _search(self, request: SearchRequest) -> SearchResult:
        """The search of a user who may see something (visible_agency_ids None or not empty)."""
        raise NotImplementedError

    def health(self) -> Health:
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every entry (and create the index if the engine needs one)."""
        raise NotImplementedError

    def rebuild(self, entries: Iterator[Entry], *, progress=None, batch_size: int = 500,
                on_target=None) -> int:
        """Replace the whole index with these entries; progress(n) is called after each batch,
        on_target(name) with the name of a new index being filled, where the engine makes one."""
        self.clear()
        return self._index_batches(entries, progress=progress, batch_size=batch_size)

    def keys(self) -> dict[str, tuple]:
        """Every entry in the index: key -> (dossier id, agency id, stage, title), what the
        consistency check (search.consistency) compares with the database."""
        raise NotImplementedError

    def cleanup(self, *, keep=()) -> list[str]:
        """Undo what a killed rebuild left behind (indices it was filling, except those in
        `keep`; settings it changed); returns what was removed or restored."""
        return []

    def accepting(self) -> bool:
        """False while the engine is known to be failing (its circuit breaker is open): index
        updates then wait in the outbox without asking it."""
        return True

    def retry_now(self) -> None:
        """Forget the engine's recent failures (its circuit breaker closes)."""

    def refresh(self) -> None:
        """Make everything written so far visible to searches (a no-op where it already is)."""

    # -- the steps every engine shares ---------------------------------------------------------

    @staticmethod
    def _empty(request: SearchRequest) -> SearchResult:
        return SearchResult(total=0, hits=[], facets={f: [] for f in FACETS} if request.facets
                            else {}, page=request.page, per_page=request.per_page)

    @staticmethod
    def _page_size(request: SearchRequest) -> int:
        """How many hits the page shows: none past the result window (MAX_RESULT_WINDOW)."""
        return max(0, min(request.per_page, MAX_RESULT_WINDOW - request.offset))

    @staticmethod
    def _hit(entry: Entry, score: float | None, request: SearchRequest) -> Hit:
        hit = Hit(entry=entry, score=score)
        if request.highlight:
            hit.title = mark(entry.title, request.query)
            hit.snippets = snippets(entry.text, request.query)
        return hit

    @staticmethod
    def _facet_values(counts: dict, labels: dict) -> dict[str, list[FacetValue]]:
        """The facets in their order: most frequent first (ties by value), years newest first;
        counts maps each facet name to {value: count}, labels an agency id to its name."""
        facets = {}
        for name in FACETS:
            values = counts.get(name, {})
            if name == "year":
                ordered = sorted(values.items(), key=lambda kv: -kv[0])
            else:
                ordered = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
            facets[name] = [
                FacetValue(value=v, count=n, label=labels.get(v, "") if name == "agency" else "")
                for v, n in ordered
            ]
        return facets

    def _index_batches(self, entries, *, progress, batch_size) -> int:
        done = 0
        batch: list[Entry] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) >= batch_size:
                done += self.index(batch)
                batch = []
                if progress:
                    progress(done)
        if batch:
            done += self.index(batch)
            if progress:
                progress(done)
        return done
