"""Close the review rounds past their deadline. Run daily from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from workflow import services


class Command(BaseCommand):
    help = "Close every open review round whose deadline has passed, and apply the tally."

    def handle(self, *args, **options):
        closed = services.close_due_rounds()
        self.stdout.write(f"Closed {closed} round(s) past their deadline.")
