"""Settings, read from the environment with safe defaults for a single machine.

DATABASE_URL switches from the embedded SQLite file to PostgreSQL; ELASTICSEARCH_URL switches
search from the database's own full-text index to Elasticsearch. The README lists every
setting; docs/operations.md and docs/search.md say how to run them.

This module holds Django's own settings; each concern of the product has its module beside it
(search, documents, workflow, delivery, operations), read in at the end.
"""

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .environment import (
    BASE_DIR,
    DATA_DIR,
    env_bool,
    env_float,
    env_int,
    env_list,
    object_storage,
    secret_key,
)

SECRET_KEY = secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

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
    "config.operations",
    "axes",
    # The Program 27 dashboard: a sub-app of workflow with its own table of stage visits
    # (derived from the audit trail).
    "workflow.dashboard",
]

MIDDLEWARE = [
    "config.operations.requestlog.RequestLogMiddleware",  # first: times and ids every request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]
# viewflow appends two middleware of its own (for its site and app frontend, not used here)
# unless told not to: the list above is the whole of it, django-axes last.
VIEWFLOW = {"AUTOREGISTER": False}

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
                "config.operations.context.demo_banner",
                "workflow.notifications.context_processors.unread_notifications",
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
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# A kept connection (DATABASE_CONN_MAX_AGE) is checked before a request reuses it; on PostgreSQL
# without a round trip unless the server has closed it (config/postgresql/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # A server that does not answer (failing over, its address gone) costs a request this many
    # seconds, then a 503 (config/operations/outage.py), not the system's two minutes a try.
    # A connect_timeout in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # The server binds the parameters, and a query run a second time on a kept connection is
    # prepared: parsed and planned once, not on every page (docs/operations.md has the figures).
    # Off behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # without max_prepared_statements).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2
        )
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

AUTHENTICATION_BACKENDS = [
    "config.operations.throttling.ThrottledLoginBackend",
    "workflow.backends.PersonBackend",
]
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
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves it (empty before collectstatic)
# Uploaded and generated documents: kept through the storage API, never served from a public URL.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files"), "base_url": "/nonpublic/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Stored documents on several machines: S3-compatible object storage (STORAGE_S3_BUCKET), or a
# shared mount (DOSSIERFLOW_FILES_DIR), which must be there already (/readyz says when it is
# not); the code reaches files only through the storage API. The default folder is made here, as
# a new install has none yet.
if os.environ.get("STORAGE_S3_BUCKET"):
    STORAGES["default"] = object_storage(
        os.environ["STORAGE_S3_BUCKET"], os.environ.get("STORAGE_S3_ENDPOINT_URL"),
        timeout=env_float("STORAGE_S3_TIMEOUT_SECONDS", 10),
    )
elif os.environ.get("DOSSIERFLOW_FILES_DIR"):
    STORAGES["default"]["OPTIONS"]["location"] = os.environ["DOSSIERFLOW_FILES_DIR"]
else:
    (DATA_DIR / "files").mkdir(exist_ok=True)
# Hashed static names (whitenoise's manifest) need `collectstatic` first: `make run` and a
# production start set it; tests and a bare checkout serve the plain names.
if env_bool("DJANGO_STATIC_HASHED", False):
    STORAGES["staticfiles"] = {
        "BACKEND": "config.operations.staticfiles.HashedStaticFilesStorage"}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow:home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with a query written once per process (config/sessions.py).
SESSION_ENGINE = "config.sessions"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

from .delivery import *  # noqa: E402, F403
from .documents import *  # noqa: E402, F403
from .operations import *  # noqa: E402, F403
from .search import *  # noqa: E402, F403
from .workflow import *  # noqa: E402, F403
