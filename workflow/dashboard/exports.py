"""A table to .xlsx (openpyxl, streamed row by row) or .csv (UTF-8 with a byte-order mark, so
Excel shows Vietnamese letters instead of guessing a code page).

Text people wrote (a dossier's title, a subject) stays text: a spreadsheet would run one that
starts like a formula (`=HYPERLINK(...)`, `+`, `-`, `@`) in the reader's Excel. In .xlsx such a
cell is written as a string, so it shows exactly as typed; .csv has no types, so it gets the
apostrophe spreadsheets take as "text" (OWASP's advice on CSV injection)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .tables import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_xlsx(table: Table) -> bytes:
    # Write-only mode streams the rows out instead of holding a whole sheet in memory.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.title))
    bold = Font(bold=True)
    header = []
    for text in table.header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    # Dates go in as dates (openpyxl gives them its ISO date format): a styled cell for each
    # would cost a sixth of the export.
    for row in table.rows:
        sheet.append([_text_cell(sheet, v) if _formula_like(v) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would make a formula of "=..."
    return cell


def _csv_row(values) -> list:
    """A row for csv.writer: empty for None, the apostrophe before a formula-like text."""
    return ["" if v is None else f"'{v}" if _formula_like(v) else v for v in values]


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a sheet name and more than 31 characters.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31]


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(_csv_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export(table: Table, fmt: str) -> bytes:
    return to_xlsx(table) if fmt == "xlsx" else to_csv(table)
