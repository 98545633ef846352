"""What the workflow hands the documents app: the documents a step issues, filled from the
workflow's records; when a dossier's documents freeze; and who may see and change them.

Called inside the transaction that takes the step, so a document exists exactly when its step
happened. Rendering and storage belong to the documents app, which never imports workflow: it
asks the `DocumentAccess` registered here (workflow/apps.py) for the permission decisions.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from documents import services as documents
from documents.errors import DocumentLocked, NotPermitted
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
from documents.models import DocumentType

from . import decisions, permissions, selectors
from .models import RegisterEntry, Round, Seat, VoteChoice
from .people import display_name
from .signatures import signer_of
from .states import EDITABLE_STAGES, FREEZING_STAGES, SEALED_STAGES

SEAT_LABELS = {Seat.CHAIR: "Chủ tịch Hội đồng", Seat.MEMBER: "Ủy viên", Seat.SECRETARY: "Thư ký"}


class DocumentAccess:
    """The workflow's answers to documents.access.DossierAccess."""

    def dossier_for(self, user, pk):
        return selectors.dossier_for(user, pk)

    def may_see(self, user, dossier) -> bool:
        return permissions.may_see(user, dossier)

    def lock_dossier(self, pk):
        return selectors.lock_dossier(pk)

    def may_upload(self, user, dossier) -> bool:
        return permissions.may_upload_documents(user, dossier)

    def upload_refusal(self, user, dossier):
        if permissions.may_upload_documents(user, dossier):
            return None
        if dossier.state in EDITABLE_STAGES:
            return NotPermitted(
                _("Only a drafter of the dossier's agency can upload its documents.")
            )
        return DocumentLocked(
            _(
                "The dossier is at the stage “%(stage)s”: documents can be uploaded only while "
                "it is a draft or a revision has been requested."
            ),
            {"stage": dossier.get_state_display()},
        )

    def is_sealed(self, dossier) -> bool:
        return dossier.state in SEALED_STAGES


def freeze_documents(dossier) -> None:
    """After a transition, in its transaction: submission freezes the submitted versions, a
    decision or a withdrawal seals them all."""
    if dossier.state in FREEZING_STAGES:
        documents.freeze_versions(dossier)


def _name(user) -> str:
    return display_name(user)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.lstrip("- ").strip() for line in text.splitlines() if line.strip())


def _member_vote(seat, vote, *, secret: bool) -> MemberVote:
    if vote is None:
        return MemberVote(name=_name(seat.user), role=SEAT_LABELS[seat.role], vote="absent")
    if secret and vote.choice != VoteChoice.RECUSE:
        return MemberVote(name=_name(seat.user), role=SEAT_LABELS[seat.role], vote="secret")
    return MemberVote(
        name=_name(seat.user),
        role=SEAT_LABELS[seat.role],
        vote="recused" if vote.choice == VoteChoice.RECUSE else vote.choice,
        comment=" ".join(filter(None, (vote.comment, vote.conditions, vote.conflict))),
    )


def _texts_of(votes, choice) -> tuple[str, ...]:
    return tuple(v.conditions for v in votes if v.choice == choice and v.conditions)


def issue_minutes(round_: Round, votes) -> None:
    """`votes`: the round's current votes, as the tally just read them."""
    dossier = round_.dossier
    current = {v.member_id: v for v in votes}
    seats = list(round_.seats.select_related("user").order_by("role", "id"))
    members = tuple(
        _member_vote(seat, current.get(seat.user_id), secret=round_.secret_ballot)
        for seat in seats
        if seat.role != Seat.SECRETARY
    )
    outcome = round_.outcome
    chair = next((s.user for s in seats if s.role == Seat.CHAIR), None)
    secretary = next((s.user for s in seats if s.role == Seat.SECRETARY), None) or round_.opened_by
    letterhead = _numbered(decisions.MINUTES, timezone.localdate(round_.closed_at))
    data = MinutesData(
        letterhead=letterhead,
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
            reject=outcome["rejecting"],
            abstain=outcome["abstaining"],
            quorum_met=outcome["quorum_met"],
            passed=outcome["passed"],
        ),
        chair=Signer(name=_name(chair), capacity="CHỦ TỊCH HỘI ĐỒNG"),
        secretary=Signer(name=_name(secretary), capacity="THƯ KÝ HỘI ĐỒNG"),
        conditions=_texts_of(current.values(), VoteChoice.APPROVE_WITH_CONDITIONS),
        rejection_reasons=_texts_of(current.values(), VoteChoice.REJECT),
        secret_ballot=round_.secret_ballot,
    )
    version = documents.store_generated_document(
        dossier=dossier, doc_type=DocumentType.MINUTES, data_bytes=render_minutes(data)
    )
    _register(
        version,
        letterhead,
        f"Biên bản họp Hội đồng xét duyệt hồ sơ “{dossier.title}” (vòng {round_.number})",
    )


def issue_revision_letter(dossier, *, reasons: str, signer) -> None:
    letterhead = _numbered(decisions.NOTICE, timezone.localdate())
    data = RevisionLetterData(
        letterhead=letterhead,
        dossier_title=dossier.title,
        agency_name=dossier.agency.name,
        reasons=_lines(reasons),
        signer=signer_of(signer),
        due_date=dossier.stage_due_on,
        round_number=dossier.round_number or None,
    )
    version = documents.store_generated_document(
        dossier=dossier,
        doc_type=DocumentType.REVISION_LETTER,
        data_bytes=render_revision_letter(data),
    )
    _register(version, letterhead, f"Đề nghị chỉnh sửa, bổ sung hồ sơ “{dossier.title}”")


def issue_appraisal_report(appraisal) -> None:
    dossier = appraisal.dossier
    with translation.override("vi"):  # a Party document, whoever records it
        findings = tuple(
            (str(appraisal._meta.get_field(name).verbose_name), getattr(appraisal, name))
            for name in appraisal.FINDINGS
        )
    letterhead = _numbered(decisions.REPORT, timezone.localdate(appraisal.created_at))
    data = AppraisalReportData(
        letterhead=letterhead,
        dossier_title=dossier.title,
        agency_name=dossier.agency.name,
        kind_label=KIND_LABELS.get(dossier.kind, dossier.kind),
        findings=findings,
        recommendation=appraisal.recommendation,
        signer=signer_of(appraisal.appraiser, fallback_title="Chuyên viên thẩm định"),
    )
    version = documents.store_generated_document(
        dossier=dossier,
        doc_type=DocumentType.APPRAISAL_REPORT,
        data_bytes=render_appraisal_report(data),
    )
    _register(version, letterhead, f"Kết quả thẩm định hồ sơ “{dossier.title}”")


def issue_decision(dossier, *, approver, comment: str) -> None:
    version = documents.store_decision(
        dossier=dossier,
        signer=signer_of(approver),
        conditions=_lines(comment),
        appraised=dossier.needs_appraisal,
    )
    letterhead = Letterhead(date=dossier.decision_date, number=dossier.decision_number)
    _register(version, letterhead, f"Phê duyệt hồ sơ “{dossier.title}”")


def preview_decision(dossier, *, approver) -> bytes:
    """The decision the approver would issue now, unnumbered, for reading before approving."""
    return documents.preview_decision(
        dossier=dossier,
        signer=signer_of(approver),
        on=timezone.localdate(),
        number_series=f"{decisions.DECISION}/{settings.DECISION_ISSUING_BODY}",
        appraised=dossier.needs_appraisal,
    )


def _numbered(series: str, on) -> Letterhead:
    """A letterhead with the next number of the document type's series."""
    return Letterhead(date=on, number=decisions.allocate_number(series=series, on=on))


def _register(version, letterhead: Letterhead, subject: str) -> None:
    """Write the issued document into the office's register, in the issuing transaction."""
    number = letterhead.number
    RegisterEntry.objects.create(
        number=number,
        series=number.split("-", 1)[1].split("/", 1)[0],
        year=letterhead.date.year,
        issued_on=letterhead.date,
        dossier_id=version.document.dossier_id,
        doc_type=version.document.doc_type,
        version_id=version.pk,
        subject=subject[:600],
    )
