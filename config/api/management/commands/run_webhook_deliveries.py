import time

from django.core.management.base import BaseCommand

from config.api.jobs import run_webhook_deliveries


class Command(BaseCommand):
    help = "Send the due webhook deliveries (once, or every SECONDS with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS", default=None)
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, loop=None, limit=100, **options):
        while True:
            sent = run_webhook_deliveries(limit=limit)
            self.stdout.write(f"{sent} deliveries attempted")
            if loop is None:
                return
            time.sleep(max(loop, 0.1))
