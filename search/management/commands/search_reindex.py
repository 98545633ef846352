"""manage.py search_reindex: rebuild the search index from the database, with a progress bar."""

import time

from django.core.management.base import BaseCommand, CommandError

from search import services
from search.backends import database_backend, elastic_backend, get_backend
from search.rebuild import RebuildRunning


class Command(BaseCommand):
    help = "Rebuild the search index of the configured backend (or --backend) from the database."

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["database", "elasticsearch"],
                            help="rebuild this backend instead of the configured one")

    def handle(self, *args, **opts):
        backend = {"database": database_backend, "elasticsearch": elastic_backend}.get(
            opts["backend"] or "", get_backend)()
        total = services.count_dossiers()
        started = time.monotonic()
        out = self.stdout
        interactive = out.isatty()

        def progress(done):
            width = 30
            filled = int(width * done / total) if total else width
            rate = done / max(time.monotonic() - started, 1e-6)
            line = (f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} dossiers "
                    f"({rate:,.0f}/s)")
            out.write(("\r" + line) if interactive else line, ending="" if interactive else "\n")
            out.flush()

        out.write(f"Rebuilding the {backend.name} index from {total} dossiers")
        try:
            entries = services.rebuild_index(backend=backend, progress=progress)
        except RebuildRunning as error:
            raise CommandError(str(error)) from error
        if interactive:
            out.write("")
        elapsed = time.monotonic() - started
        out.write(self.style.SUCCESS(
            f"Indexed {entries} entries of {total} dossiers in {elapsed:.1f} s."))
