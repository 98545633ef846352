"""Real .docx files built with python-docx, as Word would write them."""

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def simple_docx(
    *,
    heading="Kế hoạch ứng dụng công nghệ thông tin",
    paragraphs=("Giai đoạn 2021–2025.",),
    table=(("Hạng mục", "Kinh phí"), ("Hạ tầng", "12 tỷ")),
    header="Tỉnh ủy Hà Giang",
    footer="Trang 1",
) -> bytes:
    document = Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    return docx_bytes(document)


WORDS = (
    "Các cơ quan Đảng triển khai ứng dụng công nghệ thông tin, chuyển đổi số, bảo đảm an toàn "
    "an ninh thông tin, kết nối liên thông văn bản điện tử, cơ sở dữ liệu đảng viên và hạ tầng "
    "mạng diện rộng của Đảng trong giai đoạn 2021–2025, tầm nhìn đến năm 2030."
).split()


def _word_like_run(paragraph, text, rsid, bold=False):
    # Word writes fonts, sizes, language and revision ids on every run.
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.name = "Times New Roman"
    run.font.size = Pt(14)
    rpr = run._r.get_or_add_rPr()
    for tag in ("w:szCs",):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "28")
        rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    run._r.set(qn("w:rsidRPr"), rsid)
    return run


def word_like_docx(pages: int) -> bytes:
    """About `pages` A4 pages of Vietnamese text: headings, justified paragraphs, a table every
    other page, with the per-run markup Word writes (fonts, sizes, language, revision ids)."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Văn phòng Trung ương Đảng"
    document.sections[0].footer.paragraphs[0].text = "Kế hoạch 2021–2025"
    n = 0
    for page in range(pages):
        document.add_heading(f"{page + 1}. Nhiệm vụ ứng dụng công nghệ thông tin", level=1)
        for i in range(7):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28)
            paragraph.paragraph_format.space_after = Pt(6)
            paragraph.alignment = 3
            rsid = f"00{(page * 7 + i) % 0xFFFFFF:06X}"
            paragraph._p.set(qn("w:rsidR"), rsid)
            paragraph._p.set(qn("w:rsidRDefault"), rsid)
            for chunk in range(6):
                n += 1
                words = [WORDS[(n + k) % len(WORDS)] for k in range(12)]
                _word_like_run(paragraph, " ".join(words) + " ", rsid, bold=chunk == 0 and i == 0)
        if page % 2:
            table = document.add_table(rows=4, cols=3)
            for r in range(4):
                for c in range(3):
                    table.cell(r, c).text = f"{WORDS[(r * 3 + c) % len(WORDS)]} {r}.{c}"
    return docx_bytes(document)


def main_part(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
