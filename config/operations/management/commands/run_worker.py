import logging
import signal

from django.core.management.base import BaseCommand

from config.operations.worker import Worker, keep_connection, step_back

logger = logging.getLogger("dossierflow.jobs")


class Command(BaseCommand):
    help = ("Run every job of the WORKER_JOBS setting on its interval until SIGTERM or Ctrl-C "
            "(the job running then is finished first; a second signal stops at once).")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs that are due, once.")

    def handle(self, *args, once=False, **options):
        worker = Worker()

        def stop(signum, frame):
            if worker.stop.is_set():
                raise SystemExit(1)
            logger.info("worker %s stopping (signal %d)", worker.name, signum)
            worker.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        niceness = step_back()
        if not once:
            keep_connection()
        logger.info("worker %s started (niceness %d): %s", worker.name, niceness, ", ".join(
            f"{name} every {seconds}s" for name, seconds in worker.jobs.items()))
        runs = worker.run(once=once)
        logger.info("worker %s stopped after %d job runs", worker.name, runs)
