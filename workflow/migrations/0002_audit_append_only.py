"""The audit trail is append-only in the database itself, not only in the ORM.

UPDATE is refused on both databases. DELETE is refused on PostgreSQL; TRUNCATE stays possible
there for an operator (and for test database flushes). SQLite's flush deletes row by row, so
there the ORM alone refuses deletes (AuditEntry's queryset and model).
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER workflow_auditentry_no_update BEFORE UPDATE ON workflow_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
]
POSTGRES = [
    """CREATE FUNCTION workflow_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER workflow_auditentry_append_only BEFORE UPDATE OR DELETE
       ON workflow_auditentry FOR EACH STATEMENT EXECUTE FUNCTION workflow_auditentry_append_only()""",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS workflow_auditentry_no_update")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS workflow_auditentry_append_only ON workflow_auditentry"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS workflow_auditentry_append_only()")


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
