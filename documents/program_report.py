"""The progress report on Program 27 ("Báo cáo tình hình thực hiện Chương trình 27"), in the Party
layout of the other generated documents (documents.layout). The workflow's dashboard fills the
plain data class below; nothing here reads the database.
"""

from dataclasses import dataclass

from docx.shared import Emu

from . import layout
from .generation import OFFICE
from .layout import Letterhead, Signer

TITLE = "Báo cáo tình hình thực hiện Chương trình 27"


@dataclass(frozen=True)
class ReportTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class ProgramReportData:
    letterhead: Letterhead
    period: str  # "năm 2024", "từ đầu Chương trình đến ngày 10/8/2025"
    scope: str  # "các cơ quan Đảng" or the agency's name
    figures: tuple[tuple[str, str], ...]  # ("Tổng số hồ sơ", "120"), …
    tables: tuple[ReportTable, ...]
    overdue: ReportTable
    signer: Signer
    recipients: tuple[str, ...] = ("Lãnh đạo Văn phòng",)


def _widths(columns: int):
    # The first column (a name or a title) gets twice the room of each figure.
    unit = int(layout.TEXT_WIDTH) // (columns + 1)
    return (Emu(2 * unit), *(Emu(unit) for _ in range(columns - 1)))


def _table(document, number: str, table: ReportTable):
    layout.body(document, f"{number}. {table.title}", bold=True)
    if not table.rows:
        layout.body(document, "Không có số liệu.", italic=True)
        return
    layout.grid(document, table.header, table.rows, _widths(len(table.header)))


def render_program_report(data: ProgramReportData) -> bytes:
    subject = f"Tình hình thực hiện Chương trình 27 {data.period}"
    document = layout.new_document(title=TITLE, author=OFFICE, date=data.letterhead.date)
    layout.letterhead(document, data.letterhead)
    layout.heading(document, "BÁO CÁO", subject)
    layout.body(
        document,
        f"Văn phòng Trung ương Đảng báo cáo tình hình xem xét, thẩm định và phê duyệt kế hoạch, "
        f"báo cáo đề xuất chủ trương đầu tư và dự án ứng dụng công nghệ thông tin của "
        f"{data.scope} theo Chương trình 27, {data.period}, như sau:",
    )
    layout.body(document, "I. SỐ LIỆU CHUNG", bold=True)
    for label, value in data.figures:
        layout.body(document, f"- {label}: {value}.")
    layout.body(document, "II. CÁC BẢNG SỐ LIỆU", bold=True)
    for i, table in enumerate(data.tables, start=1):
        _table(document, str(i), table)
    layout.body(document, "III. HỒ SƠ QUÁ HẠN", bold=True)
    _table(document, str(len(data.tables) + 1), data.overdue)
    layout.signature(document, (data.signer,), recipients=data.recipients)
    return layout.save_reproducibly(document)
