"""The .docx progress report, filled from the dashboard's figures and tables; always in
Vietnamese, whatever the reader's interface language (an official document, not interface)."""

import datetime

from django.conf import settings
from django.utils import translation

from documents.layout import Letterhead, Signer
from documents.program_report import ProgramReportData, ReportTable, render_program_report

from ..models import Agency
from ..states import DossierKind
from . import tables
from .figures import Dashboard


def _period(board: Dashboard, today: datetime.date) -> str:
    if board.filters.year:
        return f"năm {board.filters.year}"
    return f"đến ngày {today:%d/%m/%Y}"


def _scope(board: Dashboard, agency_names: list[str]) -> str:
    scope = agency_names[0] if len(agency_names) == 1 else "các cơ quan Đảng"
    if board.filters.kind:
        scope = f"{scope} (loại hồ sơ: {DossierKind(board.filters.kind).label})"
    return scope


def _report_table(table: tables.Table) -> ReportTable:
    return ReportTable(table.title, tuple(table.header), tuple(tuple(r) for r in table.rows))


def program_report(board: Dashboard, *, today: datetime.date) -> bytes:
    with translation.override("vi"):
        made = {key: make(board) for key, make in tables.DASHBOARD_TABLES.items()}
        names = [row.name for row in board.by_agency]
        if board.filters.agency and not names:
            names = list(
                Agency.objects.filter(pk=board.filters.agency).values_list("name", flat=True)
            )
        decided = sum(ok + no for _month, ok, no in board.months)
        figures = (
            ("Tổng số hồ sơ", str(board.total)),
            ("Số cơ quan có hồ sơ", str(len(board.by_agency))),
            ("Số quyết định đã ban hành (phê duyệt và không phê duyệt)", str(decided)),
            ("Số hồ sơ quá hạn", str(board.overdue_count)),
        )
        data = ProgramReportData(
            letterhead=Letterhead(date=today, number=f"    -BC/{settings.DECISION_ISSUING_BODY}"),
            period=_period(board, today),
            scope=_scope(board, names),
            figures=figures,
            tables=tuple(_report_table(made[k]) for k in made if k != "overdue"),
            overdue=_report_table(made["overdue"]),
            # The office is run by its head, who signs with the title alone; the name is left
            # for the office to fill in, with the number, when it sends the report.
            signer=Signer(name="", capacity=settings.OFFICE_HEAD_TITLE.strip().upper()),
        )
    return render_program_report(data)
