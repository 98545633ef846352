"""Settings, read from the environment with safe defaults for a single machine.

DATABASE_URL switches from the embedded SQLite file to PostgreSQL; ELASTICSEARCH_URL switches
search from the database's own full-text index to Elasticsearch. The README lists every
setting; docs/operations.md and docs/search.md say how to run them.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DOSSIERFLOW_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key comes from the environment; a developer machine gets one generated once."""
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Our apps come before viewflow so that our Vietnamese catalogue wins where both translate
    # the same word ("History").
    "workflow",
    "workflow.notifications",
    "documents",
    "search",
    "django_fsm",
    "viewflow",
    "viewflow.workflow",
    "ninja",  # its bundled Swagger UI files, served locally (config.api)
    "config.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    # The pages: Jinja2 (config/jinja.py says why), from each app's jinja2/ folder.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "config" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
    # Django's own apps' templates: the admin's, viewflow's, the password reset e-mail's.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Forms and widgets: Django's Jinja2 versions of its form templates (config/forms.py).
FORM_RENDERER = "config.forms.FormRenderer"

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let concurrent requests wait for the single writer instead of failing;
    # the threads of one process queue for it in turn (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded and generated documents: kept through the storage API, never served from a public URL.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files"), "base_url": "/nonpublic/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow:home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with a query written once per process (config/sessions.py).
SESSION_ENGINE = "config.sessions"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = _env_bool("DJANGO_SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"

# Upload limits for .docx intake (documents app); all overridable from the environment.
DOCX_MAX_UPLOAD_BYTES = int(os.environ.get("DOCX_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
DOCX_MAX_UNPACKED_BYTES = int(os.environ.get("DOCX_MAX_UNPACKED_BYTES", 200 * 1024 * 1024))
DOCX_MAX_PARTS = int(os.environ.get("DOCX_MAX_PARTS", 2000))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Search: the database's own full-text index unless ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "dossierflow")
# Apply index updates right after each commit; off when a `search_process_outbox --loop` worker
# does it instead, keeping that work out of the users' requests.
SEARCH_PROCESS_ON_COMMIT = _env_bool("SEARCH_PROCESS_ON_COMMIT", True)
# SQLite: count the facets on a second connection while the hits are ranked (two cores at work).
SEARCH_SQLITE_PARALLEL = _env_bool("SEARCH_SQLITE_PARALLEL", True)
# A slow or hung engine is cut off: each request to it waits at most SEARCH_ENGINE_TIMEOUT
# seconds, and after SEARCH_BREAKER_FAILURES failures in a row it is not asked for
# SEARCH_BREAKER_COOLDOWN seconds (the outbox keeps the updates meanwhile).
SEARCH_ENGINE_TIMEOUT = float(os.environ.get("SEARCH_ENGINE_TIMEOUT", 2))
SEARCH_BREAKER_FAILURES = int(os.environ.get("SEARCH_BREAKER_FAILURES", 2))
SEARCH_BREAKER_COOLDOWN = float(os.environ.get("SEARCH_BREAKER_COOLDOWN", 30))
# An index update is tried this many times (backing off up to five minutes) before it is marked
# failed; `search_status --process` and `search_check --repair` still apply failed ones.
SEARCH_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("SEARCH_OUTBOX_MAX_ATTEMPTS", 50))
# A search_reindex silent this many seconds was killed: its index may be incomplete.
SEARCH_REBUILD_STALE = float(os.environ.get("SEARCH_REBUILD_STALE", 120))
# The shared worker (manage.py run_worker) applies the outbox every few seconds.
WORKER_JOBS = {**globals().get("WORKER_JOBS", {}), "search.jobs.run_search_outbox": 5}

# Public holidays (ISO dates, comma separated) skipped when counting working-day deadlines,
# on top of the ones an administrator enters in the admin.
WORKFLOW_PUBLIC_HOLIDAYS = [
    d.strip() for d in os.environ.get("WORKFLOW_PUBLIC_HOLIDAYS", "").split(",") if d.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Council rules: voting members a council needs besides its chair, unless a kind's policy in the
# admin says otherwise.
WORKFLOW_MIN_COUNCIL_MEMBERS = int(os.environ.get("WORKFLOW_MIN_COUNCIL_MEMBERS", "3"))

# An office's own .docx templates of the generated documents (edited in Word), used instead of the
# shipped ones where a file of the same name is there (documents/docx_templates/).
DOCUMENT_TEMPLATES_DIR = os.environ.get("DOCUMENT_TEMPLATES_DIR", "")

# The title of the head of the issuing office, as signature blocks name it.
OFFICE_HEAD_TITLE = os.environ.get("OFFICE_HEAD_TITLE", "Chánh Văn phòng")

# The body that issues approval decisions: the suffix of `Số 12-QĐ/VPTW`.
DECISION_ISSUING_BODY = os.environ.get("DECISION_ISSUING_BODY", "VPTW")

# -- Operations: worker, health, logs, security, login throttling (docs/operations.md) ----------
INSTALLED_APPS += ["config.operations", "axes"]
MIDDLEWARE = [
    "config.operations.requestlog.RequestLogMiddleware",  # first: times and ids every request
    MIDDLEWARE[0],  # SecurityMiddleware
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]
AUTHENTICATION_BACKENDS = [
    "config.operations.throttling.ThrottledLoginBackend",
    "workflow.backends.PersonBackend",
]
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["config.operations.context.demo_banner"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves it (empty before collectstatic)
# Hashed static names (whitenoise's manifest) need `collectstatic` first: `make run` and a
# production start set it; tests and a bare checkout serve the plain names.
if _env_bool("DJANGO_STATIC_HASHED", False):
    STORAGES["staticfiles"] = {
        "BACKEND": "config.operations.staticfiles.HashedStaticFilesStorage"}

# HTTPS, behind a proxy: all off by default (a developer's http://127.0.0.1), on in production.
SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if _env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Login throttling (django-axes) on the site's and the admin's login: after AXES_FAILURE_LIMIT
# failures for a user name from one address, that pair waits AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "config.operations.throttling.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

# The worker (`manage.py run_worker`): each job is a dotted path -> interval in seconds.
WORKER_JOBS = {
    **globals().get("WORKER_JOBS", {}),
    "workflow.jobs.run_workflow_timers": 60,
    "workflow.jobs.run_follow_ups": 1,
}
# What follows from a transition (the next person's inbox task, the dashboard's stage visit,
# notifications, webhook events): written in the transition's transaction, or, with 0, after its
# commit by the worker's run_follow_ups (`manage.py serve` sets 0: see workflow/services/followups).
WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = _env_bool("WORKFLOW_FOLLOW_UPS_IN_TRANSACTION", True)
WORKER_BATCH_SIZE = int(os.environ.get("WORKER_BATCH_SIZE", "100"))
WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "1"))
WORKER_LEASE_SECONDS = int(os.environ.get("WORKER_LEASE_SECONDS", "60"))
WORKER_MAX_ATTEMPTS = int(os.environ.get("WORKER_MAX_ATTEMPTS", "8"))
WORKER_MAX_BACKOFF_SECONDS = int(os.environ.get("WORKER_MAX_BACKOFF_SECONDS", "3600"))
# Stored documents on several machines: a shared mount (DOSSIERFLOW_FILES_DIR), or S3-compatible
# object storage through django-storages (`pip install "django-storages[s3]"`, not installed by
# default) with STORAGE_S3_BUCKET; the code reaches files only through the storage API.
if os.environ.get("DOSSIERFLOW_FILES_DIR"):
    STORAGES["default"]["OPTIONS"]["location"] = os.environ["DOSSIERFLOW_FILES_DIR"]
if os.environ.get("STORAGE_S3_BUCKET"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["STORAGE_S3_BUCKET"],
        "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False}}

# A kept connection (DATABASE_CONN_MAX_AGE) is checked before a request reuses it; on PostgreSQL
# without a round trip unless the server has closed it (config/postgresql/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "config.postgresql"
# `manage.py serve` (make run): web server processes and threads in each.
WEB_WORKERS = int(os.environ.get("WEB_WORKERS", "2"))
WEB_THREADS = int(os.environ.get("WEB_THREADS", "3"))
# /readyz: a worker must have beaten within this many seconds, and the outbox be below the limit.
READYZ_REQUIRE_WORKER = _env_bool("READYZ_REQUIRE_WORKER", True)
READYZ_HEARTBEAT_MAX_AGE = int(os.environ.get("READYZ_HEARTBEAT_MAX_AGE", "90"))
READYZ_MAX_OUTBOX = int(os.environ.get("READYZ_MAX_OUTBOX", "1000"))
# A demo instance (`make run`, `load_demo`) shows a banner; production never sets it.
DEMO_MODE = _env_bool("DOSSIERFLOW_DEMO", False)

# One log line per request and per job; JSON lines with DJANGO_LOG_FORMAT=json.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "config.operations.requestlog.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s] "
                           "%(message)s"},
        "json": {"()": "config.operations.requestlog.JsonFormatter"},
    },
    "handlers": {"console": {
        "class": "logging.StreamHandler", "filters": ["request"],
        "formatter": "json" if os.environ.get("DJANGO_LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"dossierflow": {"level": os.environ.get("DOSSIERFLOW_LOG_LEVEL", "INFO")}},
}

# --- JSON API (config.api): tokens and webhooks ---
# Webhook deliveries: per-request timeout, attempts before a delivery is marked failed, and the
# first retry's delay (doubling after each failure).
API_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("API_WEBHOOK_TIMEOUT_SECONDS", "10"))
API_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("API_WEBHOOK_MAX_ATTEMPTS", "8"))
API_WEBHOOK_BACKOFF_SECONDS = int(os.environ.get("API_WEBHOOK_BACKOFF_SECONDS", "30"))
WORKER_JOBS = {**globals().get("WORKER_JOBS", {}), "config.api.jobs.run_webhook_deliveries": 5}

# --- Notifications (workflow.notifications): mail, reminders, the bell ---
# Mail goes through Django's e-mail framework: SMTP when EMAIL_HOST is set, otherwise every
# message is written to the console log (the demo), so a newcomer sees what would be sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dossierflow@localhost")
# Links in e-mails are absolute: the address users reach the site at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6"))
# Retry after 1, 2, 4, 8… minutes (doubling, capped at a day).
NOTIFICATIONS_RETRY_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_SECONDS", "60"))
# A worker holds the e-mails it took this long; killed, they go to another worker after it.
NOTIFICATIONS_LEASE_SECONDS = float(os.environ.get("NOTIFICATIONS_LEASE_SECONDS", "300"))
# Daily digests are put together by the first sweep after this hour (local time).
NOTIFICATIONS_DIGEST_HOUR = int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR", "7"))
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "workflow.notifications.context_processors.unread_notifications"
)
WORKER_JOBS = {
    **globals().get("WORKER_JOBS", {}),
    "workflow.notifications.jobs.run_mail_deliveries": 5,
    "workflow.notifications.jobs.run_reminder_sweep": 3600,
}

# Dashboard (issue 15): the Program 27 dashboard is a sub-app of workflow with its own table of
# stage visits (derived from the audit trail).
INSTALLED_APPS += ["workflow.dashboard"]
# How long computed dashboard figures stay in the cache (they are dropped sooner when the audit
# trail moves); 0 computes them on every view.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "300"))

# --- Archival (documents.rendering, documents.signing, documents.jobs, workflow.archival) ---
# PDF/A copies by LibreOffice headless (found on PATH unless LIBREOFFICE_BINARY names it); a
# conversion running longer than the limit is killed and retried by the worker.
LIBREOFFICE_BINARY = os.environ.get("LIBREOFFICE_BINARY", "")
LIBREOFFICE_TIMEOUT_SECONDS = float(os.environ.get("LIBREOFFICE_TIMEOUT_SECONDS", "120"))
PDF_RENDITION_MAX_ATTEMPTS = int(os.environ.get("PDF_RENDITION_MAX_ATTEMPTS", "6"))
PDF_RENDITION_LEASE_SECONDS = int(os.environ.get("PDF_RENDITION_LEASE_SECONDS", "300"))
# Documents converted per LibreOffice run: its start-up is most of the cost of one document.
PDF_RENDITION_BATCH = int(os.environ.get("PDF_RENDITION_BATCH", "8"))
# The office's signing certificate (PKCS#12) and its passphrase, from the environment or a file
# only the service user can read; trust roots and CRLs (comma-separated PEM/DER files) for
# verification. Keys are never logged or stored in the database.
SIGNING_PKCS12_PATH = os.environ.get("SIGNING_PKCS12_PATH", "")
SIGNING_PKCS12_PASSPHRASE = os.environ.get("SIGNING_PKCS12_PASSPHRASE", "")
SIGNING_PKCS12_PASSPHRASE_FILE = os.environ.get("SIGNING_PKCS12_PASSPHRASE_FILE", "")
SIGNING_TRUST_ROOTS = [
    p.strip() for p in os.environ.get("SIGNING_TRUST_ROOTS", "").split(",") if p.strip()
]
SIGNING_CRLS = [p.strip() for p in os.environ.get("SIGNING_CRLS", "").split(",") if p.strip()]
# `load_demo` makes a demo authority under the data directory; used only when nothing is
# configured, so a real certificate always wins.
_DEMO_SIGNING = DATA_DIR / "demo-signing"
if not SIGNING_PKCS12_PATH and (_DEMO_SIGNING / "office.p12").exists():
    SIGNING_PKCS12_PATH = str(_DEMO_SIGNING / "office.p12")
    SIGNING_PKCS12_PASSPHRASE_FILE = str(_DEMO_SIGNING / "passphrase")
    SIGNING_TRUST_ROOTS = SIGNING_TRUST_ROOTS or [str(_DEMO_SIGNING / "demo-root.pem")]
    SIGNING_CRLS = SIGNING_CRLS or [str(_DEMO_SIGNING / "demo-root.crl")]
# Archive packages: the largest ZIP accepted for import and its largest unpacked size.
ARCHIVE_PACKAGE_MAX_BYTES = int(os.environ.get("ARCHIVE_PACKAGE_MAX_BYTES", 200 * 1024 * 1024))
# The public verification page: files checked per minute from one address without signing in.
ARCHIVAL_VERIFY_PER_MINUTE = int(os.environ.get("ARCHIVAL_VERIFY_PER_MINUTE", "10"))
ARCHIVE_PACKAGE_MAX_UNPACKED_BYTES = int(
    os.environ.get("ARCHIVE_PACKAGE_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)
)
WORKER_JOBS = {
    **globals().get("WORKER_JOBS", {}),
    "documents.jobs.run_pdf_renditions": 5,
    "documents.jobs.run_form_key_pruning": 3600,
}
# One-time form keys (a form sent twice is done once) are kept this many days, then forgotten.
FORM_KEYS_KEPT_DAYS = int(os.environ.get("FORM_KEYS_KEPT_DAYS", "30"))
