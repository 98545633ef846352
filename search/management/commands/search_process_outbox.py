"""manage.py search_process_outbox: apply the waiting index updates (for cron or a worker)."""

import time

from django.core.management.base import BaseCommand

from search import outbox

# While the engine fails, the loop waits twice as long each time, up to this (seconds).
MAX_WAIT = 300.0


class Command(BaseCommand):
    help = "Apply the waiting search index updates."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="updates per batch")
        parser.add_argument("--force", action="store_true",
                            help="retry failed updates now instead of after their back-off")
        parser.add_argument("--loop", type=float, metavar="SECONDS",
                            help="keep going, sleeping this long when nothing is waiting (and "
                                 "longer, backing off, while the engine fails)")
        parser.add_argument("--max-runs", type=int, default=0, help=(
            "with --loop: stop after this many batches (0: never)"))

    def handle(self, *args, **opts):
        runs, wait = 0, opts["loop"]
        while True:
            report = outbox.process_outbox(limit=opts["limit"], force=opts["force"])
            runs += 1
            if report.applied or report.failed or opts["verbosity"] > 1:
                self.stdout.write(f"applied {report.applied}, failed {report.failed}, "
                                  f"skipped {report.skipped}")
            if report.deferred and opts["verbosity"] > 1:
                self.stdout.write("the search engine is failing: waiting")
            if opts["loop"] is None:
                if report.applied == opts["limit"]:
                    continue  # more may be waiting
                return
            if opts["max_runs"] and runs >= opts["max_runs"]:
                return
            if report.failed or report.deferred:
                # The engine fails: back off instead of asking it again at once.
                wait = min(MAX_WAIT, max(wait * 2, opts["loop"], 1.0))
                time.sleep(wait)
            elif report.applied < opts["limit"]:
                wait = opts["loop"]
                time.sleep(wait)
