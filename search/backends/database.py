"""The default backend: the database's own full-text index, no server to run.

SQLite: an FTS5 table (migration 0002) over the folded title and text, ranked by bm25, joined to
search_entry for the filters and facets. PostgreSQL: a `simple` tsvector column with a GIN index,
ranked by ts_rank. Both take the folded text from search.normalization, so they match exactly
what the Elasticsearch backend matches.

Why it is quick on SQLite (docs/search.md has the measurements):
- the FTS table is contentless: it holds the index only, the original text lives in
  search_entry_text and is read for the one page of hits being shown;
- its rowid is not the entry id but carries the entry's facet codes (migration 0003):
  (agency code << 47) | (group code << 32) | entry id, the group being kind, stage, document type
  and year. Totals, facet counts, the permission filter and the agency/kind/stage/type filters
  are therefore answered from the index alone: a common word matches a third of the corpus, and
  reading search_entry for each of those rows cost more than everything else together;
- the facets take one pass over the matches, without the sort of a GROUP BY (_FACET_SCAN), on a
  second connection in a worker thread while this one ranks (_beside): SQLite works without the
  GIL, so the two use both cores;
- `columnsize=0`: bm25 ranks without looking up each matching row's length (it weighs the title
  three times the text and saturates repeated words, but does not favour short texts), and
  `ORDER BY bm25(…) LIMIT k` keeps only the k best rows while scanning, where `ORDER BY rank`
  sorted every match;
- snippets are cut in Python from the page's hits only (search.highlight);
- a rebuild inserts with executemany and merges the index into one segment ('optimize').
"""

import datetime
import sqlite3
import threading
from bisect import bisect_right
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import transaction

from ..highlight import mark, snippets
from ..query import Clause, Query
from .base import (
    FACETS,
    MAX_RESULT_WINDOW,
    SNIPPET_TEXT_CHARS,
    Backend,
    Entry,
    FacetValue,
    Filters,
    Health,
    Hit,
    SearchRequest,
    SearchResult,
)

_COLUMNS = (
    "key, dossier_id, agency_id, agency_name, kind, stage, doc_type, year, date, "
    "decision_key, decision_number, title"
)
_SELECT = (
    "e.id, e.key, e.dossier_id, e.agency_id, e.agency_name, e.kind, e.stage, e.doc_type, e.date, "
    "e.decision_number, e.title"
)


def _row(entry: Entry) -> tuple:
    return (
        entry.key, entry.dossier_id, entry.agency_id, entry.agency_name, entry.kind,
        entry.stage, entry.doc_type, entry.year, entry.date, entry.decision_key,
        entry.decision_number, entry.title,
    )


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


# The SQLite FTS rowid: (agency code << 47) | (group code << 32) | entry id (migration 0003).
_AGENCY_SHIFT = 47
_GROUP_SHIFT = 32
_GROUP_MASK = (1 << 15) - 1
# Below the surrogates: the facet scan turns each code into one character (_FACET_SCAN).
_MAX_AGENCY_CODE = 0xD7FF
_MAX_ENTRY_ID = (1 << 32) - 1
_R = "search_entry_fts.rowid"
_AGENCY_OF = f"({_R} >> {_AGENCY_SHIFT})"
_GROUP_OF = f"(({_R} >> {_GROUP_SHIFT}) & {_GROUP_MASK})"
# The facet counts of a search in one pass over its matches, without the sort a GROUP BY needs:
# each match becomes two characters, its agency code and its group code, and Python counts the
# characters of the one string that comes back (_count_codes).
_FACET_SCAN = f"SELECT group_concat(char({_AGENCY_OF}, {_GROUP_OF}), '') FROM search_entry_fts"
_FTS_DELETE_ALL = "INSERT INTO search_entry_fts(search_entry_fts) VALUES('delete-all')"
# Index pages are read in place from the memory-mapped file instead of copied through SQLite's
# small page cache (a pragma of the connection, cheap to repeat).
_MMAP = "PRAGMA mmap_size = 1073741824"


def _entry_conditions(filters: Filters, prefix: str) -> tuple[list[str], list]:
    """The filters only search_entry holds: decision number and date range."""
    where, params = [], []
    for condition, value in (
        ("decision_key = %s", filters.decision_key),
        ("date >= %s", filters.date_from),
        ("date <= %s", filters.date_to),
    ):
        if value:
            where.append(prefix + condition)
            params.append(value)
    return where, params


class _Codes:
    """The dense codes of agencies and of (kind, stage, document type, year) groups that SQLite
    FTS rowids carry, read once a batch and added as new values appear."""

    def __init__(self, cursor):
        cursor.execute("SELECT agency_id, code, agency_name FROM search_fts_agency")
        self.agencies = {agency_id: (code, name) for agency_id, code, name in cursor.fetchall()}
        cursor.execute("SELECT kind, stage, doc_type, year, code FROM search_fts_group")
        self.groups = {tuple(row[:4]): row[4] for row in cursor.fetchall()}

    def rowid(self, cursor, entry_id: int, entry: Entry) -> int:
        if entry_id > _MAX_ENTRY_ID:
            raise OverflowError(f"search entry id {entry_id} does not fit the FTS rowid")
        return ((self.agency(cursor, entry.agency_id, entry.agency_name) << _AGENCY_SHIFT)
                | (self.group(cursor, entry) << _GROUP_SHIFT) | entry_id)

    def agency(self, cursor, agency_id: int, name: str) -> int:
        known = self.agencies.get(agency_id)
        if known is None:
            cursor.execute(
                "INSERT INTO search_fts_agency (agency_id, agency_name) VALUES (%s, %s)",
                [agency_id, name],
            )
            code = cursor.lastrowid
            if code > _MAX_AGENCY_CODE:
                raise OverflowError("too many agencies for the FTS rowid")
            known = self.agencies[agency_id] = (code, name)
        elif known[1] != name:
            cursor.execute("UPDATE search_fts_agency SET agency_name = %s WHERE code = %s",
                           [name, known[0]])
            known = self.agencies[agency_id] = (known[0], name)
        return known[0]

    def group(self, cursor, entry: Entry) -> int:
        key = (entry.kind, entry.stage, entry.doc_type, entry.year or 0)
        code = self.groups.get(key)
        if code is None:
            cursor.execute(
                "INSERT INTO search_fts_group (kind, stage, doc_type, year) "
                "VALUES (%s, %s, %s, %s)",
                list(key),
            )
            code = self.groups[key] = cursor.lastrowid
            if code > _GROUP_MASK:
                raise OverflowError("too many facet groups for the FTS rowid")
        return code


class DatabaseBackend(Backend):
    name = "database"

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        from django.db import connections

        return connections[self.using]

    @property
    def vendor(self) -> str:
        return self.connection.vendor

    # -- writing --------------------------------------------------------------------------------

    def index(self, entries: Iterable[Entry]) -> int:
        entries = list({e.key: e for e in entries}.values())
        if not entries:
            return 0
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            codes = _Codes(cursor) if self.vendor == "sqlite" else None
            existing = self._existing(cursor, [e.key for e in entries])
            for entry in entries:
                old = existing.get(entry.key)
                if old is None:
                    self._insert(cursor, entry, codes)
                else:
                    self._update(cursor, old, entry, codes)
            self._touch(cursor)
        return len(entries)

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            self._delete_rows(cursor, self._existing(cursor, keys).values())
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
            if self.vendor == "sqlite":
                cursor.execute(_FTS_DELETE_ALL)
            self._touch(cursor)

    def clear_if_empty(self) -> None:
        """SQLite: empty the FTS index when search_entry is empty (see receivers.tables_reset)."""
        if self.vendor != "sqlite":
            return
        if "search_fts_generation" not in self.connection.introspection.table_names():
            return  # not migrated this far yet
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM search_entry)")
            if not cursor.fetchone()[0]:
                cursor.execute(_FTS_DELETE_ALL)
                self._touch(cursor)

    def _touch(self, cursor) -> None:
        """SQLite: a new generation value, in the transaction that changes the index, so that no
        facet counts of the index's former state are reused (_FacetCache)."""
        if self.vendor == "sqlite":
            cursor.execute("UPDATE search_fts_generation SET value = abs(random())")

    def rebuild(self, entries: Iterator[Entry], *, progress=None, batch_size: int = 2000) -> int:
        """Empty the index and insert every entry, a batch a statement (executemany), without the
        per-entry existence checks."""
        self.clear()
        done = 0
        batch: list[Entry] = []
        if self.vendor == "sqlite":
            # No incremental merging while loading: the segments are merged once, at the end
            # ('optimize'), instead of over and over as they pile up.
            self._fts_config("automerge", 0)
            self._fts_config("crisismerge", 64)

        def flush():
            nonlocal done
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                self._insert_many(cursor, batch)
            done += len(batch)
            batch.clear()
            if progress:
                progress(done)

        for entry in entries:
            batch.append(entry)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        if self.vendor == "sqlite":
            self._fts_config("automerge", 4)
            self._fts_config("crisismerge", 16)
        self.optimize()
        return done

    def _fts_config(self, name: str, value: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts, rank) VALUES (%s, %s)",
                           [name, value])

    def _insert_many(self, cursor, entries: list[Entry]) -> None:
        if self.vendor != "sqlite":
            for entry in entries:
                self._insert(cursor, entry, None)
            return
        entries = list({e.key: e for e in entries}.values())
        codes = _Codes(cursor)
        self._touch(cursor)
        cursor.execute("SELECT coalesce(max(id), 0) FROM search_entry")
        first = cursor.fetchone()[0] + 1
        ids = range(first, first + len(entries))
        rowids = [codes.rowid(cursor, i, e) for i, e in zip(ids, entries, strict=True)]
        cursor.executemany(
            f"INSERT INTO search_entry (id, fts_rowid, {_COLUMNS}) VALUES "
            f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(i, r, *_row(e)) for i, r, e in zip(ids, rowids, entries, strict=True)],
        )
        cursor.executemany(
            "INSERT INTO search_entry_text (entry_id, text) VALUES (%s, %s)",
            [(i, e.text) for i, e in zip(ids, entries, strict=True)],
        )
        # In ascending rowid order: FTS5 flushes its pending terms to a new segment whenever a
        # rowid is lower than the previous one, and the facet codes make the order random.
        cursor.executemany(
            "INSERT INTO search_entry_fts (rowid, title, text) VALUES (%s, %s, %s)",
            sorted((r, e.title_folded, e.text_folded)
                   for r, e in zip(rowids, entries, strict=True)),
        )

    def refill_fts(self) -> None:
        """SQLite: index every stored entry again (after the FTS table was recreated)."""
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            codes = _Codes(cursor)
            cursor.execute(
                f"SELECT e.id, {_COLUMNS}, t.text FROM search_entry e "
                f"LEFT JOIN search_entry_text t ON t.entry_id = e.id"
            )
            for row in cursor.fetchall():
                (entry_id, key, dossier_id, agency_id, agency_name, kind, stage, doc_type, _year,
                 date, _decision_key, decision_number, title, text) = row
                entry = Entry(key=key, dossier_id=dossier_id, agency_id=agency_id,
                              agency_name=agency_name, kind=kind, stage=stage, doc_type=doc_type,
                              date=_date(date), decision_number=decision_number, title=title,
                              text=text or "")
                rowid = codes.rowid(cursor, entry_id, entry)
                cursor.execute("UPDATE search_entry SET fts_rowid = %s WHERE id = %s",
                               [rowid, entry_id])
                self._index_text(cursor, entry_id, rowid, entry)

    def optimize(self) -> None:
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # Merge the index into a single segment: each query then reads one doclist a term.
                cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES('optimize')")
            elif self.vendor == "postgresql":
                cursor.execute("ANALYZE search_entry")

    def _existing(self, cursor, keys) -> dict[str, tuple]:
        """(id, key, title, text, FTS rowid) of the entries with these keys."""
        found = {}
        rowid = "e.fts_rowid" if self.vendor == "sqlite" else "NULL"
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT e.id, e.key, e.title, t.text, {rowid} FROM search_entry e "
                f"LEFT JOIN search_entry_text t ON t.entry_id = e.id WHERE e.key IN ({marks})",
                chunk,
            )
            for row in cursor.fetchall():
                found[row[1]] = row
        return found

    def _insert(self, cursor, entry: Entry, codes) -> None:
        cursor.execute(
            f"INSERT INTO search_entry ({_COLUMNS}) VALUES "
            f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)" + self._returning(),
            _row(entry),
        )
        entry_id = self._inserted_id(cursor)
        cursor.execute(
            "INSERT INTO search_entry_text (entry_id, text) VALUES (%s, %s)", [entry_id, entry.text]
        )
        rowid = None
        if codes is not None:
            rowid = codes.rowid(cursor, entry_id, entry)
            cursor.execute("UPDATE search_entry SET fts_rowid = %s WHERE id = %s",
                           [rowid, entry_id])
        self._index_text(cursor, entry_id, rowid, entry)

    def _update(self, cursor, old: tuple, entry: Entry, codes) -> None:
        entry_id, _key, old_title, old_text, old_rowid = old
        rowid = codes.rowid(cursor, entry_id, entry) if codes is not None else None
        cursor.execute(
            "UPDATE search_entry SET dossier_id = %s, agency_id = %s, agency_name = %s, kind = %s, "
            "stage = %s, doc_type = %s, year = %s, date = %s, decision_key = %s, "
            "decision_number = %s, title = %s WHERE id = %s",
            [*_row(entry)[1:], entry_id],
        )
        # A transition usually changes only metadata: the text index is left alone when the text
        # is the same (and, on SQLite, the facets its rowid carries), which keeps the outbox cheap.
        same_text = old_title == entry.title and (old_text or "") == entry.text
        if same_text and rowid == old_rowid:
            return
        if not same_text:
            cursor.execute("UPDATE search_entry_text SET text = %s WHERE entry_id = %s",
                           [entry.text, entry_id])
        if codes is not None:
            self._unindex_text(cursor, old_rowid, old_title, old_text or "")
            cursor.execute("UPDATE search_entry SET fts_rowid = %s WHERE id = %s",
                           [rowid, entry_id])
        self._index_text(cursor, entry_id, rowid, entry)

    def _delete_rows(self, cursor, rows) -> None:
        for entry_id, _key, title, text, rowid in rows:
            if self.vendor == "sqlite":
                self._unindex_text(cursor, rowid, title, text or "")
            cursor.execute("DELETE FROM search_entry_text WHERE entry_id = %s", [entry_id])
            cursor.execute("DELETE FROM search_entry WHERE id = %s", [entry_id])

    def _returning(self) -> str:
        return " RETURNING id" if self.vendor == "postgresql" else ""

    def _inserted_id(self, cursor) -> int:
        if self.vendor == "postgresql":
            return cursor.fetchone()[0]
        return cursor.lastrowid

    def _index_text(self, cursor, entry_id: int, rowid: int | None, entry: Entry) -> None:
        if self.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_entry_fts (rowid, title, text) VALUES (%s, %s, %s)",
                [rowid, entry.title_folded, entry.text_folded],
            )
        else:
            # ts_delete of a leading filler word leaves a one-position gap between title and text,
            # so a phrase never matches across the two (as on the other engines, which keep them
            # in separate fields).
            cursor.execute(
                "UPDATE search_entry SET document = "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(ts_delete(to_tsvector('simple', 'zzgap ' || %s), 'zzgap'), 'B') "
                "WHERE id = %s",
                [entry.title_folded, entry.text_folded, entry_id],
            )

    def _unindex_text(self, cursor, rowid: int, title: str, text: str) -> None:
        # A contentless FTS5 table forgets a row only when told the exact tokens it indexed; the
        # folding is deterministic, so they are recomputed from the stored original.
        old = Entry(key="", dossier_id=0, agency_id=0, agency_name="", kind="", stage="",
                    doc_type="", title=title, text=text)
        cursor.execute(
            "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, text) "
            "VALUES ('delete', %s, %s, %s)",
            [rowid, old.title_folded, old.text_folded],
        )

    # -- searching ------------------------------------------------------------------------------

    def _tune(self, cursor) -> None:
        """Memory-map the database file for searches on SQLite (_MMAP)."""
        if self.vendor == "sqlite":
            cursor.execute(_MMAP)

    def search(self, request: SearchRequest) -> SearchResult:
        visible = request.visible_agency_ids
        if visible is not None and not visible:
            return self._empty(request)
        if self.vendor == "sqlite" and not request.query.is_empty:
            return self._search_fts(request)
        where, params = self._filters(request.filters, visible)
        match_sql, match_params = self._match(request.query)
        if match_sql:
            where = [match_sql, *where]
            params = [*match_params, *params]
        source = self._source(request.query)
        where_sql = " AND ".join(where) or "1=1"

        with self.connection.cursor() as cursor:
            self._tune(cursor)
            rows = self._page(cursor, request, source, where_sql, params)
            if request.facets:
                total, facets = self._facets(cursor, source, where_sql, params)
            else:
                cursor.execute(f"SELECT count(*) FROM {source} WHERE {where_sql}", params)
                total, facets = cursor.fetchone()[0], {}
            texts = self._texts(cursor, [row[0] for row in rows]) if request.highlight else {}
        hits = [self._hit(row, texts.get(row[0], ""), request) for row in rows]
        return SearchResult(total=total, hits=hits, facets=facets,
                            page=request.page, per_page=request.per_page)

    def _empty(self, request: SearchRequest) -> SearchResult:
        return SearchResult(total=0, hits=[], facets={f: [] for f in FACETS} if request.facets
                            else {}, page=request.page, per_page=request.per_page)

    def _texts(self, cursor, ids) -> dict[int, str]:
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT entry_id, substr(text, 1, %s) FROM search_entry_text "
            f"WHERE entry_id IN ({marks})",
            [SNIPPET_TEXT_CHARS, *ids],
        )
        return dict(cursor.fetchall())

    # SQLite with a query: everything but the page's own rows from the FTS table alone.

    def _search_fts(self, request: SearchRequest) -> SearchResult:
        with self.connection.cursor() as cursor:
            self._tune(cursor)
            condition = self._fts_filters(cursor, request.filters, request.visible_agency_ids)
            if condition is None:
                return self._empty(request)
            where, params = condition
            where_sql = " AND ".join(["search_entry_fts MATCH %s", *where])
            params = [fts5_expression(request.query), *params]
            scan = counted = None
            if request.facets:
                scan = f"{_FACET_SCAN} WHERE {where_sql}"
                key = self._facet_key(cursor, scan, params)
                counted = _facet_cache.get(key)
                beside = None if counted else self._beside(scan, params)
            rows = self._fts_page(cursor, request, where_sql, params)
            texts = self._texts(cursor, [row[0] for row in rows]) if request.highlight else {}
            # The snippets are cut while the facet scan, if it runs beside, goes on.
            hits = [self._hit(row, texts.get(row[0], ""), request) for row in rows]
            if scan is None:
                cursor.execute(f"SELECT count(*) FROM search_entry_fts WHERE {where_sql}", params)
                total, facets = cursor.fetchone()[0], {}
            else:
                if counted is None and beside is None:
                    cursor.execute(scan, params)
                    counted = _count_codes(cursor.fetchone()[0])
                elif counted is None:
                    counted = beside.result()
                _facet_cache.put(key, counted)
                total, facets = self._fts_facets(cursor, *counted)
        return SearchResult(total=total, hits=hits, facets=facets,
                            page=request.page, per_page=request.per_page)

    def _facet_key(self, cursor, scan: str, params: list) -> tuple | None:
        """What the facet counts of a search depend on: the database, the index's generation
        (_touch), the scan and its parameters. None inside a transaction, whose writes may yet be
        rolled back."""
        if self.connection.in_atomic_block:
            return None
        cursor.execute("SELECT value FROM search_fts_generation")
        return (self.connection.settings_dict["NAME"], cursor.fetchone()[0], scan, tuple(params))

    def _beside(self, sql: str, params: list) -> Future | None:
        """Run a read on a connection of its own in a worker thread, beside this one's ranking
        (SQLite lets go of the GIL while it works, so the two use two cores), when that connection
        sees what this one sees: a database another connection can open, and no transaction open
        here with writes it could not see. The two reads may see commits a few microseconds apart:
        a facet count can then differ by a document just written from the page of hits."""
        if not settings.SEARCH_SQLITE_PARALLEL or self.connection.in_atomic_block:
            return None
        params_of = self.connection.get_connection_params()
        database = str(params_of["database"])
        if database == ":memory:":
            return None
        return _reader_pool().submit(
            _scan_codes, database, bool(params_of.get("uri")), sql.replace("%s", "?"), params
        )

    def _fts_filters(self, cursor, filters: Filters, visible) -> tuple[list[str], list] | None:
        """Conditions on the FTS rowid for the filters; None when nothing can match."""
        conditions, params = [], []
        for ids in (sorted(visible) if visible is not None else (), filters.agency_ids):
            if ids:
                cursor.execute(
                    f"SELECT code FROM search_fts_agency WHERE agency_id IN "
                    f"({', '.join(['%s'] * len(ids))})",
                    list(ids),
                )
                found = [code for (code,) in cursor.fetchall()]
                if not found:
                    return None
                # Codes are integers from our own table: inlined, they cost nothing to bind.
                conditions.append(f"{_AGENCY_OF} IN ({', '.join(map(str, found))})")
        group_where, group_params = [], []
        for column, values in (("kind", filters.kinds), ("stage", filters.stages),
                               ("doc_type", filters.doc_types)):
            if values:
                group_where.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
                group_params.extend(values)
        if group_where:
            cursor.execute(
                f"SELECT code FROM search_fts_group WHERE {' AND '.join(group_where)}",
                group_params,
            )
            found = [code for (code,) in cursor.fetchall()]
            if not found:
                return None
            conditions.append(f"{_GROUP_OF} IN ({', '.join(map(str, found))})")
        # The decision number and the dates are not in the rowid: those entries are looked up.
        entry_where, entry_params = _entry_conditions(filters, "")
        params.extend(entry_params)
        if entry_where:
            conditions.append(
                f"{_R} IN (SELECT fts_rowid FROM search_entry WHERE {' AND '.join(entry_where)})"
            )
        return conditions, params

    def _fts_page(self, cursor, request, where_sql, params):
        limit = max(0, min(request.per_page, MAX_RESULT_WINDOW - request.offset))
        if limit == 0:
            return []
        if request.sort == "date":
            cursor.execute(
                f"SELECT {_SELECT}, NULL FROM search_entry_fts "
                f"JOIN search_entry e ON e.fts_rowid = {_R} WHERE {where_sql} "
                f"ORDER BY e.date DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s",
                [*params, limit, request.offset],
            )
            return cursor.fetchall()
        # bm25 with the weights of the migration (title 3, text 1); SQLite keeps the best
        # limit + offset rows while scanning.
        cursor.execute(
            f"SELECT {_R}, bm25(search_entry_fts, 3.0, 1.0) AS score FROM search_entry_fts "
            f"WHERE {where_sql} ORDER BY score, {_R} LIMIT %s OFFSET %s",
            [*params, limit, request.offset],
        )
        ranked = cursor.fetchall()
        if not ranked:
            return []
        marks = ", ".join(["%s"] * len(ranked))
        cursor.execute(
            f"SELECT {_SELECT}, e.fts_rowid FROM search_entry e WHERE e.fts_rowid IN ({marks})",
            [rowid for rowid, _score in ranked],
        )
        by_rowid = {row[-1]: row[:-1] for row in cursor.fetchall()}
        return [(*by_rowid[rowid], score) for rowid, score in ranked if rowid in by_rowid]

    def _fts_facets(self, cursor, total: int, agencies: Counter, groups: Counter):
        """The facets from the codes the facet scan counted (_count_codes)."""
        counts = {name: defaultdict(int) for name in FACETS}
        labels = {}
        if groups:
            cursor.execute(
                f"SELECT code, kind, stage, doc_type, year FROM search_fts_group "
                f"WHERE code IN ({', '.join(map(str, groups))})"
            )
            for code, kind, stage, doc_type, year in cursor.fetchall():
                n = groups[code]
                counts["kind"][kind] += n
                counts["stage"][stage] += n
                if year:
                    counts["year"][year] += n
                counts["doc_type"][doc_type] += n
            cursor.execute(
                f"SELECT code, agency_id, agency_name FROM search_fts_agency "
                f"WHERE code IN ({', '.join(map(str, agencies))})"
            )
            for code, agency_id, agency_name in cursor.fetchall():
                counts["agency"][agency_id] += agencies[code]
                labels[agency_id] = agency_name
        return total, self._facet_values(counts, labels)

    def _source(self, query: Query) -> str:
        if query.is_empty:
            return "search_entry e"
        if self.vendor == "sqlite":
            return "search_entry_fts f JOIN search_entry e ON e.id = f.rowid"
        return "search_entry e"

    def _page(self, cursor, request, source, where_sql, params):
        limit = max(0, min(request.per_page, MAX_RESULT_WINDOW - request.offset))
        if limit == 0:
            return []
        score_params = []
        if request.sort == "date" or request.query.is_empty:
            order, score = "e.date DESC NULLS LAST, e.id DESC", "NULL"
        elif self.vendor == "sqlite":
            # FTS5's own rank (bm25 with the weights set by the migration): FTS5 sorts inside the
            # virtual table and SQLite stops after the page.
            order, score = "f.rank", "f.rank"
        else:
            order, score = "score DESC, e.id", "ts_rank(e.document, to_tsquery('simple', %s))"
            score_params = [self._tsquery(request.query)]
        cursor.execute(
            f"SELECT {_SELECT}, {score} AS score FROM {source} WHERE {where_sql} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            [*score_params, *params, limit, request.offset],
        )
        return cursor.fetchall()

    def _facets(self, cursor, source, where_sql, params):
        cursor.execute(
            f"SELECT e.agency_id, max(e.agency_name), e.kind, e.stage, e.year, e.doc_type, "
            f"count(*) FROM {source} WHERE {where_sql} "
            f"GROUP BY e.agency_id, e.kind, e.stage, e.year, e.doc_type",
            params,
        )
        counts = {name: defaultdict(int) for name in FACETS}
        labels = {}
        total = 0
        for agency_id, agency_name, kind, stage, year, doc_type, n in cursor.fetchall():
            total += n
            counts["agency"][agency_id] += n
            labels[agency_id] = agency_name
            counts["kind"][kind] += n
            counts["stage"][stage] += n
            if year is not None:
                counts["year"][year] += n
            counts["doc_type"][doc_type] += n
        return total, self._facet_values(counts, labels)

    @staticmethod
    def _facet_values(counts, labels) -> dict[str, list[FacetValue]]:
        facets = {}
        for name, values in counts.items():
            ordered = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
            if name == "year":
                ordered = sorted(values.items(), key=lambda kv: -kv[0])
            facets[name] = [
                FacetValue(value=v, count=n, label=labels.get(v, "") if name == "agency" else "")
                for v, n in ordered
            ]
        return facets

    def _hit(self, row, text: str, request: SearchRequest) -> Hit:
        (entry_id, key, dossier_id, agency_id, agency_name, kind, stage, doc_type, date,
         decision_number, title, score) = row
        entry = Entry(key=key, dossier_id=dossier_id, agency_id=agency_id, agency_name=agency_name,
                      kind=kind, stage=stage, doc_type=doc_type, date=_date(date),
                      decision_number=decision_number, title=title, text=text)
        hit = Hit(entry=entry, score=-score if self.vendor == "sqlite" and score else score)
        if request.highlight:
            hit.title = mark(title, request.query)
            hit.snippets = snippets(text, request.query)
        return hit

    def _filters(self, filters: Filters, visible) -> tuple[list[str], list]:
        where, params = [], []

        def any_of(column, values):
            where.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)

        if visible is not None:
            any_of("e.agency_id", sorted(visible))
        if filters.agency_ids:
            any_of("e.agency_id", list(filters.agency_ids))
        if filters.kinds:
            any_of("e.kind", list(filters.kinds))
        if filters.stages:
            any_of("e.stage", list(filters.stages))
        if filters.doc_types:
            any_of("e.doc_type", list(filters.doc_types))
        entry_where, entry_params = _entry_conditions(filters, "e.")
        return [*where, *entry_where], [*params, *entry_params]

    def _match(self, query: Query) -> tuple[str | None, list]:
        if query.is_empty:
            return None, []
        if self.vendor == "sqlite":
            return "search_entry_fts MATCH %s", [fts5_expression(query)]
        return "e.document @@ to_tsquery('simple', %s)", [self._tsquery(query)]

    def _tsquery(self, query: Query) -> str:
        return tsquery_expression(query)

    # -- status ---------------------------------------------------------------------------------

    def health(self) -> Health:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM search_entry")
                count = cursor.fetchone()[0]
                if self.vendor == "sqlite":
                    # A contentless table without column sizes can only be asked a MATCH.
                    cursor.execute("SELECT count(*) FROM search_entry_fts "
                                   "WHERE search_entry_fts MATCH 'zzhealthzz'")
        except Exception as error:  # noqa: BLE001 - any failure is what the status reports
            return Health(self.name, False, f"{type(error).__name__}: {error}")
        engine = {"sqlite": "SQLite FTS5", "postgresql": "PostgreSQL text search"}.get(
            self.vendor, self.vendor
        )
        return Health(self.name, True, engine, entries=count)


class _FacetCache:
    """The facet counts of recent searches, by _facet_key: paging through the hits of a common
    word, or coming back to them, does not count them again (Elasticsearch's request cache does
    the same). A few hundred small entries, in each process."""

    def __init__(self, size: int = 256):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        if key is None:
            return None
        with self.lock:
            counted = self.entries.get(key)
            if counted is not None:
                self.entries.move_to_end(key)
            return counted

    def put(self, key, counted) -> None:
        if key is None:
            return
        with self.lock:
            self.entries[key] = counted
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_facet_cache = _FacetCache()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_readers = threading.local()


def _reader_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-reader")
        return _pool


def _count_codes(codes: str | None) -> tuple[int, Counter, Counter]:
    """The number of matches, and how many of them carry each agency code and each group code,
    from the facet scan's string (_FACET_SCAN)."""
    codes = codes or ""
    return len(codes) // 2, _runs(codes[0::2]), _ordinals(Counter(codes[1::2]))


def _runs(sorted_codes: str) -> Counter:
    """Counts of a string whose equal characters are together, as the agency codes are (FTS5
    returns matches in rowid order, and the agency is the rowid's top bits): one bisection a run
    instead of a dictionary update a match. Counted one by one if the runs say otherwise."""
    counts: Counter = Counter()
    start, previous = 0, ""
    while start < len(sorted_codes):
        char = sorted_codes[start]
        end = bisect_right(sorted_codes, char, start)
        # Sorted exactly when each run rises above the last and holds nothing else.
        if char <= previous or sorted_codes.count(char, start, end) != end - start:
            return _ordinals(Counter(sorted_codes))
        counts[char] = end - start
        start, previous = end, char
    return _ordinals(counts)


def _ordinals(counter: Counter) -> Counter:
    return Counter({ord(char): n for char, n in counter.items()})


def _scan_codes(database: str, uri: bool, sql: str, params: list):
    """The facet scan and its counting, on this worker thread's own read-only connection (the
    counting here too: it then overlaps the ranking, which runs without the GIL)."""
    connections = _readers.__dict__.setdefault("connections", {})
    connection = connections.get(database)
    if connection is None:
        connection = sqlite3.connect(database, uri=uri, timeout=20, isolation_level=None)
        connection.execute("PRAGMA query_only = 1")
        connection.execute(_MMAP)
        connections[database] = connection
    # fetchall steps the statement to its end, which resets it: no read lock is left behind.
    return _count_codes(connection.execute(sql, params).fetchall()[0][0])


def _fts5_clause(clause: Clause) -> str:
    # Tokens are letters and digits only (normalization.tokens), so quoting is all it takes to
    # keep FTS5 from reading AND/OR/NOT/NEAR or a column name in them.
    return '"' + " ".join(clause) + '"'


def fts5_expression(query: Query) -> str:
    positive = " AND ".join(
        "(" + " OR ".join(_fts5_clause(c) for c in group) + ")" for group in query.groups
    )
    if query.excluded:
        positive = f"({positive}) NOT (" + " OR ".join(map(_fts5_clause, query.excluded)) + ")"
    return positive


def _ts_clause(clause: Clause) -> str:
    return "(" + " <-> ".join(f"'{token}'" for token in clause) + ")"


def tsquery_expression(query: Query) -> str:
    parts = ["(" + " | ".join(_ts_clause(c) for c in group) + ")" for group in query.groups]
    parts += ["!" + _ts_clause(c) for c in query.excluded]
    return " & ".join(parts)
