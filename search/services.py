"""The search a user runs, and the entry points of search's writes (outbox.py, rebuild.py).

Index updates go through a transactional outbox (outbox.py): if the engine is down the workflow
action still succeeds; the updates wait, with their attempts and last error, and are applied by
the worker (jobs.run_search_outbox), `manage.py search_process_outbox` or `search_status
--process`.
"""

import logging

from django.utils.translation import gettext_lazy as _

from documents.errors import DomainError
from documents.ids import parse_id

from .backends import get_backend
from .backends.base import (
    MAX_PER_PAGE,
    SORTS,
    Backend,
    Filters,
    RequestRejected,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from .entries import count_dossiers, entries_for, iter_all_entries  # noqa: F401 - the API
from .outbox import (  # noqa: F401 - the API of search's writes
    OutboxReport,
    backlog,
    enqueue_dossier,
    process_outbox,
    process_outbox_quietly,
)
from .query import QueryError, parse
from .rebuild import rebuild_index  # noqa: F401

logger = logging.getLogger(__name__)


class SearchError(DomainError):
    """A search that cannot be answered; str(error) is a message for the user.

    status: 400 when the query is at fault, 503 when the engine is.
    """

    def __init__(self, message, status: int = 400):
        super().__init__(message)
        self.status = status


# -- searching -------------------------------------------------------------------------------------


def search(*, user, text: str, filters: Filters | None = None, sort: str = "relevance",
           page: int = 1, per_page: int = 20, backend: Backend | None = None) -> SearchResult:
    """What `user` may see that matches `text` and the filters. Raises SearchError for the user."""
    from workflow.selectors import visible_agency_ids

    filters = filters or Filters()
    if any(parse_id(agency_id) is None for agency_id in filters.agency_ids):
        raise SearchError(_("There is no such agency: check the agency filter."))
    try:
        query = parse(text, allow_empty=not filters.is_empty)
    except QueryError as error:
        raise SearchError(str(error)) from error
    visible = visible_agency_ids(user) if user is not None else None
    request = SearchRequest(
        query=query,
        filters=filters,
        visible_agency_ids=frozenset(visible) if visible is not None else None,
        sort=sort if sort in SORTS else SORTS[0],
        page=max(1, page),
        per_page=max(1, min(per_page, MAX_PER_PAGE)),
    )
    try:
        return (backend or get_backend()).search(request)
    except RequestRejected as error:
        logger.warning("search refused by the engine: %s", error)
        raise SearchError(_("This search cannot be run: check the search fields.")) from error
    except SearchUnavailable as error:
        logger.warning("search failed: %s", error)
        raise SearchError(
            _("Search is unavailable at the moment. Please try again in a few minutes."),
            status=503,
        ) from error
