"""The database backend on SQLite: a contentless FTS5 table (migrations 0002-0003) over the
folded title and text, ranked by bm25.

Why it is quick (docs/search.md has the measurements):
- the FTS table is contentless: it holds the index only, the original text lives in
  search_entry_text and is read for the one page of hits being shown;
- its rowid is not the entry id but carries the entry's facet codes (sqlite_rowid): the agency
  and the (kind, stage, document type, year) group. Totals, facet counts, the permission filter
  and the agency/kind/stage/type filters are therefore answered from the index alone: a common
  word matches a third of the corpus, and reading search_entry for each of those rows cost more
  than everything else together;
- the facets take one pass over the matches, without the sort of a GROUP BY, on a second
  connection in a worker thread while this one ranks (_beside): SQLite works without the GIL, so
  the two use both cores;
- `columnsize=0`: bm25 ranks without looking up each matching row's length, and
  `ORDER BY bm25(…) LIMIT k` keeps only the k best rows while scanning;
- snippets are cut in Python from the page's hits only (search.highlight);
- a rebuild inserts with executemany and merges the index into one segment ('optimize').
"""

from collections import Counter, defaultdict
from concurrent.futures import Future

from django.conf import settings
from django.db import transaction

from ..query import Clause, Query
from . import sqlite_rowid as scan
from .base import FACETS, Entry, Filters, SearchRequest, SearchResult
from .database import COLUMNS, SELECT, DatabaseBackend, entry_from, row_of

FTS_DELETE_ALL = "INSERT INTO search_entry_fts(search_entry_fts) VALUES('delete-all')"
_R = scan.ROWID
# FTS5's merging while entries are written; a rebuild turns it off and back on (_merging).
AUTOMERGE, CRISISMERGE = 4, 16


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


class SqliteBackend(DatabaseBackend):
    engine = "SQLite FTS5"
    _index_rowid = "e.fts_rowid"

    # -- writing --------------------------------------------------------------------------------

    def _prepare(self, cursor) -> scan.Codes:
        return scan.Codes(cursor)

    def _touch(self, cursor) -> None:
        """A new generation value, in the transaction that changes the index, so that no facet
        counts of the index's former state are reused (_facet_key)."""
        cursor.execute("UPDATE search_fts_generation SET value = abs(random())")

    def _clear_index(self, cursor) -> None:
        cursor.execute(FTS_DELETE_ALL)

    def clear_if_empty(self) -> None:
        """Empty the FTS index when search_entry is empty (see receivers.tables_reset)."""
        if "search_fts_generation" not in self.connection.introspection.table_names():
            return  # not migrated this far yet
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM search_entry)")
            if not cursor.fetchone()[0]:
                cursor.execute(FTS_DELETE_ALL)
                self._touch(cursor)

    def _insert(self, cursor, entry: Entry, codes: scan.Codes) -> None:
        cursor.execute(
            f"INSERT INTO search_entry ({COLUMNS}) VALUES "
            f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            row_of(entry),
        )
        entry_id = cursor.lastrowid
        cursor.execute(
            "INSERT INTO search_entry_text (entry_id, text) VALUES (%s, %s)", [entry_id, entry.text]
        )
        rowid = codes.rowid(cursor, entry_id, entry)
        cursor.execute("UPDATE search_entry SET fts_rowid = %s WHERE id = %s", [rowid, entry_id])
        self._index_text(cursor, rowid, entry)

    def _update(self, cursor, old: tuple, entry: Entry, codes: scan.Codes) -> None:
        entry_id, _key, old_title, old_text, old_rowid = old
        rowid = codes.rowid(cursor, entry_id, entry)
        cursor.execute(
            "UPDATE search_entry SET dossier_id = %s, agency_id = %s, agency_name = %s, kind = %s, "
            "stage = %s, doc_type = %s, year = %s, date = %s, decision_key = %s, "
            "decision_number = %s, title = %s WHERE id = %s",
            [*row_of(entry)[1:], entry_id],
        )
        # A transition usually changes only metadata: the text index is left alone when the text
        # and the facets its rowid carries are the same, which keeps the outbox cheap.
        same_text = old_title == entry.title and (old_text or "") == entry.text
        if same_text and rowid == old_rowid:
            return
        if not same_text:
            cursor.execute("UPDATE search_entry_text SET text = %s WHERE entry_id = %s",
                           [entry.text, entry_id])
        self._unindex(cursor, old)
        cursor.execute("UPDATE search_entry SET fts_rowid = %s WHERE id = %s", [rowid, entry_id])
        self._index_text(cursor, rowid, entry)

    def _index_text(self, cursor, rowid: int, entry: Entry) -> None:
        cursor.execute(
            "INSERT INTO search_entry_fts (rowid, title, text) VALUES (%s, %s, %s)",
            [rowid, entry.title_folded, entry.text_folded],
        )

    def _unindex(self, cursor, old: tuple) -> None:
        # A contentless FTS5 table forgets a row only when told the exact tokens it indexed; the
        # folding is deterministic, so they are recomputed from the stored original.
        _id, _key, title, text, rowid = old
        gone = Entry(key="", dossier_id=0, agency_id=0, agency_name="", kind="", stage="",
                     doc_type="", title=title, text=text or "")
        cursor.execute(
            "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, text) "
            "VALUES ('delete', %s, %s, %s)",
            [rowid, gone.title_folded, gone.text_folded],
        )

    def rebuild(self, entries, *, progress=None, batch_size: int = 2000, on_target=None) -> int:
        """Empty the index and insert every entry, a batch a short transaction (executemany), so
        that other writers wait a moment at most. Merging is off while loading: the segments
        are merged once, at the end ('optimize'), instead of over and over as they pile up; a
        rebuild that stops half way turns it back on (restore_merging runs first in the next)."""
        self.clear()
        done = 0
        batch: list[Entry] = []
        self._merging(0, 64)
        try:
            for entry in entries:
                batch.append(entry)
                if len(batch) >= batch_size:
                    done += self._insert_batch(batch)
                    batch = []
                    if progress:
                        progress(done)
            if batch:
                done += self._insert_batch(batch)
                if progress:
                    progress(done)
        finally:
            self.restore_merging()
        self.optimize()
        return done

    def _merging(self, automerge: int, crisismerge: int) -> None:
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            for name, value in (("automerge", automerge), ("crisismerge", crisismerge)):
                cursor.execute(
                    "INSERT INTO search_entry_fts(search_entry_fts, rank) VALUES (%s, %s)",
                    [name, value],
                )

    def restore_merging(self) -> None:
        self._merging(AUTOMERGE, CRISISMERGE)

    def cleanup(self, *, keep=()) -> list[str]:
        """Merging back on, if a rebuild killed half way left it off."""
        if self.merging_is_on():
            return []
        self.restore_merging()
        return ["FTS5 automerge"]

    def merging_is_on(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT v FROM search_entry_fts_config WHERE k = 'automerge'")
            row = cursor.fetchone()
        return row is None or row[0] != 0

    def _insert_batch(self, entries: list[Entry]) -> int:
        """Insert a batch; entries already there (written by an index update while the rebuild
        runs) are updated instead."""
        entries = list({e.key: e for e in entries}.values())
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            codes = self._prepare(cursor)
            self._touch(cursor)
            existing = self._existing(cursor, [e.key for e in entries])
            for entry in entries:
                if entry.key in existing:
                    self._update(cursor, existing[entry.key], entry, codes)
            entries = [e for e in entries if e.key not in existing]
            cursor.execute("SELECT coalesce(max(id), 0) FROM search_entry")
            first = cursor.fetchone()[0] + 1
            ids = range(first, first + len(entries))
            rowids = [codes.rowid(cursor, i, e) for i, e in zip(ids, entries, strict=True)]
            cursor.executemany(
                f"INSERT INTO search_entry (id, fts_rowid, {COLUMNS}) VALUES "
                f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(i, r, *row_of(e)) for i, r, e in zip(ids, rowids, entries, strict=True)],
            )
            cursor.executemany(
                "INSERT INTO search_entry_text (entry_id, text) VALUES (%s, %s)",
                [(i, e.text) for i, e in zip(ids, entries, strict=True)],
            )
            # In ascending rowid order: FTS5 flushes its pending terms to a new segment whenever
            # a rowid is lower than the previous one, and the facet codes make the order random.
            cursor.executemany(
                "INSERT INTO search_entry_fts (rowid, title, text) VALUES (%s, %s, %s)",
                sorted((r, e.title_folded, e.text_folded)
                       for r, e in zip(rowids, entries, strict=True)),
            )
        return len(existing) + len(entries)

    def optimize(self) -> None:
        """Merge the index into a single segment: each query then reads one doclist a term."""
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES('optimize')")

    # -- searching: with words, everything but the page's own rows from the FTS table alone ----

    def _search(self, request: SearchRequest) -> SearchResult:
        if request.query.is_empty:
            return super()._search(request)
        with self.connection.cursor() as cursor:
            cursor.execute(scan.MMAP)
            condition = self._fts_filters(cursor, request.filters, request.visible_agency_ids)
            if condition is None:
                return self._empty(request)
            where, params = condition
            where_sql = " AND ".join(["search_entry_fts MATCH %s", *where])
            params = [fts5_expression(request.query), *params]
            facet_scan = counted = beside = None
            if request.facets:
                facet_scan = f"{scan.FACET_SCAN} WHERE {where_sql}"
                key = self._facet_key(cursor, facet_scan, params)
                counted = scan.facet_cache.get(key)
                beside = None if counted else self._beside(facet_scan, params)
            rows = self._fts_page(cursor, request, where_sql, params)
            texts = self.texts([row[0] for row in rows]) if request.highlight else {}
            # The snippets are cut while the facet scan, if it runs beside, goes on.
            hits = [self._hit(entry_from(row[:-1], texts.get(row[0], "")),
                              -row[-1] if row[-1] else None, request) for row in rows]
            if facet_scan is None:
                cursor.execute(f"SELECT count(*) FROM search_entry_fts WHERE {where_sql}", params)
                total, facets = cursor.fetchone()[0], {}
            else:
                if counted is None and beside is None:
                    cursor.execute(facet_scan, params)
                    counted = scan.count_codes(cursor.fetchone()[0])
                elif counted is None:
                    counted = beside.result()
                scan.facet_cache.put(key, counted)
                total, facets = self._fts_facets(cursor, *counted)
        return SearchResult(total=total, hits=hits, facets=facets,
                            page=request.page, per_page=request.per_page)

    def _facet_key(self, cursor, sql: str, params: list) -> tuple | None:
        """What the facet counts of a search depend on: the database, the index's generation
        (_touch), the scan and its parameters. None inside a transaction, whose writes may yet be
        rolled back."""
        if self.connection.in_atomic_block:
            return None
        cursor.execute("SELECT value FROM search_fts_generation")
        return (self.connection.settings_dict["NAME"], cursor.fetchone()[0], sql, tuple(params))

    def _beside(self, sql: str, params: list) -> Future | None:
        """Run a read on a connection of its own in a worker thread, beside this one's ranking,
        when that connection sees what this one sees: a database another connection can open,
        and no transaction open here with writes it could not see. The two reads may see commits
        a few microseconds apart: a facet count can then differ by a document just written from
        the page of hits."""
        if not settings.SEARCH_SQLITE_PARALLEL or self.connection.in_atomic_block:
            return None
        params_of = self.connection.get_connection_params()
        database = str(params_of["database"])
        if database == ":memory:":
            return None
        return scan.reader_pool().submit(
            scan.scan_codes, database, bool(params_of.get("uri")), sql.replace("%s", "?"), params
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
                conditions.append(f"{scan.AGENCY_OF} IN ({', '.join(map(str, found))})")
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
            conditions.append(f"{scan.GROUP_OF} IN ({', '.join(map(str, found))})")
        # The decision number and the dates are not in the rowid: those entries are looked up.
        entry_where = []
        for condition, value in (("decision_key = %s", filters.decision_key),
                                 ("date >= %s", filters.date_from),
                                 ("date <= %s", filters.date_to)):
            if value:
                entry_where.append(condition)
                params.append(value)
        if entry_where:
            conditions.append(
                f"{_R} IN (SELECT fts_rowid FROM search_entry WHERE {' AND '.join(entry_where)})"
            )
        return conditions, params

    def _fts_page(self, cursor, request, where_sql, params):
        """The page's rows (SELECT's columns, then the bm25 score, or None by date)."""
        limit = self._page_size(request)
        if limit == 0:
            return []
        if request.sort == "date":
            cursor.execute(
                f"SELECT {SELECT}, NULL FROM search_entry_fts "
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
            f"SELECT {SELECT}, e.fts_rowid FROM search_entry e WHERE e.fts_rowid IN ({marks})",
            [rowid for rowid, _score in ranked],
        )
        by_rowid = {row[-1]: row[:-1] for row in cursor.fetchall()}
        return [(*by_rowid[rowid], score) for rowid, score in ranked if rowid in by_rowid]

    def _fts_facets(self, cursor, total: int, agencies: Counter, groups: Counter):
        """The facets from the codes the facet scan counted (sqlite_rowid.count_codes)."""
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

    # -- status ---------------------------------------------------------------------------------

    def health(self):
        health = super().health()
        if health.ok and not self.merging_is_on():
            health.ok = False
            health.detail += ("; FTS merging is off, left so by a rebuild that did not finish "
                              "(search_check --repair turns it back on)")
        return health

    def _probe(self, cursor) -> None:
        # A contentless table without column sizes can only be asked a MATCH.
        cursor.execute("SELECT count(*) FROM search_entry_fts WHERE search_entry_fts MATCH "
                       "'zzhealthzz'")
