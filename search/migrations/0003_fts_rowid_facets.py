"""SQLite: the FTS5 table's rowid carries the entry's facet codes, and it keeps no column sizes.

The rowid of an entry in search_entry_fts is (agency code << 47) | (group code << 32) | entry id,
where the agency code (search_fts_agency) and the group code (search_fts_group: kind, stage,
document type, year) are small dense integers. Totals, facet counts and the permission filter are
then answered from the full-text index alone, without reading search_entry for every match
(backends/sqlite.py says why this matters). `columnsize=0`: bm25 then ranks without the
per-row length lookup, which cost more than the matching itself. The index is refilled from the
stored texts.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE search_fts_agency (code INTEGER PRIMARY KEY, agency_id INTEGER NOT NULL UNIQUE, "
    "agency_name TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE search_fts_group (code INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
    "stage TEXT NOT NULL, doc_type TEXT NOT NULL, year INTEGER NOT NULL, "
    "UNIQUE (kind, stage, doc_type, year))",
    "ALTER TABLE search_entry ADD COLUMN fts_rowid INTEGER",
    "CREATE UNIQUE INDEX search_entry_fts_rowid ON search_entry (fts_rowid)",
    "DROP TABLE IF EXISTS search_entry_fts",
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, text, content='', columnsize=0, tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO search_entry_fts(search_entry_fts, rank) VALUES('rank', 'bm25(3.0, 1.0)')",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS search_entry_fts",
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO search_entry_fts(search_entry_fts, rank) VALUES('rank', 'bm25(3.0, 1.0)')",
    "DROP INDEX IF EXISTS search_entry_fts_rowid",
    "ALTER TABLE search_entry DROP COLUMN fts_rowid",
    "DROP TABLE IF EXISTS search_fts_group",
    "DROP TABLE IF EXISTS search_fts_agency",
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    for sql in SQLITE_FORWARD:
        schema_editor.execute(sql)
    _refill(connection)


# The rowid layout as this migration made it (the backend reads the same layout at run time).
AGENCY_SHIFT, GROUP_SHIFT = 47, 32


def _refill(connection):
    """Index every stored entry again, under the new rowids (written here rather than imported
    from the backend, so that this migration keeps doing what it did whatever the backend
    becomes)."""
    from search.normalization import fold_text

    agencies, groups = {}, {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT e.id, e.agency_id, e.agency_name, e.kind, e.stage, e.doc_type, "
                       "e.year, e.title, t.text FROM search_entry e "
                       "LEFT JOIN search_entry_text t ON t.entry_id = e.id")
        for entry_id, agency_id, name, kind, stage, doc_type, year, title, text in (
            cursor.fetchall()
        ):
            if agency_id not in agencies:
                cursor.execute("INSERT INTO search_fts_agency (agency_id, agency_name) "
                               "VALUES (%s, %s)", [agency_id, name])
                agencies[agency_id] = cursor.lastrowid
            group = (kind, stage, doc_type, year or 0)
            if group not in groups:
                cursor.execute("INSERT INTO search_fts_group (kind, stage, doc_type, year) "
                               "VALUES (%s, %s, %s, %s)", list(group))
                groups[group] = cursor.lastrowid
            rowid = (agencies[agency_id] << AGENCY_SHIFT) | (groups[group] << GROUP_SHIFT) | entry_id
            cursor.execute("UPDATE search_entry SET fts_rowid = %s WHERE id = %s",
                           [rowid, entry_id])
            cursor.execute("INSERT INTO search_entry_fts (rowid, title, text) VALUES (%s, %s, %s)",
                           [rowid, fold_text(title), fold_text(text or "")])


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    for sql in SQLITE_BACKWARD:
        schema_editor.execute(sql)
    # The old table's rowids were the entry ids.
    from search.normalization import fold_text

    with connection.cursor() as cursor:
        cursor.execute("SELECT e.id, e.title, t.text FROM search_entry e "
                       "LEFT JOIN search_entry_text t ON t.entry_id = e.id")
        rows = [(i, fold_text(title), fold_text(text or "")) for i, title, text in cursor.fetchall()]
        cursor.executemany(
            "INSERT INTO search_entry_fts (rowid, title, text) VALUES (%s, %s, %s)", rows
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]

    operations = [migrations.RunPython(forward, backward)]
