"""Reading, downloading, comparing and checking documents through HTTP, with permissions."""

import pytest
from django.urls import reverse
from django.utils import translation

from documents import services
from documents.models import DocumentVersion
from tests.factories import make_agency, make_dossier, make_user

from . import hostile_files as hostile
from .conftest import stored_files, upload
from .sample_files import simple_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter)
    return drafter, dossier


def store(drafter, dossier, data):
    return services.upload_document(
        user=drafter, dossier=dossier, doc_type="main", uploaded_file=upload(data)
    )


def test_the_drafter_uploads_through_the_page(client, world, file_storage):
    drafter, dossier = world
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    assert b'enctype="multipart/form-data"' in client.get(url).content
    response = client.post(url, {"doc_type": "main", "file": upload(simple_docx())})
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.document.dossier == dossier
    assert version.created_by == drafter
    assert "v1" in client.get(url).content.decode()


def test_a_hostile_upload_is_answered_with_the_reason_in_vietnamese(client, world, file_storage):
    drafter, dossier = world
    client.force_login(drafter)
    with translation.override("vi"):
        url = reverse("documents:dossier_documents", args=[dossier.pk])
    response = client.post(
        url, {"doc_type": "main", "file": upload(hostile.macro_enabled_docx(), "kehoach.docm")}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Văn bản có chứa macro" in page
    assert "Tải lên tài liệu" in page
    assert not DocumentVersion.objects.exists()
    assert stored_files(file_storage) == []


def test_a_council_member_reads_the_text_with_headings_and_tables(client, world):
    drafter, dossier = world
    version = store(
        drafter,
        dossier,
        simple_docx(paragraphs=("Kinh phí <script>alert(1)</script> dự kiến.",)),
    )
    client.force_login(make_user("council_member"))
    page = client.get(reverse("documents:read", args=[version.pk])).content.decode()
    assert "<h2>Kế hoạch ứng dụng công nghệ thông tin</h2>" in page
    assert "<td>Hạ tầng</td><td>12 tỷ</td>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Tỉnh ủy Hà Giang" in page  # the header


def test_download_returns_the_original_to_those_who_may_see_it(client, world):
    drafter, dossier = world
    data = simple_docx()
    version = store(drafter, dossier, data)
    url = reverse("documents:download", args=[version.pk])
    for user in (drafter, make_user("council_member"), make_user("clerk")):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert "attachment" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_drafter_of_another_agency_gets_404_everywhere(client, world):
    drafter, dossier = world
    version = store(drafter, dossier, simple_docx())
    store(drafter, dossier, simple_docx(paragraphs=("Sửa.",)))
    client.force_login(make_user("drafter", make_agency()))
    for url in (
        reverse("documents:dossier_documents", args=[dossier.pk]),
        reverse("documents:read", args=[version.pk]),
        reverse("documents:download", args=[version.pk]),
        reverse("documents:integrity", args=[version.pk]),
        reverse("documents:compare", args=[version.document_id]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("documents:dossier_documents", args=[dossier.pk]),
        {"doc_type": "main", "file": upload(simple_docx())},
    )
    assert response.status_code == 404
    assert DocumentVersion.objects.count() == 2


def test_downloads_need_a_login(client, world):
    drafter, dossier = world
    version = store(drafter, dossier, simple_docx())
    response = client.get(reverse("documents:download", args=[version.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_council_member_sees_the_changed_table_cell(client, world):
    drafter, dossier = world
    first = store(
        drafter, dossier, simple_docx(table=(("Hạng mục", "Kinh phí"), ("Hạ tầng", "12 tỷ")))
    )
    store(drafter, dossier, simple_docx(table=(("Hạng mục", "Kinh phí"), ("Hạ tầng", "15 tỷ"))))
    client.force_login(make_user("council_member"))
    page = client.get(
        reverse("documents:compare", args=[first.document_id]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Table 1, row 2, cell 2" in page
    assert "<del>12</del>" in page and "<ins>15</ins>" in page
    assert "0 added, 0 removed, 1 changed" in page


def test_the_integrity_page_tells_a_match_from_a_tampered_file(client, world, file_storage):
    drafter, dossier = world
    version = store(drafter, dossier, simple_docx())
    client.force_login(drafter)
    url = reverse("documents:integrity", args=[version.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert version.sha256 in page and "integrity-ok" in page
    (path,) = stored_files(file_storage)
    path.write_bytes(b"PK altered")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "integrity-failed" in page and "altered" in page


def test_the_upload_form_is_not_offered_after_submission(client, world):
    drafter, dossier = world
    store(drafter, dossier, simple_docx())
    type(dossier).objects.filter(pk=dossier.pk).update(state="submitted")
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    assert b"multipart/form-data" not in client.get(url).content
    client.post(url, {"doc_type": "main", "file": upload(simple_docx())})
    assert DocumentVersion.objects.count() == 1


def test_compare_can_show_the_changes_only(client, world):
    drafter, dossier = world
    first = store(drafter, dossier, simple_docx(paragraphs=("Mục tiêu chung.", "Kinh phí 12 tỷ.")))
    store(drafter, dossier, simple_docx(paragraphs=("Mục tiêu chung.", "Kinh phí 15 tỷ.")))
    client.force_login(drafter)
    url = reverse("documents:compare", args=[first.document_id])
    everything = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    changes = client.get(url + "?changes=only", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mục tiêu chung." in everything and "<ins>15</ins>" in everything
    assert "Mục tiêu chung." not in changes and "<ins>15</ins>" in changes
    assert 'name="changes" value="only" checked' in changes
