"""/api/v1/dossiers: list, detail, create, edit, transitions and history, through
workflow.selectors (who sees what, who may do what) and workflow.services (every write)."""

import math

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from documents.text import clean_text
from workflow import permissions, selectors, services
from workflow.actions import ACCEPT, ACTIONS
from workflow.errors import NotPermitted, TransitionRefused
from workflow.states import DossierKind, Stage

from .schemas import (
    MAX_ID,
    ActionIn,
    AuditOut,
    DossierCreate,
    DossierDetail,
    DossierEdit,
    DossierPage,
    Error,
)

router = Router(tags=["dossiers"])

# 503: an engine behind the answer failed (the database, the documents' storage, the search
# engine); try again later.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 503: Error}


class DossierFilters(Schema):
    kind: DossierKind | None = None
    agency: int | None = Field(None, ge=1, le=MAX_ID)
    stage: Stage | None = None
    overdue: bool | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    text: str | None = Field(None, max_length=200)
    # Newest first by default: the primary key's index, no sort of the whole table.
    ordering: str = Field("-id", pattern=r"^-?(updated_at|created_at|stage_due_on|title|id)$")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(25, ge=1, le=100)


def _labels() -> tuple[dict, dict]:
    """The kinds' and stages' names in the request's language, translated once a page."""
    return (
        {value: str(label) for value, label in DossierKind.choices},
        {value: str(label) for value, label in Stage.choices},
    )


def dossier_out(dossier, labels=None) -> dict:
    kinds, stages = labels or _labels()
    return {
        "id": dossier.pk,
        "kind": dossier.kind,
        "kind_label": kinds.get(dossier.kind, dossier.kind),
        "agency": {
            "id": dossier.agency.pk,
            "code": dossier.agency.code,
            "name": dossier.agency.name,
        },
        "program": dossier.program,
        "title": dossier.title,
        "stage": dossier.state,
        "stage_label": stages.get(dossier.state, dossier.state),
        "stage_due_on": dossier.stage_due_on,
        "decision_number": dossier.decision_number,
        "decision_date": dossier.decision_date,
        "created_at": dossier.created_at,
        "updated_at": dossier.updated_at,
    }


@router.get("", response={200: DossierPage, **ERRORS}, summary="List the dossiers you may see")
def list_dossiers(request, filters: Query[DossierFilters]):
    user = request.auth
    dossiers = selectors.dossiers_matching(
        user,
        kind=filters.kind,
        stage=filters.stage,
        agency=filters.agency,
        year=filters.year,
        overdue=filters.overdue,
    )
    if filters.text and filters.text.strip():
        dossiers = dossiers.filter(title__icontains=clean_text(filters.text))
    # The id breaks ties, in the same direction, so pages never overlap.
    tiebreak = filters.ordering.replace(filters.ordering.lstrip("-"), "id")
    dossiers = dossiers.order_by(*dict.fromkeys([filters.ordering, tiebreak]))
    count = dossiers.count()
    start = (filters.page - 1) * filters.page_size
    page = list(dossiers[start : start + filters.page_size]) if start < count else []
    labels = _labels()
    return {
        "count": count,
        "page": filters.page,
        "pages": max(1, math.ceil(count / filters.page_size)),
        "page_size": filters.page_size,
        "results": [dossier_out(d, labels) for d in page],
    }


def dossier_detail(user, dossier) -> dict:
    open_round = selectors.open_round_of(dossier)
    return {
        **dossier_out(dossier),
        "summary": dossier.summary,
        "round_number": dossier.round_number,
        "actions": [
            {"name": a.name, "label": str(a.label), "needs_comment": a.needs_comment}
            for a in (ACTIONS[name] for name in selectors.available_actions(user, dossier))
        ],
        "may_edit": permissions.may_edit_dossier(user, dossier),
        "may_upload": permissions.may_upload_documents(user, dossier),
        "may_open_round": permissions.may_open_round(user, dossier),
        "may_appraise": permissions.may_appraise(user, dossier),
        "open_round": open_round.pk if open_round else None,
        "checklist": selectors.policy_for(dossier.kind).checklist,
    }


DossierId = Path(..., ge=1, le=MAX_ID)


@router.get("/{dossier_id}", response={200: DossierDetail, **ERRORS}, summary="A dossier")
def get_dossier(request, dossier_id: int = DossierId):
    return dossier_detail(request.auth, selectors.dossier_for(request.auth, dossier_id))


@router.post("", response={201: DossierDetail, **ERRORS}, summary="Create a dossier")
def create_dossier(request, payload: DossierCreate):
    if not permissions.may_create_dossier(request.auth):
        raise NotPermitted(_("Only a drafter of an agency can create a dossier."))
    dossier = services.create_dossier(user=request.auth, **payload.dict())
    detail = dossier_detail(request.auth, selectors.dossier_for(request.auth, dossier.pk))
    return Status(201, detail)


@router.patch("/{dossier_id}", response={200: DossierDetail, **ERRORS}, summary="Edit a dossier")
def edit_dossier(request, payload: DossierEdit, dossier_id: int = DossierId):
    user = request.auth
    dossier = selectors.dossier_for(user, dossier_id)
    if not permissions.may_edit_dossier(user, dossier):
        raise TransitionRefused(_("You cannot edit this dossier at its current stage."))
    fields = {"title": dossier.title, "program": dossier.program, "summary": dossier.summary}
    fields.update(payload.dict(exclude_none=True))
    services.update_dossier(user=user, dossier_id=dossier.pk, **fields)
    return dossier_detail(user, selectors.dossier_for(user, dossier_id))


@router.post(
    "/{dossier_id}/actions/{action}",
    response={200: DossierDetail, **ERRORS},
    summary="Take an action (a transition) on a dossier",
)
def take_action(
    request, payload: ActionIn, dossier_id: int = DossierId, action: str = Path(..., max_length=40)
):
    user = request.auth
    dossier = selectors.dossier_for(user, dossier_id)
    if action not in ACTIONS:
        raise Http404
    if not selectors.is_button_action(action):
        raise TransitionRefused(_("This is decided by a review round or a recorded appraisal."))
    services.transition_dossier(
        dossier_id=dossier.pk,
        action=action,
        user=user,
        comment=payload.comment,
        checked=payload.checked if action == ACCEPT else None,
    )
    return dossier_detail(user, selectors.dossier_for(user, dossier_id))


@router.get(
    "/{dossier_id}/history", response={200: list[AuditOut], **ERRORS}, summary="Audit trail"
)
def history(request, dossier_id: int = DossierId):
    dossier = selectors.dossier_for(request.auth, dossier_id)
    return [
        {
            "id": entry.pk,
            "action": entry.action,
            "actor": entry.actor.get_username() if entry.actor else None,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "comment": entry.comment,
            "details": entry.details,
            "created_at": entry.created_at,
        }
        for entry in selectors.history_of(dossier)
    ]
