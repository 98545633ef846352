"""/api/v1/search: the search page's own JSON rendering (search.views.search_api), so the query
language, filters, facets and highlights are the page's, with the API's authentication."""

import datetime
import json
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from search import views as search_views
from search.forms import DOC_TYPE_LABELS
from workflow.states import DossierKind, Stage

from .dossiers import ERRORS
from .schemas import Out

router = Router(tags=["search"])
DocType = Literal[tuple(DOC_TYPE_LABELS)]


class SearchQuery(Schema):
    q: str = Field("", max_length=500, description='Words, "phrases", -excluded, OR')
    agency: list[int] = []
    kind: list[DossierKind] = []
    stage: list[Stage] = []
    type: list[DocType] = []
    decision: str = Field("", max_length=100)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: Literal["relevance", "date", ""] = "relevance"
    page: int = Field(1, ge=1, le=500)


class Facet(Out):
    value: str | int
    count: int
    label: str


class HitDossier(Out):
    id: int
    url: str
    agency: dict
    kind: str
    kind_label: str
    stage: str
    stage_label: str
    decision_number: str


class HitDocument(Out):
    type: str
    type_label: str
    title: str
    url: str
    date: str | None


class Hit(Out):
    key: str
    dossier: HitDossier
    document: HitDocument
    score: float | None
    title_html: str
    snippets_html: list[str]


class SearchResult(Out):
    total: int
    page: int
    pages: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[Facet]]


@router.get(
    "", response={200: SearchResult, **ERRORS}, summary="Search dossiers and documents"
)
def search(request, query: Query[SearchQuery]):
    # Validated above for the schema; the search form reads the same parameters itself.
    response = search_views.search_api(request)
    if response.status_code != 200:
        return Status(response.status_code, {"detail": json.loads(response.content)["error"]})
    return response
