"""The full-text index of the database backend, in the form the database in use offers.

SQLite: a contentless FTS5 table whose rowids are search_entry ids. It holds only the index (the
original text is in search_entry_text); the indexed text is already folded by the application
(search.normalization), so the plain unicode61 tokenizer without its own diacritic removal is used.
PostgreSQL: a tsvector column built with the `simple` configuration from the same folded text, and
a GIN index on it.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 0')",
    # Title words weigh three times the body's in the ranking.
    "INSERT INTO search_entry_fts(search_entry_fts, rank) VALUES('rank', 'bm25(3.0, 1.0)')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_entry_fts"]
POSTGRES_FORWARD = [
    "ALTER TABLE search_entry ADD COLUMN document tsvector",
    "CREATE INDEX search_entry_document ON search_entry USING GIN (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
