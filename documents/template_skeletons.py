"""The default .docx templates of the generated documents, drawn in the Party layout.

`manage.py build_document_templates` writes them into documents/docx_templates/, where they are
shipped; an office opens and edits them in Word (the wording, fonts, spacing), and puts its own
copies in DOCUMENT_TEMPLATES_DIR to use them instead. The placeholders are Jinja, as docxtpl reads
them: `{{ name }}` for a value, `{%p for … %}` / `{%p if … %}` on a paragraph of their own,
`{%tr for … %}` in a table row of its own.
"""

import datetime

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from . import layout

_TEMPLATE_DATE = datetime.date(2021, 8, 10)


def _start(doc_type: str):
    document = layout.new_document(title="{{ title }}", author="", date=_TEMPLATE_DATE)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout._borderless(table)
    layout._set_widths(table, (Mm(75), Mm(90)))
    left, right = table.rows[0].cells
    layout._first_paragraph(left, "{{ parent_body }}")
    layout.line(left, "{{ issuing_body }}", bold=True)
    layout.line(left, "*")
    layout.line(left, "{%p if number %}")
    layout.line(left, "Số {{ number }}")
    layout.line(left, "{%p endif %}")
    layout._first_paragraph(right, layout.PARTY_NAME, bold=True, underline=True)
    layout.line(right, "")
    layout.line(right, "{{ date_line }}", italic=True)
    layout.heading(document, doc_type, "{{ subject }}")
    return document


def _numbered(document, items: str):
    layout.line(document, f"{{%p for item in {items} %}}")
    layout.body(document, "{{ loop.index }}. {{ item }}")
    layout.line(document, "{%p endfor %}")


def _signer(cell, name: str):
    layout._first_paragraph(cell, f"{{%p if {name}.on_behalf_of %}}")
    layout.line(cell, f"{{{{ {name}.on_behalf_of }}}}", bold=True)
    layout.line(cell, "{%p endif %}")
    layout.line(cell, f"{{{{ {name}.capacity }}}}", bold=True)
    for _ in range(3):
        layout.line(cell, "")
    layout.line(cell, f"{{{{ {name}.name }}}}", bold=True)


def _signature(document, *, recipients: bool = True, two: bool = False):
    layout.line(document, "")
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout._borderless(table)
    layout._set_widths(table, (Mm(80), Mm(85)))
    left, right = table.rows[0].cells
    if two:
        _signer(left, "secretary")
        _signer(right, "chair")
        return
    if recipients:
        layout._first_paragraph(
            left,
            "Nơi nhận:",
            bold=True,
            underline=True,
            size=layout.SMALL,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        layout.line(left, "{%p for recipient in recipients %}", align="left", size=layout.SMALL)
        layout.line(left, "- {{ recipient }},", align="left", size=layout.SMALL)
        layout.line(left, "{%p endfor %}", align="left", size=layout.SMALL)
        layout.line(left, "- Lưu Văn phòng.", align="left", size=layout.SMALL)
    _signer(right, "signer")


def decision():
    document = _start("QUYẾT ĐỊNH")
    layout.line(document, "{{ authority }}", bold=True, space_after=6)
    layout.line(document, "{%p for basis in legal_bases %}")
    layout.body(document, "{{ basis }}", italic=True)
    layout.line(document, "{%p endfor %}")
    layout.body(document, "{{ proposal }}", italic=True)
    layout.line(document, "QUYẾT ĐỊNH", bold=True, space_after=6)
    layout.body(
        document, "Điều 1. Phê duyệt {{ kind_label }} “{{ dossier_title }}” của {{ agency_name }}."
    )
    layout.line(document, "{%p if conditions %}")
    layout.body(document, "Điều 2. Việc triển khai bảo đảm các điều kiện sau:")
    _numbered(document, "conditions")
    layout.line(document, "{%p else %}")
    layout.body(
        document,
        "Điều 2. {{ agency_name }} tổ chức triển khai theo nội dung được phê duyệt, bảo đảm "
        "hiệu quả, an toàn, an ninh thông tin.",
    )
    layout.line(document, "{%p endif %}")
    layout.body(
        document,
        "Điều 3. Quyết định có hiệu lực từ ngày ký. {{ agency_name }} và các đơn vị liên quan "
        "chịu trách nhiệm thi hành Quyết định này.",
    )
    _signature(document)
    return document


def minutes():
    document = _start("BIÊN BẢN")
    layout.body(document, "{{ opening }}")
    layout.body(document, "I. THÀNH PHẦN VÀ Ý KIẾN CỦA THÀNH VIÊN HỘI ĐỒNG", bold=True)
    header = ("STT", "Họ và tên", "Chức danh", "Biểu quyết", "Ý kiến")
    table = document.add_table(rows=4, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout._set_widths(table, (Mm(12), Mm(40), Mm(30), Mm(33), Mm(50)))
    cells = ("{{ loop.index }}", "{{ m.name }}", "{{ m.role }}", "{{ m.vote }}", "{{ m.comment }}")
    for c, text in enumerate(header):
        layout._first_paragraph(table.rows[0].cells[c], text, bold=True, size=layout.SMALL)
        layout._first_paragraph(
            table.rows[2].cells[c],
            cells[c],
            size=layout.SMALL,
            align=WD_ALIGN_PARAGRAPH.CENTER if c == 0 else WD_ALIGN_PARAGRAPH.LEFT,
        )
    layout._first_paragraph(table.rows[1].cells[0], "{%tr for m in members %}", size=layout.SMALL)
    layout._first_paragraph(table.rows[3].cells[0], "{%tr endfor %}", size=layout.SMALL)
    layout.line(document, "", space_after=6)
    layout.body(document, "II. KẾT QUẢ BIỂU QUYẾT", bold=True)
    layout.body(
        document,
        "Tổng số thành viên: {{ tally.members }}; không tham gia do xung đột lợi ích: "
        "{{ tally.recused }}; số thành viên biểu quyết: {{ tally.voted }}.",
    )
    layout.body(document, "{{ counts }}")
    layout.body(document, "{{ result }}", bold=True)
    layout.line(document, "{%p for section in sections %}")
    layout.body(document, "{{ section.heading }}", bold=True)
    layout.line(document, "{%p for item in section['items'] %}")
    layout.body(document, "{{ loop.index }}. {{ item }}")
    layout.line(document, "{%p endfor %}")
    layout.line(document, "{%p endfor %}")
    layout.line(document, "{%p if conclusion %}")
    layout.body(document, "{{ conclusion }}")
    layout.line(document, "{%p endif %}")
    layout.body(document, "Biên bản được lập thành 02 bản, lưu hồ sơ và gửi đơn vị đề xuất.")
    _signature(document, two=True)
    return document


def revision_letter():
    document = _start("THÔNG BÁO")
    layout.line(document, "Kính gửi: {{ agency_name }}", bold=True, space_after=6)
    layout.body(
        document,
        "Qua xem xét hồ sơ “{{ dossier_title }}”{{ round_text }}, Văn phòng Trung ương Đảng đề "
        "nghị {{ agency_name }} chỉnh sửa, bổ sung các nội dung sau:",
    )
    _numbered(document, "reasons")
    layout.line(document, "{%p if due_date %}")
    layout.body(
        document, "Hồ sơ đã chỉnh sửa, bổ sung đề nghị gửi lại trước ngày {{ due_date }}."
    )
    layout.line(document, "{%p endif %}")
    _signature(document)
    return document


def appraisal_report():
    document = _start("BÁO CÁO")
    layout.body(document, "Đơn vị đề xuất: {{ agency_name }}.")
    layout.body(document, "I. Ý KIẾN THẨM ĐỊNH", bold=True)
    layout.line(document, "{%p for heading, text in findings %}")
    layout.body(document, "{{ loop.index }}. {{ heading }}", bold=True)
    layout.body(document, "{{ text }}")
    layout.line(document, "{%p endfor %}")
    layout.body(document, "II. KẾT LUẬN", bold=True)
    layout.body(document, "{{ conclusion }}")
    layout.line(document, "{%p if conditions %}")
    layout.body(document, "III. CÁC ĐIỀU KIỆN KÈM THEO", bold=True)
    _numbered(document, "conditions")
    layout.line(document, "{%p endif %}")
    _signature(document)
    return document


SKELETONS = {
    "decision": decision,
    "minutes": minutes,
    "revision_letter": revision_letter,
    "appraisal_report": appraisal_report,
}
