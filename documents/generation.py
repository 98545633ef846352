"""The documents the system issues: council minutes, revision-request letter, appraisal report and
approval decision, each rendered from a plain data class in the Party layout (documents.layout).

The workflow app fills the data classes; nothing here reads the database. The text is Vietnamese
whatever the reader's interface language: these are official documents, not interface.
"""

import datetime
from dataclasses import dataclass, field

from docx.shared import Mm

from . import layout
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


def _numbered(document, items):
    for i, text in enumerate(items, start=1):
        layout.body(document, f"{i}. {text}")


def _vote_label(vote: str) -> str:
    return VOTE_LABELS.get(vote, vote)


def render_minutes(data: MinutesData) -> bytes:
    subject = f"Họp Hội đồng xét duyệt hồ sơ “{data.dossier_title}” (vòng {data.round_number})"
    document = layout.new_document(title=subject, author=OFFICE, date=data.letterhead.date)
    layout.letterhead(document, data.letterhead)
    layout.heading(document, "BIÊN BẢN", subject)
    day = data.letterhead.date
    layout.body(
        document,
        f"Ngày {day.day:02d}/{day.month:02d}/{day.year}, tại {data.meeting_place}, Hội đồng xét "
        f"duyệt họp xem xét hồ sơ “{data.dossier_title}” của {data.agency_name}, "
        f"vòng xét duyệt thứ {data.round_number}.",
    )
    layout.body(document, "I. THÀNH PHẦN VÀ Ý KIẾN CỦA THÀNH VIÊN HỘI ĐỒNG", bold=True)
    layout.grid(
        document,
        ("STT", "Họ và tên", "Chức danh", "Biểu quyết", "Ý kiến"),
        [
            (i, m.name, m.role, _vote_label(m.vote), m.comment)
            for i, m in enumerate(data.members, start=1)
        ],
        (Mm(12), Mm(40), Mm(30), Mm(33), Mm(50)),
    )
    t = data.tally
    layout.body(document, "II. KẾT QUẢ BIỂU QUYẾT", bold=True)
    layout.body(
        document,
        f"Tổng số thành viên: {t.members}; không tham gia do xung đột lợi ích: {t.recused}; "
        f"số thành viên biểu quyết: {t.voted}.",
    )
    layout.body(
        document,
        f"{VOTE_LABELS['approve']}: {t.approve}; "
        f"{VOTE_LABELS['approve_with_conditions'].lower()}: {t.approve_with_conditions}; "
        f"{VOTE_LABELS['reject'].lower()}: {t.reject}; "
        f"{VOTE_LABELS['abstain'].lower()}: {t.abstain}.",
    )
    if not t.quorum_met:
        layout.body(
            document,
            "Không đủ số thành viên biểu quyết theo quy định: vòng xét duyệt không có giá trị, "
            "Hội đồng sẽ họp lại.",
            bold=True,
        )
    else:
        outcome = "THÔNG QUA" if t.passed else "KHÔNG THÔNG QUA"
        layout.body(document, f"Đủ số thành viên theo quy định. Kết quả: {outcome}.", bold=True)
    sections = iter(("III", "IV"))
    if data.conditions:
        layout.body(document, f"{next(sections)}. CÁC ĐIỀU KIỆN KÈM THEO", bold=True)
        _numbered(document, data.conditions)
    if data.rejection_reasons:
        layout.body(document, f"{next(sections)}. LÝ DO KHÔNG TÁN THÀNH", bold=True)
        _numbered(document, data.rejection_reasons)
    if data.conclusion:
        layout.body(document, data.conclusion)
    layout.body(document, "Biên bản được lập thành 02 bản, lưu hồ sơ và gửi đơn vị đề xuất.")
    layout.signature(document, (data.secretary, data.chair))
    return layout.save_reproducibly(document)


def render_revision_letter(data: RevisionLetterData) -> bytes:
    subject = f"Đề nghị chỉnh sửa, bổ sung hồ sơ “{data.dossier_title}”"
    document = layout.new_document(title=subject, author=OFFICE, date=data.letterhead.date)
    layout.letterhead(document, data.letterhead)
    layout.heading(document, "THÔNG BÁO", subject)
    layout.line(document, f"Kính gửi: {data.agency_name}", bold=True, space_after=6)
    round_text = f" tại vòng xét duyệt thứ {data.round_number}" if data.round_number else ""
    layout.body(
        document,
        f"Qua xem xét hồ sơ “{data.dossier_title}”{round_text}, Văn phòng Trung ương Đảng "
        f"đề nghị {data.agency_name} chỉnh sửa, bổ sung các nội dung sau:",
    )
    _numbered(document, data.reasons)
    if data.due_date:
        due = data.due_date
        layout.body(
            document,
            f"Hồ sơ đã chỉnh sửa, bổ sung đề nghị gửi lại trước ngày "
            f"{due.day:02d}/{due.month:02d}/{due.year}.",
        )
    layout.signature(document, (data.signer,), recipients=("Như trên",))
    return layout.save_reproducibly(document)


def render_appraisal_report(data: AppraisalReportData) -> bytes:
    subject = f"Kết quả thẩm định {data.kind_label} “{data.dossier_title}”"
    document = layout.new_document(title=subject, author=OFFICE, date=data.letterhead.date)
    layout.letterhead(document, data.letterhead)
    layout.heading(document, "BÁO CÁO", subject)
    layout.body(document, f"Đơn vị đề xuất: {data.agency_name}.")
    layout.body(document, "I. Ý KIẾN THẨM ĐỊNH", bold=True)
    for i, (heading, text) in enumerate(data.findings, start=1):
        layout.body(document, f"{i}. {heading[:1].upper()}{heading[1:]}", bold=True)
        layout.body(document, text)
    layout.body(document, "II. KẾT LUẬN", bold=True)
    layout.body(document, _appraisal_conclusion(data))
    if data.conditions:
        layout.body(document, "III. CÁC ĐIỀU KIỆN KÈM THEO", bold=True)
        _numbered(document, data.conditions)
    layout.signature(document, (data.signer,), recipients=("Lãnh đạo Văn phòng", data.agency_name))
    return layout.save_reproducibly(document)


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
    document = layout.new_document(title=subject, author=OFFICE, date=data.letterhead.date)
    layout.letterhead(document, data.letterhead)
    layout.heading(document, "QUYẾT ĐỊNH", subject)
    layout.line(document, data.authority, bold=True, space_after=6)
    for basis in data.legal_bases:
        layout.body(document, basis, italic=True)
    review = "kết quả xét duyệt của Hội đồng xét duyệt"
    if data.appraised:
        review += " và Báo cáo kết quả thẩm định"
    layout.body(document, f"Xét đề nghị của {data.agency_name}, {review},", italic=True)
    layout.line(document, "QUYẾT ĐỊNH", bold=True, space_after=6)
    layout.body(
        document,
        f"Điều 1. Phê duyệt {data.kind_label} “{data.dossier_title}” của {data.agency_name}.",
    )
    if data.conditions:
        layout.body(document, "Điều 2. Việc triển khai bảo đảm các điều kiện sau:")
        _numbered(document, data.conditions)
    else:
        layout.body(
            document,
            f"Điều 2. {data.agency_name} tổ chức triển khai theo nội dung được phê duyệt, "
            "bảo đảm hiệu quả, an toàn, an ninh thông tin.",
        )
    layout.body(
        document,
        f"Điều 3. Quyết định có hiệu lực từ ngày ký. {data.agency_name} và các đơn vị liên quan "
        "chịu trách nhiệm thi hành Quyết định này.",
    )
    layout.signature(
        document, (data.signer,), recipients=decision_recipients(data.agency_name, data.recipients)
    )
    return layout.save_reproducibly(document)
