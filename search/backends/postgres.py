"""The database backend on PostgreSQL: a `simple` tsvector column of search_entry with a GIN index
(migration 0002), searched and ranked through django.contrib.postgres.search."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import F
from django.db.models.expressions import RawSQL

from ..query import Clause, Query
from .base import Entry, SearchRequest, SearchResult
from .database import COLUMNS, DatabaseBackend, row_of

# The column the migration adds; the model leaves it out, as SQLite has none.
_DOCUMENT = RawSQL('"search_entry"."document"', [], output_field=SearchVectorField())


def _ts_clause(clause: Clause) -> str:
    return "(" + " <-> ".join(f"'{token}'" for token in clause) + ")"


def tsquery_expression(query: Query) -> str:
    """The query as to_tsquery reads it. Tokens are letters and digits only
    (normalization.tokens), so quoting each keeps tsquery's operators out of them."""
    parts = ["(" + " | ".join(_ts_clause(c) for c in group) + ")" for group in query.groups]
    parts += ["!" + _ts_clause(c) for c in query.excluded]
    return " & ".join(parts)


class PostgresBackend(DatabaseBackend):
    engine = "PostgreSQL text search"

    def _insert(self, cursor, entry: Entry, state) -> None:
        cursor.execute(
            f"INSERT INTO search_entry ({COLUMNS}) VALUES "
            f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            row_of(entry),
        )
        entry_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO search_entry_text (entry_id, text) VALUES (%s, %s)", [entry_id, entry.text]
        )
        self._index_text(cursor, entry_id, entry)

    def _update(self, cursor, old: tuple, entry: Entry, state) -> None:
        entry_id, _key, old_title, old_text, _rowid = old
        cursor.execute(
            "UPDATE search_entry SET dossier_id = %s, agency_id = %s, agency_name = %s, kind = %s, "
            "stage = %s, doc_type = %s, year = %s, date = %s, decision_key = %s, "
            "decision_number = %s, title = %s WHERE id = %s",
            [*row_of(entry)[1:], entry_id],
        )
        # A transition usually changes only metadata: the text index is then left alone.
        if old_title == entry.title and (old_text or "") == entry.text:
            return
        cursor.execute("UPDATE search_entry_text SET text = %s WHERE entry_id = %s",
                       [entry.text, entry_id])
        self._index_text(cursor, entry_id, entry)

    def _index_text(self, cursor, entry_id: int, entry: Entry) -> None:
        # ts_delete of a leading filler word leaves a one-position gap between title and text,
        # so a phrase never matches across the two (as on the other engines, which keep them in
        # separate fields).
        cursor.execute(
            "UPDATE search_entry SET document = "
            "setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(ts_delete(to_tsvector('simple', 'zzgap ' || %s), 'zzgap'), 'B') "
            "WHERE id = %s",
            [entry.title_folded, entry.text_folded, entry_id],
        )

    def rebuild(self, entries, *, progress=None, batch_size: int = 500, on_target=None) -> int:
        done = super().rebuild(entries, progress=progress, batch_size=batch_size)
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")
        return done

    def _search(self, request: SearchRequest) -> SearchResult:
        if request.query.is_empty:
            return super()._search(request)
        query = SearchQuery(tsquery_expression(request.query), search_type="raw", config="simple")
        rows = self._entries(request).annotate(document=_DOCUMENT).filter(document=query)
        if request.sort == "date":
            return self._result(request, rows,
                                rows.order_by(F("date").desc(nulls_last=True), "-id"), score=None)
        ranked = rows.annotate(score=SearchRank(F("document"), query)).order_by("-score", "id")
        return self._result(request, rows, ranked, score="score")
