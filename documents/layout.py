"""The Party document layout (Guideline 36-HD/VPTW), drawn with python-docx, saved reproducibly.

A4, Times New Roman 14 pt; top left the issuing body and the number, top right the Party's name
underlined above the italic place-and-date line; the document type in bold capitals, a one-line
subject, the body, and the signature block. Every value that would make two renderings of the same
data differ (core-property dates, zip entry times, host system) is fixed, so the same data gives
the same bytes.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .text import xml_safe

FONT = "Times New Roman"
SIZE = Pt(14)
SMALL = Pt(12)
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
# The width of the text between the margins (210 mm less 30 mm left and 15 mm right).
TEXT_WIDTH = Mm(165)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Letterhead:
    """Top of the page: who issues the document, its number, where and when."""

    date: datetime.date
    number: str = ""  # e.g. "12-QĐ/VPTW"; printed as "Số 12-QĐ/VPTW"
    parent_body: str = "BAN CHẤP HÀNH TRUNG ƯƠNG"
    issuing_body: str = "VĂN PHÒNG"
    place: str = "Hà Nội"


@dataclass(frozen=True)
class Signer:
    """Who signs: on behalf of whom (`T/M …`), in what capacity, and the name."""

    name: str
    capacity: str
    on_behalf_of: str = ""


def date_line(place: str, date: datetime.date) -> str:
    """`Hà Nội, ngày 05 tháng 02 năm 2021`: days under 10 and months January, February padded,
    as the guideline writes them so no digit can be added later."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {day} tháng {month} năm {date.year}"


def new_document(*, title: str, author: str, date: datetime.date):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = SIZE
    _all_scripts_font(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    props = document.core_properties
    moment = datetime.datetime.combine(date, datetime.time(0, 0))
    props.created = props.modified = props.last_printed = moment
    props.author = xml_safe(author)
    props.last_modified_by = xml_safe(author)
    props.title = xml_safe(title)
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    return document


def _all_scripts_font(rpr):
    # Vietnamese needs the font on every script slot, or Word falls back for some letters.
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _borderless(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _set_widths(table, widths):
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def line(
    container,
    text="",
    *,
    bold=False,
    italic=False,
    underline=False,
    align="center",
    size=SIZE,
    indent=False,
    space_after=0,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        run = paragraph.add_run(xml_safe(text))
        run.bold = bold or None
        run.italic = italic or None
        run.underline = underline or None
        run.font.size = size
    return paragraph


def _first_paragraph(cell, text, **style):
    # A new cell already holds one empty paragraph: use it, so the cell starts with the text.
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(xml_safe(text))
    run.bold = style.get("bold") or None
    run.italic = style.get("italic") or None
    run.underline = style.get("underline") or None
    run.font.size = style.get("size", SIZE)
    paragraph.alignment = style.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    return paragraph


def letterhead(document, head: Letterhead):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(table)
    _set_widths(table, (Mm(75), Mm(90)))
    left, right = table.rows[0].cells
    _first_paragraph(left, head.parent_body)
    line(left, head.issuing_body, bold=True)
    line(left, "*")
    if head.number:
        line(left, f"Số {head.number}")
    _first_paragraph(right, PARTY_NAME, bold=True, underline=True)
    line(right, "")
    line(right, date_line(head.place, head.date), italic=True)
    return table


def heading(document, doc_type: str, subject: str):
    line(document, "")
    line(document, doc_type.upper(), bold=True)
    line(document, subject, bold=True, space_after=12)


def body(document, text: str, *, bold=False, italic=False):
    return line(
        document, text, bold=bold, italic=italic, align="justify", indent=True, space_after=6
    )


def grid(document, header, rows, widths):
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, widths)
    for c, text in enumerate(header):
        _first_paragraph(table.rows[0].cells[c], text, bold=True, size=SMALL)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.CENTER if c == 0 else WD_ALIGN_PARAGRAPH.LEFT
            _first_paragraph(table.rows[r].cells[c], str(text), size=SMALL, align=align)
    line(document, "", space_after=6)
    return table


def signature(document, signers, recipients=()):
    """The signature block: recipients (`Nơi nhận:`) at the left when given, signers at the right;
    two signers (minutes) stand side by side instead."""
    line(document, "")
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(table)
    _set_widths(table, (Mm(80), Mm(85)))
    left, right = table.rows[0].cells
    if len(signers) == 2:
        _signer(left, signers[0])
        _signer(right, signers[1])
        return table
    if recipients:
        _first_paragraph(
            left, "Nơi nhận:", bold=True, underline=True, size=SMALL, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        for recipient in recipients:
            line(left, f"- {recipient},", align="left", size=SMALL)
        line(left, "- Lưu Văn phòng.", align="left", size=SMALL)
    _signer(right, signers[0])
    return table


def _signer(cell, signer: Signer):
    if signer.on_behalf_of:
        _first_paragraph(cell, signer.on_behalf_of, bold=True)
        line(cell, signer.capacity, bold=True)
    else:
        _first_paragraph(cell, signer.capacity, bold=True)
    for _ in range(3):
        line(cell, "")
    line(cell, signer.name, bold=True)


def save_reproducibly(document) -> bytes:
    """The .docx bytes, with zip entries stamped and ordered the same on every run and host."""
    raw = io.BytesIO()
    document.save(raw)
    return reproducible_zip(raw.getvalue())


def reproducible_zip(docx: bytes) -> bytes:
    """The same .docx with every zip entry stamped alike, whatever host or hour wrote it."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()
