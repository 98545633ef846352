"""manage.py search_status: each backend's health and the outbox backlog."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from search import rebuild, services
from search.backends import database_backend, elastic_backend, get_backend


class Command(BaseCommand):
    help = "Report each search backend's health and the backlog of index updates."

    def add_arguments(self, parser):
        parser.add_argument("--process", action="store_true",
                            help="apply the waiting updates first (retrying failed ones now)")

    def handle(self, *args, **opts):
        if opts["process"]:
            report = services.process_outbox(limit=10_000, force=True)
            self.stdout.write(f"outbox: applied {report.applied}, failed {report.failed}, "
                              f"skipped {report.skipped}")
        active = get_backend().name
        backends = [database_backend()]
        if settings.ELASTICSEARCH_URL:
            backends.append(elastic_backend())
        unhealthy = False
        for backend in backends:
            health = backend.health()
            last = rebuild.interrupted(backend.name)
            if rebuild.running(backend.name).exists():
                health.detail += "; a rebuild is running"
                if backend.name == "database":  # it fills the live tables: not all there yet
                    health.ok = False
            elif last is not None:
                health.ok = False
                health.detail += (f"; the rebuild started {last.started_at:%Y-%m-%d %H:%M} was "
                                  f"interrupted, the index may be incomplete (run search_reindex)")
            mark = "in use" if backend.name == active else "not in use"
            state = self.style.SUCCESS("ok") if health.ok else self.style.ERROR("DOWN")
            entries = "?" if health.entries is None else health.entries
            self.stdout.write(f"{backend.name} ({mark}): {state} — {health.detail}; "
                              f"{entries} entries")
            unhealthy |= backend.name == active and not health.ok
        backlog = services.backlog()
        line = (f"backlog: {backlog.pending} updates waiting, {backlog.failing} failing, "
                f"{backlog.failed} given up (applied by --process)")
        if backlog.oldest:
            age = (timezone.now() - backlog.oldest).total_seconds()
            line += f", oldest {age:.0f} s old"
        self.stdout.write(line)
        if backlog.last_error:
            self.stdout.write(f"last error: {backlog.last_error}")
        if unhealthy:
            raise SystemExit(1)
