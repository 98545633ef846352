"""A row written to an outbox wakes the workers (config/operations/wakeups.py).

Each outbox table gets a trigger that, after an insert, tells the workers which job applies it:
- PostgreSQL: it notifies the channel `dossierflow_jobs` with the job's name; PostgreSQL delivers
  the notification when the transaction that wrote the rows commits, never for one rolled back;
- SQLite, which has no notifications: it counts the job's insert in the table
  `dossierflow_wakeups` (one row per job), which an idle worker reads every few milliseconds;
  the count too is seen only once committed.
"""

from django.db import migrations

# The outbox (app label, model) -> the job that applies it (settings.WORKER_JOBS).
OUTBOXES = {
    ("workflow", "FollowUp"): "workflow.jobs.run_follow_ups",
    ("search", "OutboxEntry"): "search.jobs.run_search_outbox",
    ("notifications", "Delivery"): "workflow.notifications.jobs.run_mail_deliveries",
    ("api", "WebhookDelivery"): "config.api.jobs.run_webhook_deliveries",
    ("documents", "Rendition"): "documents.jobs.run_pdf_renditions",
}
PG_FUNCTION = "dossierflow_wake_workers"


def _tables(apps):
    for (app_label, model), job in OUTBOXES.items():
        yield apps.get_model(app_label, model)._meta.db_table, job


def create_triggers(apps, schema_editor):
    vendor, quote = schema_editor.connection.vendor, schema_editor.quote_name
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN PERFORM pg_notify('dossierflow_jobs', TG_ARGV[0]); RETURN NULL; END $$"
        )
        for table, job in _tables(apps):
            schema_editor.execute(
                f"CREATE TRIGGER {PG_FUNCTION} AFTER INSERT ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('{job}')"
            )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE TABLE dossierflow_wakeups "
            "(job varchar(200) NOT NULL PRIMARY KEY, inserts integer NOT NULL DEFAULT 0)"
        )
        for table, job in _tables(apps):
            schema_editor.execute("INSERT INTO dossierflow_wakeups (job) VALUES (%s)", [job])
            schema_editor.execute(
                f"CREATE TRIGGER {quote('dossierflow_wake_' + table)} AFTER INSERT ON "
                f"{quote(table)} BEGIN UPDATE dossierflow_wakeups SET inserts = inserts + 1 "
                f"WHERE job = '{job}'; END"
            )


def drop_triggers(apps, schema_editor):
    vendor, quote = schema_editor.connection.vendor, schema_editor.quote_name
    for table, _job in _tables(apps):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {PG_FUNCTION} ON {quote(table)}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote('dossierflow_wake_' + table)}")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS dossierflow_wakeups")


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("workflow", "0010_follow_ups"),
        ("search", "0005_outbox_claims_and_rebuilds"),
        ("notifications", "0001_initial"),
        ("api", "0001_initial"),
        ("documents", "0004_form_keys_by_age"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
