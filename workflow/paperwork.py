"""The documents a step of the workflow issues, filled from the workflow's records.

Called inside the transaction that takes the step, so a document exists exactly when its step
happened. Rendering and storage belong to the documents app; this module only says what goes in.
"""

from django.utils import timezone

from documents import services as documents
from documents.generation import (
    KIND_LABELS,
    AppraisalReportData,
    Letterhead,
    MemberVote,
    MinutesData,
    RevisionLetterData,
    Signer,
    Tally,
    render_appraisal_report,
    render_minutes,
    render_revision_letter,
)

from .models import Round, Seat, VoteChoice
from .people import display_name

OFFICE_LEADER = "T/M VĂN PHÒNG TRUNG ƯƠNG ĐẢNG"
SEAT_LABELS = {Seat.CHAIR: "Chủ tịch Hội đồng", Seat.MEMBER: "Ủy viên", Seat.SECRETARY: "Thư ký"}


def _name(user) -> str:
    return display_name(user)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.lstrip("- ").strip() for line in text.splitlines() if line.strip())


def _member_vote(seat, vote) -> MemberVote:
    if vote is None:
        return MemberVote(name=_name(seat.user), role=SEAT_LABELS[seat.role], vote="absent")
    return MemberVote(
        name=_name(seat.user),
        role=SEAT_LABELS[seat.role],
        vote="recused" if vote.choice == VoteChoice.RECUSE else vote.choice,
        comment=" ".join(filter(None, (vote.comment, vote.conditions, vote.conflict))),
    )


def issue_minutes(round_: Round) -> None:
    dossier = round_.dossier
    current = {v.member_id: v for v in round_.votes.filter(correction__isnull=True)}
    seats = list(round_.seats.select_related("user").order_by("role", "id"))
    members = tuple(
        _member_vote(seat, current.get(seat.user_id))
        for seat in seats
        if seat.role != Seat.SECRETARY
    )
    outcome = round_.outcome
    chair = next((s.user for s in seats if s.role == Seat.CHAIR), None)
    secretary = next((s.user for s in seats if s.role == Seat.SECRETARY), round_.opened_by)
    data = MinutesData(
        letterhead=Letterhead(date=timezone.localdate(round_.closed_at)),
        dossier_title=dossier.title,
        agency_name=dossier.agency.name,
        round_number=round_.number,
        members=members,
        tally=Tally(
            members=outcome["seated"] + outcome["recused"],
            recused=outcome["recused"],
            voted=outcome["voted"],
            approve=outcome["approving"] - outcome["with_conditions"],
            approve_with_conditions=outcome["with_conditions"],
            request_revision=0,
            reject=outcome["rejecting"],
            quorum_met=outcome["quorum_met"],
            passed=outcome["passed"],
        ),
        chair=Signer(name=_name(chair), capacity="CHỦ TỊCH HỘI ĐỒNG"),
        secretary=Signer(name=_name(secretary), capacity="THƯ KÝ HỘI ĐỒNG"),
        conditions=tuple(v.conditions for v in current.values() if v.conditions),
    )
    documents.store_generated_document(
        dossier=dossier, doc_type="minutes", data_bytes=render_minutes(data)
    )


def issue_revision_letter(dossier, *, reasons: str, signer) -> None:
    data = RevisionLetterData(
        letterhead=Letterhead(date=timezone.localdate()),
        dossier_title=dossier.title,
        agency_name=dossier.agency.name,
        reasons=_lines(reasons),
        signer=Signer(name=_name(signer), capacity="CHÁNH VĂN PHÒNG", on_behalf_of=OFFICE_LEADER),
        due_date=dossier.stage_due_on,
        round_number=dossier.round_number or None,
    )
    documents.store_generated_document(
        dossier=dossier, doc_type="revision_letter", data_bytes=render_revision_letter(data)
    )


def issue_appraisal_report(appraisal) -> None:
    dossier = appraisal.dossier
    findings = tuple(
        f"{appraisal._meta.get_field(name).verbose_name}: {getattr(appraisal, name)}"
        for name in appraisal.FINDINGS
    )
    data = AppraisalReportData(
        letterhead=Letterhead(date=timezone.localdate(appraisal.created_at)),
        dossier_title=dossier.title,
        agency_name=dossier.agency.name,
        kind_label=KIND_LABELS.get(dossier.kind, dossier.kind),
        findings=findings,
        conclusion=str(appraisal.get_recommendation_display()),
        signer=Signer(name=_name(appraisal.appraiser), capacity="CHUYÊN VIÊN THẨM ĐỊNH"),
    )
    documents.store_generated_document(
        dossier=dossier, doc_type="appraisal_report", data_bytes=render_appraisal_report(data)
    )


def issue_decision(dossier, *, approver, comment: str) -> None:
    documents.issue_decision(
        dossier=dossier,
        signer=Signer(name=_name(approver), capacity="CHÁNH VĂN PHÒNG", on_behalf_of=OFFICE_LEADER),
        conditions=_lines(comment),
    )
