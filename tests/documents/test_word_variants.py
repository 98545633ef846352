"""Word files that are real but unusual: every word a reader sees is extracted, once."""

import pytest
from django.urls import reverse

from documents import services
from documents.errors import DocumentRejected
from documents.extraction import extract_document
from documents.intake import check_docx
from documents.models import DocumentVersion
from search import services as search_services
from search.backends import database_backend
from tests.factories import make_agency, make_dossier, make_user

from . import word_variants
from .conftest import stored_files, upload


@pytest.fixture
def world():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    return drafter, make_dossier(agency=agency, created_by=drafter)


def test_a_strict_open_xml_document_is_read_like_any_other():
    data = word_variants.strict_docx(paragraphs=("Số hóa hồ sơ lưu trữ.",))
    check_docx(data)
    extracted = extract_document(data)
    assert extracted.body[0].kind == "heading"
    assert extracted.body[0].text == "Kế hoạch ứng dụng công nghệ thông tin"
    assert "Số hóa hồ sơ lưu trữ." in extracted.text
    assert "Tỉnh ủy Hà Giang" in extracted.text  # the header, found through Strict relationships
    assert ("Hạ tầng", "12 tỷ") in extracted.body[-1].rows


@pytest.mark.django_db
def test_a_strict_upload_is_stored_with_its_text(world):
    drafter, dossier = world
    version = services.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="main",
        uploaded_file=upload(word_variants.strict_docx()),
    )
    assert "Kế hoạch ứng dụng công nghệ thông tin" in version.text


@pytest.mark.django_db
def test_a_main_part_that_is_not_wordprocessingml_is_refused_not_stored_empty(world, file_storage):
    drafter, dossier = world
    with pytest.raises(DocumentRejected, match="not WordprocessingML that can be read"):
        services.upload_document(
            user=drafter,
            dossier=dossier,
            doc_type="main",
            uploaded_file=upload(word_variants.foreign_markup_docx()),
        )
    assert not DocumentVersion.objects.exists()
    assert stored_files(file_storage) == []


def test_footnotes_endnotes_and_comments_are_extracted():
    data = word_variants.annotated_docx(
        footnote="Theo Quyết định số 27-QĐ/TW.",
        endnote="Nguồn kinh phí ngân sách trung ương.",
        comment="Cần bổ sung dự toán chi tiết.",
    )
    check_docx(data)
    extracted = extract_document(data)
    notes = [block.text for block in extracted.notes]
    assert notes == [
        "Theo Quyết định số 27-QĐ/TW.",
        "Nguồn kinh phí ngân sách trung ương.",
        "Cần bổ sung dự toán chi tiết.",
    ]
    for text in notes:
        assert extracted.text.count(text) == 1
    assert "đoạn được góp ý" in extracted.text


@pytest.mark.django_db
def test_words_of_a_footnote_are_found_by_search_and_shown_to_the_reader(client, world):
    drafter, dossier = world
    data = word_variants.annotated_docx(
        footnote="Hệ thống thư điện tử nội bộ.",
        endnote="Phụ lục kinh phí.",
        comment="Góp ý về tiến độ.",
    )
    version = services.upload_document(
        user=drafter, dossier=dossier, doc_type="main", uploaded_file=upload(data)
    )
    database_backend().replace_dossier(dossier.pk, search_services.entries_for(dossier))
    client.force_login(drafter)
    found = client.get("/search/api/", {"q": "thu dien tu noi bo"}).json()
    assert [hit["dossier"]["id"] for hit in found["hits"]] == [dossier.pk]
    page = client.get(reverse("documents:read", args=[version.pk])).content.decode()
    assert "Hệ thống thư điện tử nội bộ." in page
    assert "Góp ý về tiến độ." in page


def test_a_text_box_is_extracted_once_not_once_per_alternative():
    data = word_variants.text_box_docx("Sơ đồ kết nối mạng diện rộng")
    check_docx(data)
    extracted = extract_document(data)
    assert extracted.text.count("Sơ đồ kết nối mạng diện rộng") == 1
    assert "Trước hộp" in extracted.text
