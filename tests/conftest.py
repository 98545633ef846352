import os

import pytest
from django.utils import translation

# The test CA (`test_ca`) and the LibreOffice requirement (`libreoffice`) of the archival tests.
from tests.documents.archival_fixtures import libreoffice, test_ca, verapdf  # noqa: F401

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip, saying why, on the embedded database.

    CI does not skip them: .ci/run deselects them from its SQLite pass and runs the whole suite
    again against a real PostgreSQL.
    """
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (.ci/run does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def worker_alive(db):
    """A worker's heartbeat, as /readyz requires one."""
    from django.utils import timezone

    from config.operations.models import WorkerHeartbeat

    now = timezone.now()
    return WorkerHeartbeat.objects.create(worker="host:1:ab", started_at=now, seen_at=now)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def small_councils(settings):
    # Voting tests seat councils of two or three; an office's default minimum (three members
    # besides the chair) is tested on its own in tests/workflow/test_council_rules.py.
    settings.WORKFLOW_MIN_COUNCIL_MEMBERS = 1


@pytest.fixture(autouse=True)
def empty_cache():
    # Counts kept in the cache (the public pages' throttle, dashboard figures) start at nothing.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english_messages():
    # Service-level tests read messages in English; HTTP requests still get the user's language.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def isolated_file_storage(settings, tmp_path):
    # Documents written by any test (uploads, generated minutes…) stay in its own directory,
    # there from the start, as the settings make the default one.
    (tmp_path / "stored").mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "stored"), "base_url": "/nonpublic/"},
        },
    }
