"""What the API accepts and answers: pydantic schemas (they are the OpenAPI schema too).

Input refuses unknown fields, control characters and oversized text, so a bad request is a 400
naming the field, never a 500.
"""

import datetime
import unicodedata
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from documents.text import clean_text
from workflow.models import Recommendation, VoteChoice
from workflow.states import DossierKind

MAX_ID = 2**53  # larger ids cannot exist; refusing them keeps the database from overflowing


def _no_control_characters(value: str) -> str:
    # The one free-text cleaner decides what a control character is; the API refuses what it
    # would drop or change, so a client learns its text is not stored as sent.
    if clean_text(value) != unicodedata.normalize("NFC", value).strip():
        raise ValueError(_("Control characters are not allowed."))
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError(_("Unpaired surrogate characters are not allowed."))
    return value


def text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        Field(max_length=max_length, min_length=min_length),
        AfterValidator(_no_control_characters),
    ]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Out(BaseModel):
    """Answers are built as dicts by the routes: plain pydantic validates them without ninja's
    attribute-reading wrapper (measurably faster on a page of 50)."""


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class Error(Out):
    detail: str
    errors: list[dict] = []


# --- dossiers ---


class AgencyOut(Out):
    id: int
    code: str
    name: str


class DossierOut(Out):
    id: int
    kind: str
    kind_label: str
    agency: AgencyOut
    program: str
    title: str
    stage: str
    stage_label: str
    stage_due_on: datetime.date | None
    decision_number: str
    decision_date: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class DossierPage(Out):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[DossierOut]


class ActionOut(Out):
    name: str
    label: str
    needs_comment: bool


class DossierDetail(DossierOut):
    summary: str
    round_number: int
    actions: list[ActionOut]
    may_edit: bool
    may_upload: bool
    may_open_round: bool
    may_appraise: bool
    open_round: int | None
    checklist: list[str]


class DossierCreate(Input):
    kind: DossierKind
    program: text(200, 1)
    title: text(500, 1)
    summary: text(20000) = ""


class DossierEdit(Input):
    program: text(200, 1) | None = None
    title: text(500, 1) | None = None
    summary: text(20000) | None = None


class ActionIn(Input):
    comment: text(5000) = ""
    # For "accept": the items of the kind's completeness checklist the secretary checked
    # (the dossier's `checklist`); every one must be there, as on the page.
    checked: list[text(500)] = Field(default_factory=list, max_length=100)


class AuditOut(Out):
    id: int
    action: str
    actor: str | None
    from_state: str
    to_state: str
    comment: str
    details: dict
    created_at: datetime.datetime


# --- rounds and appraisal ---


class RoundOpen(Input):
    chair_id: Id
    member_ids: list[Id] = Field(max_length=200)
    due_on: datetime.date | None = None


class VoteIn(Input):
    choice: VoteChoice
    comment: text(5000) = ""
    conditions: text(5000) = ""
    conflict: text(5000) = ""


class SeatOut(Out):
    user_id: int
    name: str
    role: str


class VoteOut(Out):
    id: int
    member_id: int
    member: str
    choice: str
    comment: str
    conditions: str
    conflict: str
    cast_at: datetime.datetime
    supersedes: int | None


class RoundOut(Out):
    id: int
    number: int
    stage: str
    due_on: datetime.date
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    result: str
    outcome: dict
    seats: list[SeatOut]
    votes: list[VoteOut] = Field(
        description="How each member voted: once the round has closed, never for a secret ballot"
    )
    voted: list[int] = Field(description="The members whose vote counts now (who has voted)")


class AppraisalIn(Input):
    legal_basis: text(20000, 1)
    necessity: text(20000, 1)
    technical_solution: text(20000, 1)
    information_security: text(20000, 1)
    budget: text(20000, 1)
    schedule: text(20000, 1)
    recommendation: Recommendation


class AppraisalOut(Out):
    id: int
    recommendation: str
    created_at: datetime.datetime


# --- documents ---


class VersionOut(Out):
    id: int
    number: int
    size: int
    sha256: str
    original_filename: str
    frozen: bool
    created_at: datetime.datetime


class DocumentOut(Out):
    id: int
    doc_type: str
    title: str
    versions: list[VersionOut]


class VersionText(Out):
    id: int
    document_id: int
    number: int
    text: str
