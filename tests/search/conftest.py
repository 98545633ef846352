"""Backends for the parity suite: every case runs on the database backend and on Elasticsearch.

Elasticsearch needs TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL (`bash .ci/elasticsearch.sh`
starts one and prints it).
Without it those cases skip, saying so, except in CI (env CI set), where they fail instead.
"""

import datetime
import os
import uuid

import pytest

from search.backends.base import Entry

# CI exports TEST_ELASTICSEARCH_URL (so that the rest of the suite keeps the default backend).
ES_URL = os.environ.get("TEST_ELASTICSEARCH_URL") or os.environ.get("ELASTICSEARCH_URL", "")


def require_elasticsearch() -> str:
    if not ES_URL:
        message = (
            "needs Elasticsearch: set TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL "
            "(bash .ci/elasticsearch.sh prints it)"
        )
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the Elasticsearch suites")
        pytest.skip(message)
    return ES_URL


@pytest.fixture
def es_url():
    return require_elasticsearch()


@pytest.fixture
def es_backend(es_url):
    from search.backends.elastic import ElasticsearchBackend

    backend = ElasticsearchBackend(es_url, index_prefix=f"test-{uuid.uuid4().hex[:12]}")
    backend.clear()
    yield backend
    backend.drop()


@pytest.fixture(
    params=[
        "database",
        pytest.param("database-committed", marks=pytest.mark.django_db(transaction=True)),
        pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
    ]
)
def backend(request, db):
    """The database backend inside a test transaction, and with committed data: on SQLite the
    facet scan then runs on a second connection beside the ranking (SEARCH_SQLITE_PARALLEL), and
    facet counts are cached by the index's generation."""
    if request.param == "elasticsearch":
        return request.getfixturevalue("es_backend")
    from search.backends import database_backend

    return database_backend()


def make_entry(key, **values) -> Entry:
    defaults = {
        "dossier_id": 1,
        "agency_id": 1,
        "agency_name": "Tỉnh ủy Hà Giang",
        "kind": "plan",
        "stage": "draft",
        "doc_type": "dossier",
        "title": "",
        "text": "",
        "date": datetime.date(2021, 8, 10),
        "decision_number": "",
    }
    return Entry.build(key=key, **{**defaults, **values})


@pytest.fixture(autouse=True)
def database_backend_by_default(settings):
    """Service tests use the database backend unless they point the settings elsewhere, so an
    ELASTICSEARCH_URL in the environment never sends them to a shared index."""
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}"
