"""/healthz (the process answers) and /readyz (it can serve: database, search engine, document
storage, worker, backlogs), as JSON with 200 or 503, for load balancers and monitoring.

Our own two views rather than django-health-check: the checks that matter here (the worker's
heartbeat, the outbox backlog, overdue jobs) are ours, and each is a query or two.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import Job, WorkerHeartbeat

logger = logging.getLogger("dossierflow.health")
PROBE_SECONDS = 2
READ_FROM_DATABASE = {"worker", "outbox", "jobs"}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks = {}
    for name, check in [("database", _database), ("search", _search), ("storage", _storage),
                        ("worker", _worker), ("outbox", _outbox), ("jobs", _jobs)]:
        if name in READ_FROM_DATABASE and not checks["database"]["ok"]:
            # Not asked again: each would wait for a database that does not answer.
            checks[name] = {"ok": False, "error": "database unavailable"}
            continue
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - a failing check is the answer, not a 500
            logger.warning("readiness check %s failed: %s", name, error)
            checks[name] = {"ok": False, "error": type(error).__name__}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _search():
    from search.backends import get_backend

    health = get_backend().health()
    return {"ok": health.ok, "backend": health.backend}


def _storage():
    """The documents' storage is there: its folder (on several machines, the shared mount) or its
    bucket; listing it fails when it is not, or when the keys are refused."""
    storage = _probed_storage()
    storage.listdir("")
    return {"ok": True, "backend": type(storage).__name__}


def _probed_storage():
    """The documents' storage; object storage with one short try (PROBE_SECONDS): a bucket that
    hangs must not hold a web thread for each load balancer's probe while uploads wait it out."""
    configured = settings.STORAGES["default"]
    options = configured.get("OPTIONS", {})
    if "client_config" not in options:  # a folder: listing it is local
        return storages["default"]
    the_rest = tuple(sorted((k, v) for k, v in options.items() if k != "client_config"))
    return _short_try_storage(configured["BACKEND"], the_rest)


@functools.lru_cache(maxsize=4)
def _short_try_storage(backend: str, options: tuple):
    """Made once per configuration: making an S3 client costs about 250 ms of CPU, which every
    probe would pay again."""
    from botocore.config import Config

    short = Config(connect_timeout=PROBE_SECONDS, read_timeout=PROBE_SECONDS,
                   retries={"total_max_attempts": 1})
    return import_string(backend)(**dict(options), client_config=short)


def _worker():
    if not settings.READYZ_REQUIRE_WORKER:
        return {"ok": True, "required": False}
    since = timezone.now() - datetime.timedelta(seconds=settings.READYZ_HEARTBEAT_MAX_AGE)
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=since).count()
    return {"ok": alive > 0, "alive": alive}


def _outbox():
    from search.services import backlog
    from workflow.selectors import follow_up_backlog

    pending = backlog().pending
    follow_ups = follow_up_backlog()
    ok = max(pending, follow_ups["waiting"]) <= settings.READYZ_MAX_OUTBOX
    return {"ok": ok and not follow_ups["stuck"], "search_pending": pending,
            "follow_ups_waiting": follow_ups["waiting"], "follow_ups_stuck": follow_ups["stuck"]}


def _jobs():
    """Failed jobs, and jobs far past their next run (no worker takes them)."""
    now = timezone.now()
    failed = list(Job.objects.filter(status=Job.Status.FAILED).values_list("name", flat=True))
    overdue = [
        job.name for job in Job.objects.exclude(status=Job.Status.FAILED).filter(
            next_run_at__isnull=False)
        if job.next_run_at < now - datetime.timedelta(
            seconds=max(3 * job.interval_seconds, settings.READYZ_HEARTBEAT_MAX_AGE))
    ]
    return {"ok": not failed and not overdue, "failed": failed, "overdue": overdue}
