"""/api/v1/dossiers/{id}/rounds and /appraisal: the council's rounds and the appraiser's findings,
through workflow.services (they check who may do what) after workflow.selectors' 404."""

from django.http import Http404
from ninja import Path, Router, Status

from workflow import selectors, services
from workflow.people import display_name

from .dossiers import ERRORS, DossierId
from .schemas import MAX_ID, AppraisalIn, AppraisalOut, RoundOpen, RoundOut, VoteIn, VoteOut

router = Router(tags=["rounds"])
RoundId = Path(..., ge=1, le=MAX_ID)


def _vote_out(vote) -> dict:
    return {
        "id": vote.pk,
        "member_id": vote.member_id,
        "member": display_name(vote.member),
        "choice": vote.choice,
        "comment": vote.comment,
        "conditions": vote.conditions,
        "conflict": vote.conflict,
        "cast_at": vote.cast_at,
        "supersedes": vote.supersedes_id,
    }


def _round_out(round_) -> dict:
    return {
        "id": round_.pk,
        "number": round_.number,
        "stage": round_.stage,
        "due_on": round_.due_on,
        "opened_at": round_.opened_at,
        "closed_at": round_.closed_at,
        "result": round_.result,
        "outcome": round_.outcome,
        "seats": [
            {"user_id": s.user_id, "name": display_name(s.user), "role": s.role}
            for s in round_.seats.all()
        ],
        # How each member voted, where the page shows it too (permissions.ballots_are_shown);
        # while the round is open, who has voted.
        "votes": [_vote_out(v) for v in round_.shown_votes],
        "voted": [v.member_id for v in round_.current_votes],
    }


def _round_of(user, dossier_id, round_id):
    dossier = selectors.dossier_for(user, dossier_id)
    for round_ in selectors.rounds_of(dossier):
        if round_.pk == round_id:
            return round_
    raise Http404


@router.get(
    "/{dossier_id}/rounds",
    response={200: list[RoundOut], **ERRORS},
    summary="The dossier's review rounds, seats and votes",
)
def list_rounds(request, dossier_id: int = DossierId):
    dossier = selectors.dossier_for(request.auth, dossier_id)
    return [_round_out(r) for r in selectors.rounds_of(dossier)]


@router.post(
    "/{dossier_id}/rounds",
    response={201: RoundOut, **ERRORS},
    summary="Open a review round (council secretary)",
)
def open_round(request, payload: RoundOpen, dossier_id: int = DossierId):
    dossier = selectors.dossier_for(request.auth, dossier_id)
    round_ = services.open_round(
        user=request.auth,
        dossier_id=dossier.pk,
        chair_id=payload.chair_id,
        member_ids=payload.member_ids,
        due_on=payload.due_on,
    )
    return Status(201, _round_out(_round_of(request.auth, dossier_id, round_.pk)))


@router.post(
    "/{dossier_id}/rounds/{round_id}/votes",
    response={201: VoteOut, **ERRORS},
    summary="Vote in a round; a second vote is a correction",
)
def vote(request, payload: VoteIn, dossier_id: int = DossierId, round_id: int = RoundId):
    # The 404s of _round_of in one query: a vote answers with the vote, not the whole round.
    if not selectors.is_round_of(selectors.dossier_for(request.auth, dossier_id), round_id):
        raise Http404
    cast = services.cast_vote(user=request.auth, round_id=round_id, **payload.dict())
    return Status(201, _vote_out(cast))


@router.post(
    "/{dossier_id}/rounds/{round_id}/close",
    response={200: RoundOut, **ERRORS},
    summary="Close and tally a round early (council secretary)",
)
def close_round(request, dossier_id: int = DossierId, round_id: int = RoundId):
    _round_of(request.auth, dossier_id, round_id)
    services.close_round(user=request.auth, round_id=round_id)
    return _round_out(_round_of(request.auth, dossier_id, round_id))


@router.post(
    "/{dossier_id}/appraisal",
    response={201: AppraisalOut, **ERRORS},
    summary="Record the appraisal (appraiser)",
)
def appraise(request, payload: AppraisalIn, dossier_id: int = DossierId):
    dossier = selectors.dossier_for(request.auth, dossier_id)
    appraisal = services.record_appraisal(
        user=request.auth, dossier_id=dossier.pk, **payload.dict()
    )
    out = {
        "id": appraisal.pk,
        "recommendation": appraisal.recommendation,
        "created_at": appraisal.created_at,
    }
    return Status(201, out)
