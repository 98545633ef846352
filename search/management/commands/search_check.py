"""manage.py search_check [--repair]: compare the index with the database, and repair it."""

from django.core.management.base import BaseCommand

from search import consistency, rebuild
from search.backends import database_backend, elastic_backend, get_backend


class Command(BaseCommand):
    help = ("Compare the search index with the database (missing, stale and extra entries); "
            "--repair applies the dossiers that disagree again and removes what killed "
            "rebuilds left behind. Exits 1 while they disagree.")

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")
        parser.add_argument("--backend", choices=["database", "elasticsearch"],
                            help="check this backend instead of the configured one")

    def handle(self, *args, **opts):
        backend = {"database": database_backend, "elasticsearch": elastic_backend}.get(
            opts["backend"] or "", get_backend)()
        report = consistency.check(backend)
        self._write(backend, report)
        if opts["repair"]:
            keep = rebuild.running().values_list("target", flat=True)
            for removed in backend.cleanup(keep=keep):
                self.stdout.write(f"cleaned up: {removed}")
            if not report.ok:
                fixed = consistency.repair(backend, report)
                self.stdout.write(f"repaired {fixed} dossiers")
                report = consistency.check(backend)
                self._write(backend, report)
            if report.ok:
                rebuild.settle_interrupted(backend.name)
        if not report.ok:
            raise SystemExit(1)

    def _write(self, backend, report):
        state = self.style.SUCCESS("agrees") if report.ok else self.style.ERROR("DISAGREES")
        self.stdout.write(
            f"{backend.name}: {state} with the database — {report.expected} entries expected, "
            f"{report.indexed} indexed; {len(report.missing)} missing, {len(report.stale)} stale, "
            f"{len(report.extra)} extra; {len(report.waiting)} dossiers with updates waiting")
        for name in ("missing", "stale", "extra"):
            keys = getattr(report, name)
            if keys:
                shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
                self.stdout.write(f"  {name}: {shown}")
