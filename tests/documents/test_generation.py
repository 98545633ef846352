"""Generated Party documents: the layout of Guideline 36-HD/VPTW, the same bytes every time."""

import datetime
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.extraction import extract_document
from documents.generation import (
    AppraisalReportData,
    DecisionData,
    Letterhead,
    MemberVote,
    MinutesData,
    RevisionLetterData,
    Signer,
    Tally,
    render_appraisal_report,
    render_decision,
    render_minutes,
    render_revision_letter,
)
from documents.intake import check_docx
from documents.layout import date_line

DAY = datetime.date(2021, 8, 10)
DIRECTOR = Signer(
    name="Nguyễn Văn An", capacity="CHÁNH VĂN PHÒNG", on_behalf_of="T/M VĂN PHÒNG TRUNG ƯƠNG ĐẢNG"
)
TITLE = "Kế hoạch ứng dụng công nghệ thông tin giai đoạn 2021–2025"


def decision(**overrides):
    values = {
        "letterhead": Letterhead(date=DAY, number="12-QĐ/VPTW"),
        "dossier_title": TITLE,
        "agency_name": "Tỉnh ủy Hà Giang",
        "kind_label": "kế hoạch ứng dụng công nghệ thông tin",
        "signer": DIRECTOR,
        "conditions": ("Bảo đảm an toàn, an ninh thông tin.",),
        "recipients": ("Tỉnh ủy Hà Giang",),
    }
    return DecisionData(**{**values, **overrides})


def minutes():
    return MinutesData(
        letterhead=Letterhead(date=DAY, number="3-BB/HĐ"),
        dossier_title=TITLE,
        agency_name="Tỉnh ủy Hà Giang",
        round_number=2,
        members=(
            MemberVote("Trần Thị Bình", "Chủ tịch Hội đồng", "approve"),
            MemberVote("Lê Văn Cường", "Ủy viên", "approve_with_conditions", "Bổ sung dự toán"),
            MemberVote("Phạm Minh Đức", "Ủy viên", "recused"),
        ),
        tally=Tally(
            members=3,
            recused=1,
            voted=2,
            approve=1,
            approve_with_conditions=1,
            reject=0,
            quorum_met=True,
            passed=True,
        ),
        conditions=("Bổ sung dự toán chi tiết.",),
        chair=Signer(name="Trần Thị Bình", capacity="CHỦ TỊCH HỘI ĐỒNG"),
        secretary=Signer(name="Hoàng Lan", capacity="THƯ KÝ"),
    )


def read(data: bytes):
    return Document(io.BytesIO(data))


def test_the_decision_has_the_party_layout():
    document = read(render_decision(decision()))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14

    head = document.tables[0]
    left, right = head.rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "BAN CHẤP HÀNH TRUNG ƯƠNG",
        "VĂN PHÒNG",
        "*",
        "Số 12-QĐ/VPTW",
    ]
    party, *_rest, date = right.paragraphs
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.runs[0].underline and party.runs[0].bold
    assert date.text == "Hà Nội, ngày 10 tháng 8 năm 2021"
    assert date.runs[0].italic

    texts = [p.text for p in document.paragraphs if p.text]
    doc_type = next(p for p in document.paragraphs if p.text == "QUYẾT ĐỊNH")
    assert doc_type.runs[0].bold and doc_type.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert texts[0] == "QUYẾT ĐỊNH"
    assert texts[1] == f"Phê duyệt kế hoạch ứng dụng công nghệ thông tin “{TITLE}”"
    assert any(t.startswith("Điều 1. Phê duyệt") for t in texts)

    signature = document.tables[-1]
    recipients, signer = signature.rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    signer_lines = [p.text for p in signer.paragraphs if p.text]
    assert signer_lines == ["T/M VĂN PHÒNG TRUNG ƯƠNG ĐẢNG", "CHÁNH VĂN PHÒNG", "Nguyễn Văn An"]
    # The signature block is the last thing in the body.
    body = document.element.body
    assert body.index(signature._tbl) == len(body) - 2  # only sectPr follows


def test_the_decision_is_the_same_bytes_each_time():
    assert render_decision(decision()) == render_decision(decision())


def test_different_data_gives_a_different_decision():
    assert render_decision(decision()) != render_decision(
        decision(letterhead=Letterhead(date=DAY, number="13-QĐ/VPTW"))
    )


def test_every_generated_document_passes_intake_and_reads_back():
    kinds = {
        "minutes": render_minutes(minutes()),
        "revision": render_revision_letter(
            RevisionLetterData(
                letterhead=Letterhead(date=DAY, number="45-TB/VPTW"),
                dossier_title=TITLE,
                agency_name="Tỉnh ủy Hà Giang",
                reasons=("Bổ sung dự toán chi tiết.", "Làm rõ phương án an toàn thông tin."),
                signer=DIRECTOR,
                due_date=datetime.date(2021, 9, 1),
                round_number=1,
            )
        ),
        "appraisal": render_appraisal_report(
            AppraisalReportData(
                letterhead=Letterhead(date=DAY, number="7-BC/VPTW"),
                dossier_title=TITLE,
                agency_name="Tỉnh ủy Hà Giang",
                kind_label="dự án ứng dụng công nghệ thông tin",
                findings=(("Sự cần thiết", "Sự cần thiết đầu tư được làm rõ."),),
                recommendation="approve",
                signer=DIRECTOR,
            )
        ),
        "decision": render_decision(decision()),
    }
    for name, data in kinds.items():
        check_docx(data)
        text = extract_document(data).text
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text, name
        assert "Hà Nội, ngày 10 tháng 8 năm 2021" in text, name


def test_the_minutes_list_members_votes_tally_and_conditions():
    extracted = extract_document(render_minutes(minutes()))
    members = next(b for b in extracted.body if b.kind == "table" and b.rows[0][0] == "STT")
    assert members.rows[1][1:4] == ("Trần Thị Bình", "Chủ tịch Hội đồng", "Tán thành")
    assert members.rows[3][3] == "Không tham gia (xung đột lợi ích)"
    assert "Kết quả: THÔNG QUA." in extracted.text
    assert "1. Bổ sung dự toán chi tiết." in extracted.text
    assert render_minutes(minutes()) == render_minutes(minutes())


def test_date_lines_pad_early_days_and_months():
    assert date_line("Hà Nội", datetime.date(2021, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2021"
    assert date_line("Hà Nội", datetime.date(2021, 12, 25)) == "Hà Nội, ngày 25 tháng 12 năm 2021"
