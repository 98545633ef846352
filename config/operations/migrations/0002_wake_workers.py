"""PostgreSQL: a row written to an outbox wakes the workers (config/operations/wakeups.py).

Each outbox table gets a trigger that, after an insert, notifies the channel `dossierflow_jobs`
with the name of the job that drains it. PostgreSQL delivers the notification when the
transaction that wrote the rows commits, and never for one rolled back. SQLite has no
notifications: its worker polls, as before.
"""

from django.db import migrations

CHANNEL = "dossierflow_jobs"
FUNCTION = "dossierflow_wake_workers"
# The outbox (app label, model) -> the job that applies it (settings.WORKER_JOBS).
OUTBOXES = {
    ("workflow", "FollowUp"): "workflow.jobs.run_follow_ups",
    ("search", "OutboxEntry"): "search.jobs.run_search_outbox",
    ("notifications", "Delivery"): "workflow.notifications.jobs.run_mail_deliveries",
    ("api", "WebhookDelivery"): "config.api.jobs.run_webhook_deliveries",
    ("documents", "Rendition"): "documents.jobs.run_pdf_renditions",
}


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_ARGV[0]); RETURN NULL; END $$"
    )
    for (app_label, model), job in OUTBOXES.items():
        table = schema_editor.quote_name(apps.get_model(app_label, model)._meta.db_table)
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION} AFTER INSERT ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{job}')"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model in OUTBOXES:
        table = schema_editor.quote_name(apps.get_model(app_label, model)._meta.db_table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


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
