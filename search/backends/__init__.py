"""Search backends behind one interface (base.Backend), chosen by settings.

`get_backend()` is Elasticsearch when settings.ELASTICSEARCH_URL is set, otherwise the database's
own full-text index.
"""

from django.conf import settings

from .base import Backend, SearchUnavailable

__all__ = ["Backend", "SearchUnavailable", "get_backend", "database_backend", "elastic_backend"]

_cache: dict[tuple, Backend] = {}


def database_backend(using: str = "default") -> Backend:
    """The full-text index of this database connection's own database (backends.database)."""
    from .database import for_database

    return for_database(using)


def elastic_backend(url: str | None = None, **options) -> Backend:
    from ..breaker import CircuitBreaker
    from .elastic import ElasticsearchBackend

    options.setdefault("request_timeout", settings.SEARCH_ENGINE_TIMEOUT)
    options.setdefault("max_retries", 0)
    options.setdefault("breaker", CircuitBreaker(failures=settings.SEARCH_BREAKER_FAILURES,
                                                 cooldown=settings.SEARCH_BREAKER_COOLDOWN))
    return ElasticsearchBackend(url or settings.ELASTICSEARCH_URL,
                                index_prefix=settings.SEARCH_INDEX_PREFIX, **options)


def get_backend() -> Backend:
    """The configured backend; one instance a configuration, so its connections are reused."""
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    key = (url, getattr(settings, "SEARCH_INDEX_PREFIX", "dossierflow"))
    if key not in _cache:
        _cache[key] = elastic_backend(url) if url else database_backend()
    return _cache[key]
