"""Intake refuses every file that is not a real, harmless .docx, saying what is wrong with it."""

import resource

import pytest

from documents.errors import DocumentRejected
from documents.intake import check_docx

from . import hostile_files as hostile
from .sample_files import docx_bytes, simple_docx, word_like_docx


def refusal(data: bytes, **limits) -> str:
    with pytest.raises(DocumentRejected) as caught:
        check_docx(data, **limits)
    return caught.value.message


def test_a_real_word_document_is_accepted():
    checked = check_docx(simple_docx())
    assert checked.parts > 5
    assert checked.unpacked_bytes > 0


def test_a_long_document_with_word_markup_is_accepted():
    assert check_docx(word_like_docx(20)).parts > 5


def test_an_empty_file_is_refused():
    assert "empty" in refusal(b"")


def test_a_legacy_doc_is_refused_with_advice_to_save_as_docx():
    message = refusal(hostile.legacy_doc())
    assert "Word 97–2003 (.doc)" in message
    assert "save it as" in message


def test_a_password_protected_docx_is_named_as_such():
    message = refusal(hostile.password_protected_docx())
    assert "protected with a password" in message


def test_a_pdf_renamed_to_docx_is_named():
    assert "PDF" in refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")


def test_a_text_file_renamed_to_docx_is_refused():
    assert "not a Word document" in refusal("Kế hoạch năm 2021".encode())


def test_an_excel_workbook_renamed_to_docx_is_named():
    assert "Excel workbook" in refusal(hostile.xlsx_renamed())


def test_a_zip_that_is_not_a_word_document_names_the_missing_part():
    assert "[Content_Types].xml" in refusal(hostile.plain_zip())


def test_a_package_without_its_main_part_is_refused():
    data = hostile.rebuild(simple_docx(), drop={"word/document.xml"})
    assert "word/document.xml" in refusal(data)


def test_a_macro_enabled_document_is_refused():
    assert "macros" in refusal(hostile.macro_enabled_docx())


def test_a_vba_project_hidden_in_a_docx_is_refused():
    data = hostile.rebuild(simple_docx(), add={"word/vbaProject.bin": b"\0" * 64})
    assert "macros" in refusal(data)


def test_a_truncated_file_is_refused_as_incomplete():
    data = simple_docx()
    assert "damaged or incomplete" in refusal(data[: len(data) // 2])


def test_a_file_with_corrupted_compressed_data_is_refused():
    data = hostile.corrupt_member(word_like_docx(3), "word/document.xml")
    message = refusal(data)
    assert "damaged or incomplete" in message
    assert "word/document.xml" in message


def test_an_oversized_file_is_refused_before_anything_is_opened():
    data = simple_docx()
    message = refusal(data, max_bytes=len(data) - 1)
    assert "the largest document accepted is" in message


def test_a_document_with_too_many_parts_is_refused():
    message = refusal(hostile.with_many_parts(50), max_parts=40)
    assert "at most 40" in message


def test_entity_expansion_is_refused_without_expanding():
    # Refused for its DOCTYPE, before any parser sees an entity (time taken: bench/docx).
    message = refusal(hostile.with_document_xml(hostile.BILLION_LAUGHS))
    assert "DOCTYPE" in message and "word/document.xml" in message


def test_an_external_entity_is_refused():
    assert "DOCTYPE" in refusal(hostile.with_document_xml(hostile.EXTERNAL_ENTITY))


def test_a_dtd_in_any_part_is_refused():
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    data = hostile.rebuild(simple_docx(), replace={"docProps/app.xml": doctype})
    assert "docProps/app.xml" in refusal(data)


def test_malformed_xml_is_refused_as_damaged():
    data = hostile.with_document_xml(b"<w:document><w:body>")
    assert "damaged" in refusal(data)


def test_overlapping_entries_are_refused():
    assert "damaged" in refusal(hostile.overlapping_entries_docx())


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    bomb = hostile.zip_bomb_docx(64 * hostile.MiB)
    assert len(bomb) < 200_000
    assert "zip bomb" in refusal(bomb, max_unpacked_bytes=16 * hostile.MiB)


def test_a_zip_bomb_lying_about_its_size_is_still_stopped():
    # The header claims 1 KB; reading stops at the claim and the checksum gives the lie away.
    bomb = hostile.zip_bomb_docx(64 * hostile.MiB, claimed=1024)
    assert "damaged" in refusal(bomb, max_unpacked_bytes=16 * hostile.MiB)


def test_a_bomb_whose_claims_fit_the_limit_is_read_no_further_than_its_claims():
    # Claims add up to less than the limit, so only reading can tell: reading stops at each
    # claim and the checksum of what came out gives the lie away.
    limit = 8 * hostile.MiB
    bomb = hostile.zip_bomb_docx(64 * hostile.MiB, claimed=limit // 2)
    assert "damaged" in refusal(bomb, max_unpacked_bytes=limit)


def test_a_gigabyte_bomb_is_refused_with_little_memory():
    # How long the refusal takes is measured by bench/docx, not asserted here.
    bomb = hostile.zip_bomb_docx(1024 * hostile.MiB)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert "zip bomb" in refusal(bomb)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 100 * 1024


def test_a_gigabyte_bomb_claiming_small_sizes_is_refused():
    bomb = hostile.zip_bomb_docx(1024 * hostile.MiB, claimed=100 * hostile.MiB)
    assert "damaged" in refusal(bomb)


def test_the_default_python_docx_document_is_accepted():
    from docx import Document

    assert check_docx(docx_bytes(Document())).parts > 0
