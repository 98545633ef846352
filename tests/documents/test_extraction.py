"""Extraction reads headings, paragraphs, tables, headers and footers, as NFC text."""

import unicodedata

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from documents.errors import DocumentRejected
from documents.extraction import HEADING, PARAGRAPH, TABLE, Extracted, extract_document

from . import hostile_files as hostile
from .sample_files import docx_bytes, simple_docx, word_like_docx

DOCUMENT = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'


def test_headings_paragraphs_and_tables_come_out_in_order():
    extracted = extract_document(simple_docx())
    kinds = [block.kind for block in extracted.body]
    assert kinds == [HEADING, PARAGRAPH, TABLE]
    heading, paragraph, table = extracted.body
    assert (heading.text, heading.level) == ("Kế hoạch ứng dụng công nghệ thông tin", 1)
    assert paragraph.text == "Giai đoạn 2021–2025."
    assert table.rows == (("Hạng mục", "Kinh phí"), ("Hạ tầng", "12 tỷ"))


def test_headers_and_footers_are_read():
    extracted = extract_document(simple_docx(header="Tỉnh ủy Hà Giang", footer="Trang 1"))
    assert [b.text for b in extracted.headers] == ["Tỉnh ủy Hà Giang"]
    assert [b.text for b in extracted.footers] == ["Trang 1"]
    assert extracted.text.startswith("Tỉnh ủy Hà Giang\n")
    assert extracted.text.endswith("Trang 1")


def test_heading_levels_follow_the_style():
    document = Document()
    document.add_heading("Chương I", level=1)
    document.add_heading("Mục 1", level=2)
    document.add_heading("Tiểu mục", level=3)
    document.add_paragraph("Nội dung")
    body = extract_document(docx_bytes(document)).body
    assert [(b.kind, b.level) for b in body] == [
        (HEADING, 1),
        (HEADING, 2),
        (HEADING, 3),
        (PARAGRAPH, 0),
    ]


def test_a_custom_style_based_on_a_heading_is_a_heading():
    document = Document()
    custom = document.styles.add_style("Tiêu đề riêng", 1)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("Phần riêng", style=custom)
    (block,) = extract_document(docx_bytes(document)).body
    assert (block.kind, block.level) == (HEADING, 2)


def test_decomposed_vietnamese_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Kế hoạch ứng dụng")
    extracted = extract_document(simple_docx(paragraphs=(decomposed,)))
    assert extracted.body[1].text == "Kế hoạch ứng dụng"
    assert unicodedata.is_normalized("NFC", extracted.text)


def test_runs_tabs_and_breaks_join_into_one_paragraph():
    document = Document()
    paragraph = document.add_paragraph("Số ")
    paragraph.add_run("12").bold = True
    paragraph.add_run("\tvà")
    paragraph.add_run().add_break()
    paragraph.add_run("dòng mới")
    (block,) = extract_document(docx_bytes(document)).body
    assert block.text == "Số 12\tvà\ndòng mới"


def test_deleted_revisions_and_field_codes_are_not_text():
    xml = (
        f"{DOCUMENT}<w:body><w:p><w:r><w:t>Giữ</w:t></w:r>"
        "<w:del><w:r><w:delText>Bỏ</w:delText></w:r></w:del>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        '<w:ins><w:r><w:t xml:space="preserve"> thêm</w:t></w:r></w:ins>'
        "</w:p></w:body></w:document>"
    )
    (block,) = extract_document(hostile.with_document_xml(xml.encode())).body
    assert block.text == "Giữ thêm"


def test_nested_tables_flatten_into_their_cell():
    document = Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Ngoài"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Trong"
    document.add_paragraph("Sau bảng")
    table, after = extract_document(docx_bytes(document)).body
    assert table.rows == (("Ngoài", "Trong"),)
    assert after.text == "Sau bảng"


def test_content_controls_are_read_through():
    xml = (
        f"{DOCUMENT}<w:body><w:sdt><w:sdtContent><w:p><w:r><w:t>Trong ô nhập</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt></w:body></w:document>"
    )
    (block,) = extract_document(hostile.with_document_xml(xml.encode())).body
    assert block.text == "Trong ô nhập"


def test_outline_level_on_a_paragraph_makes_a_heading():
    document = Document()
    paragraph = document.add_paragraph("Đề mục")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    paragraph._p.get_or_add_pPr().append(outline)
    (block,) = extract_document(docx_bytes(document)).body
    assert (block.kind, block.level) == (HEADING, 2)


def test_blocks_survive_a_round_trip_through_json():
    extracted = extract_document(word_like_docx(2))
    again = Extracted.from_json(extracted.to_json())
    assert again == extracted
    assert again.text == extracted.text


def test_a_long_document_reads_every_page():
    extracted = extract_document(word_like_docx(10))
    assert sum(1 for b in extracted.body if b.kind == HEADING) == 10
    assert sum(1 for b in extracted.body if b.kind == TABLE) == 5


def test_a_dtd_is_refused_by_extraction_too():
    with pytest.raises(DocumentRejected):
        extract_document(hostile.with_document_xml(hostile.BILLION_LAUGHS))


def test_a_bomb_in_the_main_part_stops_at_the_cap():
    bomb = hostile.zip_bomb_docx(64 * hostile.MiB)
    # The bomb sits in an image, which extraction never opens.
    assert extract_document(bomb).body
    with pytest.raises(DocumentRejected):
        extract_document(
            hostile.with_document_xml(b"<a>" + b" " * (9 * hostile.MiB) + b"</a>"),
            max_part_bytes=8 * hostile.MiB,
        )
