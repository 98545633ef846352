"""SQLite: a value that changes with every write to the search index, so that facet counts
computed for one state of the index are reused only while the index stays in that state
(backends/sqlite.py, _facet_key). A random value rather than a counter: a database restored
from a copy can then never meet counts computed for another state under the same value."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE search_fts_generation (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "value INTEGER NOT NULL)",
    "INSERT INTO search_fts_generation (id, value) VALUES (1, abs(random()))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts_generation")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_fts_rowid_facets")]
    operations = [migrations.RunPython(forward, backward)]
