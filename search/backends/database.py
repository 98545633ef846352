"""The default backend: the database's own full-text index, no server to run.

What both databases share lives here: the tables `search_entry` (the metadata of each entry) and
`search_entry_text` (its original text), written with plain SQL, and the searches without words
(filters only), answered by the ORM. The full-text index beside them is the database's own:
`sqlite.SqliteBackend` (an FTS5 table) and `postgres.PostgresBackend` (a tsvector column, through
django.contrib.postgres.search). `for_database(using)` picks the one of a connection.

Both take the folded text from search.normalization, so they match exactly what the
Elasticsearch backend matches.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import Count, F, Max
from django.db.models.functions import Substr

from ..models import IndexEntry, IndexEntryText
from .base import FACETS, SNIPPET_TEXT_CHARS, Backend, Entry, Health, SearchRequest, SearchResult

COLUMNS = (
    "key, dossier_id, agency_id, agency_name, kind, stage, doc_type, year, date, "
    "decision_key, decision_number, title"
)
# What a hit is built from, in this order (entry_from): the entry id first.
HIT_FIELDS = ("id", "key", "dossier_id", "agency_id", "agency_name", "kind", "stage", "doc_type",
              "date", "decision_number", "title")
SELECT = ", ".join(f"e.{name}" for name in HIT_FIELDS)


def row_of(entry: Entry) -> tuple:
    """The values of COLUMNS for an entry."""
    return (
        entry.key, entry.dossier_id, entry.agency_id, entry.agency_name, entry.kind,
        entry.stage, entry.doc_type, entry.year, entry.date, entry.decision_key,
        entry.decision_number, entry.title,
    )


def as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def entry_from(row, text: str) -> Entry:
    """The entry of a row of HIT_FIELDS (its id left out)."""
    (_id, key, dossier_id, agency_id, agency_name, kind, stage, doc_type, date,
     decision_number, title) = row
    return Entry(key=key, dossier_id=dossier_id, agency_id=agency_id, agency_name=agency_name,
                 kind=kind, stage=stage, doc_type=doc_type, date=as_date(date),
                 decision_number=decision_number, title=title, text=text)


def for_database(using: str = "default") -> "DatabaseBackend":
    """The database backend of this connection's database."""
    vendor = connections[using].vendor
    if vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend(using)
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(using)
    raise NotImplementedError(f"no full-text index for {vendor}")


class DatabaseBackend(Backend):
    name = "database"
    engine = "database"  # what health() calls the full-text index

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        return connections[self.using]

    # -- writing: what each database adds to these steps is in its own module -----------------

    def index(self, entries: Iterable[Entry]) -> int:
        entries = list({e.key: e for e in entries}.values())
        if not entries:
            return 0
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            state = self._prepare(cursor)
            existing = self._existing(cursor, [e.key for e in entries])
            for entry in entries:
                old = existing.get(entry.key)
                if old is None:
                    self._insert(cursor, entry, state)
                else:
                    self._update(cursor, old, entry, state)
            self._touch(cursor)
        return len(entries)

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            for old in self._existing(cursor, keys).values():
                self._unindex(cursor, old)
                cursor.execute("DELETE FROM search_entry_text WHERE entry_id = %s", [old[0]])
                cursor.execute("DELETE FROM search_entry WHERE id = %s", [old[0]])
            self._touch(cursor)

    def replace_dossier(self, dossier_id: int, entries: list[Entry]) -> None:
        keep = {e.key for e in entries}
        with transaction.atomic(using=self.using):
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT key FROM search_entry WHERE dossier_id = %s", [dossier_id])
                gone = [key for (key,) in cursor.fetchall() if key not in keep]
            self.delete(gone)
            self.index(entries)

    def clear(self) -> None:
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry_text")
            cursor.execute("DELETE FROM search_entry")
            self._clear_index(cursor)
            self._touch(cursor)

    def keys(self) -> dict[str, tuple]:
        rows = IndexEntry.objects.using(self.using).values_list(
            "key", "dossier_id", "agency_id", "stage", "title")
        return {key: tuple(rest) for key, *rest in rows}

    def _existing(self, cursor, keys) -> dict[str, tuple]:
        """(id, key, title, text, index row id) of the entries with these keys."""
        found = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT e.id, e.key, e.title, t.text, {self._index_rowid} FROM search_entry e "
                f"LEFT JOIN search_entry_text t ON t.entry_id = e.id WHERE e.key IN ({marks})",
                chunk,
            )
            for row in cursor.fetchall():
                found[row[1]] = row
        return found

    _index_rowid = "NULL"

    def _prepare(self, cursor):
        """What the writes of one transaction need (SQLite: its facet codes), passed to each."""
        return None

    def _touch(self, cursor) -> None:
        """Mark the index changed, in the transaction that changes it (SQLite's facet cache)."""

    def _clear_index(self, cursor) -> None:
        """Empty what the database keeps beside search_entry."""

    def _insert(self, cursor, entry: Entry, state) -> None:
        raise NotImplementedError

    def _update(self, cursor, old: tuple, entry: Entry, state) -> None:
        raise NotImplementedError

    def _unindex(self, cursor, old: tuple) -> None:
        """Take an entry out of the full-text index before its rows are deleted."""

    # -- searching ------------------------------------------------------------------------------

    def _entries(self, request: SearchRequest):
        """The entries the user may see that pass the filters (no words: see _search)."""
        rows = IndexEntry.objects.using(self.using)
        filters, visible = request.filters, request.visible_agency_ids
        if visible is not None:
            rows = rows.filter(agency_id__in=sorted(visible))
        for field, values in (("agency_id", filters.agency_ids), ("kind", filters.kinds),
                              ("stage", filters.stages), ("doc_type", filters.doc_types)):
            if values:
                rows = rows.filter(**{f"{field}__in": list(values)})
        if filters.decision_key:
            rows = rows.filter(decision_key=filters.decision_key)
        if filters.date_from:
            rows = rows.filter(date__gte=filters.date_from)
        if filters.date_to:
            rows = rows.filter(date__lte=filters.date_to)
        return rows

    def _search(self, request: SearchRequest) -> SearchResult:
        """A search by filters alone, newest first (a search with words: each database's own)."""
        rows = self._entries(request)
        return self._result(request, rows, rows.order_by(F("date").desc(nulls_last=True), "-id"),
                            score=None)

    def _result(self, request: SearchRequest, rows, ordered, *, score) -> SearchResult:
        """The page of `ordered` (with its `score` annotation, if any), the total and facets of
        `rows`."""
        size = self._page_size(request)
        fields = (*HIT_FIELDS, score) if score else HIT_FIELDS
        page = list(ordered.values_list(*fields)[request.offset:request.offset + size]) if size \
            else []
        if request.facets:
            total, facets = self._facets(rows)
        else:
            total, facets = rows.count(), {}
        texts = self.texts([row[0] for row in page]) if request.highlight else {}
        hits = [self._hit(entry_from(row[:len(HIT_FIELDS)], texts.get(row[0], "")),
                          row[-1] if score else None, request) for row in page]
        return SearchResult(total=total, hits=hits, facets=facets,
                            page=request.page, per_page=request.per_page)

    def _facets(self, rows):
        groups = (rows.order_by().values_list("agency_id", "kind", "stage", "year", "doc_type")
                  .annotate(name=Max("agency_name"), n=Count("id")))
        counts = {name: defaultdict(int) for name in FACETS}
        labels = {}
        total = 0
        for agency_id, kind, stage, year, doc_type, agency_name, n in groups:
            total += n
            counts["agency"][agency_id] += n
            labels[agency_id] = agency_name
            counts["kind"][kind] += n
            counts["stage"][stage] += n
            if year is not None:
                counts["year"][year] += n
            counts["doc_type"][doc_type] += n
        return total, self._facet_values(counts, labels)

    def texts(self, ids) -> dict[int, str]:
        """The opening of each entry's text (SNIPPET_TEXT_CHARS), for the snippets."""
        if not ids:
            return {}
        return dict(
            IndexEntryText.objects.using(self.using).filter(entry_id__in=list(ids))
            .annotate(head=Substr("text", 1, SNIPPET_TEXT_CHARS)).values_list("entry_id", "head")
        )

    # -- status ---------------------------------------------------------------------------------

    def health(self) -> Health:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM search_entry")
                count = cursor.fetchone()[0]
                self._probe(cursor)
        except Exception as error:  # noqa: BLE001 - any failure is what the status reports
            return Health(self.name, False, f"{type(error).__name__}: {error}")
        return Health(self.name, True, self.engine, entries=count)

    def _probe(self, cursor) -> None:
        """Ask the full-text index something, so that a broken one fails health()."""
