from django.core.management.base import BaseCommand

from workflow.dashboard.visits import rebuild_stage_visits


class Command(BaseCommand):
    help = "Derive the dashboard's stage visits again from the audit trail (after an import)."

    def handle(self, *args, **options):
        made = rebuild_stage_visits()
        self.stdout.write(f"{made} stage visits")
