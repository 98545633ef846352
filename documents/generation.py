"""The documents the system issues: council minutes, revision-request letter, appraisal report and
approval decision, each filled from a plain data class into its .docx template
(documents.templating), which an office can edit in Word.

The workflow app fills the data classes; nothing here reads the database. The text is Vietnamese
whatever the reader's interface language: these are official documents, not interface.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from . import layout, templating
from .layout import Letterhead, Signer

__all__ = [
    "AppraisalReportData",
    "DecisionData",
    "Letterhead",
    "MemberVote",
    "MinutesData",
    "RevisionLetterData",
    "Signer",
    "Tally",
    "render_appraisal_report",
    "render_decision",
    "render_minutes",
    "render_revision_letter",
]

# Vote codes the workflow may pass instead of a ready label.
VOTE_LABELS = {
    "approve": "Tán thành",
    "approve_with_conditions": "Tán thành có điều kiện",
    "reject": "Không tán thành",
    "abstain": "Không biểu quyết",
    "recused": "Không tham gia (xung đột lợi ích)",
    "absent": "Vắng mặt",
    "secret": "Đã bỏ phiếu kín",
}

OFFICE = "Văn phòng Trung ương Đảng"

# Dossier kinds as the documents name them (lower case, inside a sentence).
KIND_LABELS = {
    "plan": "kế hoạch ứng dụng công nghệ thông tin",
    "investment_report": "báo cáo đề xuất chủ trương đầu tư",
    "project": "dự án ứng dụng công nghệ thông tin",
}


@dataclass(frozen=True)
class MemberVote:
    name: str
    role: str  # "Chủ tịch Hội đồng", "Ủy viên", …
    vote: str  # a code of VOTE_LABELS or a label
    comment: str = ""


@dataclass(frozen=True)
class Tally:
    members: int
    recused: int
    voted: int
    approve: int
    approve_with_conditions: int
    reject: int
    quorum_met: bool
    passed: bool
    abstain: int = 0


@dataclass(frozen=True)
class MinutesData:
    letterhead: Letterhead
    dossier_title: str
    agency_name: str
    round_number: int
    members: tuple[MemberVote, ...]
    tally: Tally
    chair: Signer
    secretary: Signer
    # Only from approvals with conditions; the reasons of those who rejected come separately.
    conditions: tuple[str, ...] = ()
    rejection_reasons: tuple[str, ...] = ()
    meeting_place: str = "trụ sở Văn phòng Trung ương Đảng"
    conclusion: str = ""
    # A secret ballot: the members' table says who took part, never how they voted.
    secret_ballot: bool = False


@dataclass(frozen=True)
class RevisionLetterData:
    letterhead: Letterhead
    dossier_title: str
    agency_name: str
    reasons: tuple[str, ...]
    signer: Signer
    due_date: datetime.date | None = None
    round_number: int | None = None


@dataclass(frozen=True)
class AppraisalReportData:
    letterhead: Letterhead
    dossier_title: str
    agency_name: str
    kind_label: str  # "báo cáo đề xuất chủ trương đầu tư", "dự án ứng dụng công nghệ thông tin"
    findings: tuple[tuple[str, str], ...]  # (heading as the form names it, the appraiser's text)
    recommendation: str  # "approve", "reject" or "revise"
    signer: Signer
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionData:
    letterhead: Letterhead  # its number is the decision number, e.g. "12-QĐ/VPTW"
    dossier_title: str
    agency_name: str
    kind_label: str  # "kế hoạch ứng dụng công nghệ thông tin", …
    signer: Signer
    legal_bases: tuple[str, ...] = (
        "Căn cứ Điều lệ Đảng;",
        "Căn cứ Quyết định số 27-QĐ/TW ngày 10/8/2021 của Ban Bí thư về Chương trình ứng dụng "
        "công nghệ thông tin trong hoạt động của các cơ quan Đảng giai đoạn 2021–2025;",
    )
    # Whether an appraisal preceded the decision: a plan has none to cite.
    appraised: bool = True
    conditions: tuple[str, ...] = ()
    recipients: tuple[str, ...] = field(default=())
    authority: str = "CHÁNH VĂN PHÒNG TRUNG ƯƠNG ĐẢNG"


def _vote_label(vote: str) -> str:
    return VOTE_LABELS.get(vote, vote)


def _letterhead(head: Letterhead) -> dict:
    return {
        "parent_body": head.parent_body,
        "issuing_body": head.issuing_body,
        "number": head.number,
        "date_line": layout.date_line(head.place, head.date),
    }


def _render(name: str, data, subject: str, **context) -> bytes:
    return templating.render(
        name,
        {**_letterhead(data.letterhead), "subject": subject, **context},
        title=subject,
        author=OFFICE,
        date=data.letterhead.date,
    )


def _day(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def render_minutes(data: MinutesData) -> bytes:
    subject = f"Họp Hội đồng xét duyệt hồ sơ “{data.dossier_title}” (vòng {data.round_number})"
    t = data.tally
    if not t.quorum_met:
        result = (
            "Không đủ số thành viên biểu quyết theo quy định: vòng xét duyệt không có giá trị, "
            "Hội đồng sẽ họp lại."
        )
    else:
        outcome = "THÔNG QUA" if t.passed else "KHÔNG THÔNG QUA"
        result = f"Đủ số thành viên theo quy định. Kết quả: {outcome}."
    sections = [
        (heading, items)
        for heading, items in (
            ("CÁC ĐIỀU KIỆN KÈM THEO", data.conditions),
            ("LÝ DO KHÔNG TÁN THÀNH", data.rejection_reasons),
        )
        if items
    ]
    return _render(
        "minutes",
        data,
        subject,
        opening=(
            f"Ngày {_day(data.letterhead.date)}, tại {data.meeting_place}, Hội đồng xét duyệt "
            f"họp xem xét hồ sơ “{data.dossier_title}” của {data.agency_name}, vòng xét duyệt "
            f"thứ {data.round_number}."
        ),
        members=[
            {**dataclasses.asdict(m), "vote": _vote_label(m.vote)} for m in data.members
        ],
        tally=t,
        counts=(
            f"{VOTE_LABELS['approve']}: {t.approve}; "
            f"{VOTE_LABELS['approve_with_conditions'].lower()}: {t.approve_with_conditions}; "
            f"{VOTE_LABELS['reject'].lower()}: {t.reject}; "
            f"{VOTE_LABELS['abstain'].lower()}: {t.abstain}."
        ),
        result=result,
        sections=[
            {"heading": f"{number}. {heading}", "items": items}
            for number, (heading, items) in zip(("III", "IV"), sections, strict=False)
        ],
        conclusion=data.conclusion,
        chair=data.chair,
        secretary=data.secretary,
    )


def render_revision_letter(data: RevisionLetterData) -> bytes:
    subject = f"Đề nghị chỉnh sửa, bổ sung hồ sơ “{data.dossier_title}”"
    return _render(
        "revision_letter",
        data,
        subject,
        agency_name=data.agency_name,
        dossier_title=data.dossier_title,
        round_text=f" tại vòng xét duyệt thứ {data.round_number}" if data.round_number else "",
        reasons=data.reasons,
        due_date=_day(data.due_date) if data.due_date else "",
        recipients=["Như trên"],
        signer=data.signer,
    )


def render_appraisal_report(data: AppraisalReportData) -> bytes:
    subject = f"Kết quả thẩm định {data.kind_label} “{data.dossier_title}”"
    return _render(
        "appraisal_report",
        data,
        subject,
        agency_name=data.agency_name,
        findings=[(f"{heading[:1].upper()}{heading[1:]}", text) for heading, text in data.findings],
        conclusion=_appraisal_conclusion(data),
        conditions=data.conditions,
        recipients=["Lãnh đạo Văn phòng", data.agency_name],
        signer=data.signer,
    )


def _appraisal_conclusion(data: AppraisalReportData) -> str:
    subject = f"{data.kind_label} “{data.dossier_title}” của {data.agency_name}"
    return {
        "approve": f"Hồ sơ {subject} đủ điều kiện; đề nghị lãnh đạo Văn phòng xem xét, phê duyệt.",
        "reject": f"Hồ sơ {subject} chưa đủ điều kiện; đề nghị lãnh đạo Văn phòng không phê duyệt.",
        "revise": f"Đề nghị {data.agency_name} chỉnh sửa, bổ sung {data.kind_label} "
        f"“{data.dossier_title}” theo các ý kiến thẩm định nêu trên trước khi trình phê duyệt.",
    }[data.recommendation]


def decision_recipients(agency_name: str, others=()) -> tuple[str, ...]:
    """`Như Điều 3` (which names the agency), then each other recipient once."""
    return ("Như Điều 3", *dict.fromkeys(r for r in others if r and r != agency_name))


def render_decision(data: DecisionData) -> bytes:
    subject = f"Phê duyệt {data.kind_label} “{data.dossier_title}”"
    review = "kết quả xét duyệt của Hội đồng xét duyệt"
    if data.appraised:
        review += " và Báo cáo kết quả thẩm định"
    return _render(
        "decision",
        data,
        subject,
        authority=data.authority,
        legal_bases=data.legal_bases,
        proposal=f"Xét đề nghị của {data.agency_name}, {review},",
        kind_label=data.kind_label,
        dossier_title=data.dossier_title,
        agency_name=data.agency_name,
        conditions=data.conditions,
        recipients=decision_recipients(data.agency_name, data.recipients),
        signer=data.signer,
    )
