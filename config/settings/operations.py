"""Running it: HTTPS, login throttling, the worker and its jobs, health, the web server, logs
(docs/operations.md)."""

import datetime
import os

from . import DATABASES  # (config/settings/__init__.py sets it before importing this module)
from .documents import PDF_RENDITION_BATCH
from .environment import env_bool, env_float, env_int, env_list

_ON_POSTGRESQL = DATABASES["default"]["ENGINE"] == "config.postgresql"

# HTTPS, behind a proxy: all off by default (a developer's http://127.0.0.1), on in production.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Login throttling (django-axes) on the site's and the admin's login: after AXES_FAILURE_LIMIT
# failures for a user name from one address, that pair waits AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "config.operations.throttling.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# The worker (`manage.py run_worker`): each job is a dotted path -> interval in seconds, the most
# urgent first: a worker runs the jobs due at once in this order. The next person's inbox and
# notification first; the PDF/A copies, which take a second or more each, after the quick ones.
WORKER_JOBS = {
    "workflow.jobs.run_follow_ups": 1,
    "search.jobs.run_search_outbox": 5,
    "workflow.notifications.jobs.run_mail_deliveries": 5,
    "config.api.jobs.run_webhook_deliveries": 5,
    "workflow.jobs.run_workflow_timers": 60,
    "documents.jobs.run_pdf_renditions": 5,
    "workflow.notifications.jobs.run_reminder_sweep": 3600,
    "documents.jobs.run_form_key_pruning": 3600,
}
# The jobs that take seconds a run: each worker runs them on a thread of its own, so that a copy
# being made never holds up the quick jobs (in make run, a resubmission's follow-up waited for
# the copy of the return notice just before it: 2.0-2.5 s, against 0.15-0.38 s on the lane),
# nor does a mail server or another system's webhook receiver that hangs (EMAIL_TIMEOUT,
# API_WEBHOOK_TIMEOUT_SECONDS a try).
WORKER_SLOW_JOBS = [
    "documents.jobs.run_pdf_renditions",
    "workflow.notifications.jobs.run_mail_deliveries",
    "config.api.jobs.run_webhook_deliveries",
]
# The workers `manage.py serve` (make run) starts beside the web server. On PostgreSQL two apply
# the transitions' follow-ups at half again the rate of one (bench/workflow); on SQLite, whose one
# writer they would wait for in turn, a second only adds waiting.
WORKER_PROCESSES = env_int("WORKER_PROCESSES", 2 if _ON_POSTGRESQL else 1)
# How much the workers step back from the web server for the CPU (os.nice; 0: not at all). On
# PostgreSQL the transitions taken went from 220 to 400 a second beside two workers at 10, and
# the follow-ups were applied as fast (bench/workflow); on SQLite a worker put back holds the one
# writer's lock longer and the web server waits for it (the rate taken fell), so there it is 0.
WORKER_NICE = env_int("WORKER_NICE", 10 if _ON_POSTGRESQL else 0)
# A job split into parts, each its own run, so that several workers share it: the follow-ups in
# as many parts as workers (on several machines: as many as all the workers there are).
WORKER_JOB_PARTS = {
    "workflow.jobs.run_follow_ups": env_int("WORKER_FOLLOW_UP_PARTS", WORKER_PROCESSES),
}
WORKER_BATCH_SIZE = env_int("WORKER_BATCH_SIZE", 100)
# A job's own batch (the most rows a run takes) where WORKER_BATCH_SIZE is too many: a run of the
# PDF/A copies makes one LibreOffice batch, then the next run the next one. A stopping worker
# waits for that batch, not for every copy due (8 copies took 7 s on two cores: 100 would take
# about the 90 s systemd gives a stopping service before it kills it).
WORKER_JOB_BATCH_SIZES = {"documents.jobs.run_pdf_renditions": PDF_RENDITION_BATCH}
WORKER_POLL_SECONDS = env_float("WORKER_POLL_SECONDS", 1)
# An idle worker is woken by the commit of work for it instead of waiting for its poll
# (config/operations/wakeups.py). Off behind a pooler that cannot LISTEN (PgBouncer in
# transaction mode): the workers then poll only.
WORKER_WAKE_UPS = env_bool("WORKER_WAKE_UPS", True)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60)
WORKER_MAX_ATTEMPTS = env_int("WORKER_MAX_ATTEMPTS", 8)
WORKER_MAX_BACKOFF_SECONDS = env_int("WORKER_MAX_BACKOFF_SECONDS", 3600)

# /readyz: a worker must have beaten within this many seconds, and the outbox be below the limit.
READYZ_REQUIRE_WORKER = env_bool("READYZ_REQUIRE_WORKER", True)
READYZ_HEARTBEAT_MAX_AGE = env_int("READYZ_HEARTBEAT_MAX_AGE", 90)
READYZ_MAX_OUTBOX = env_int("READYZ_MAX_OUTBOX", 1000)

# `manage.py serve` (make run): web server processes and threads in each.
WEB_WORKERS = env_int("WEB_WORKERS", 2)
WEB_THREADS = env_int("WEB_THREADS", 3)
# A demo instance (`make run`, `load_demo`) shows a banner; production never sets it.
DEMO_MODE = env_bool("DOSSIERFLOW_DEMO", False)

# One log line per request and per job; JSON lines with DJANGO_LOG_FORMAT=json.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "config.operations.requestlog.RequestContextFilter"},
                "refused": {"()": "config.operations.requestlog.RefusedRequestFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s] "
                           "%(message)s"},
        "json": {"()": "config.operations.requestlog.JsonFormatter"},
    },
    "handlers": {"console": {
        "class": "logging.StreamHandler", "filters": ["request", "refused"],
        "formatter": "json" if os.environ.get("DJANGO_LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"dossierflow": {"level": os.environ.get("DOSSIERFLOW_LOG_LEVEL", "INFO")}},
}
