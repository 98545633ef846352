"""The role groups and a policy per dossier kind exist from the start, for the admin to adjust."""

from django.db import migrations

ROLES = ["drafter", "secretary", "council_member", "appraiser", "approver", "clerk", "administrator"]
KINDS = ["plan", "investment_report", "project"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    KindPolicy = apps.get_model("workflow", "KindPolicy")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for kind in KINDS:
        KindPolicy.objects.get_or_create(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_audit_append_only"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
