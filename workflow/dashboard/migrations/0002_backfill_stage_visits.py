from django.db import migrations


def backfill(apps, schema_editor):
    # The visits of dossiers that moved before this table existed, from their audit trail.
    from workflow.dashboard.visits import rebuild_stage_visits

    rebuild_stage_visits()


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_stage_visits")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
