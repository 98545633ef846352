"""manage.py search_process_outbox: apply the waiting index updates (for cron or a worker)."""

import time

from django.core.management.base import BaseCommand

from search import services


class Command(BaseCommand):
    help = "Apply the waiting search index updates."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="updates per batch")
        parser.add_argument("--force", action="store_true",
                            help="retry failed updates now instead of after their back-off")
        parser.add_argument("--loop", type=float, metavar="SECONDS",
                            help="keep going, sleeping this long when nothing is waiting")

    def handle(self, *args, **opts):
        while True:
            report = services.process_outbox(limit=opts["limit"], force=opts["force"])
            if report.applied or report.failed or opts["verbosity"] > 1:
                self.stdout.write(f"applied {report.applied}, failed {report.failed}, "
                                  f"skipped {report.skipped}")
            if opts["loop"] is None:
                if report.applied == opts["limit"]:
                    continue  # more may be waiting
                return
            if not (report.applied or report.failed):
                time.sleep(opts["loop"])
