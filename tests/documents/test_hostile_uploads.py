"""Uploads that try to smuggle another kind of file, escape a folder or swamp the server."""

import os

import pytest
from django.urls import reverse

from documents.errors import DocumentRejected
from documents.intake import check_docx
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


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("report.html", "report.docx"),
        ("x.hta", "x.docx"),
        ("x.svg", "x.docx"),
        ("..\\..\\evil.exe", "evil.docx"),
        ("Kế hoạch 2021.2025", "Kế hoạch 2021.2025.docx"),
        ("ke-hoach.DOCX", "ke-hoach.docx"),
        (".htaccess", "htaccess.docx"),
        ("...", "document.docx"),
    ],
)
def test_a_download_is_always_named_docx_whatever_the_upload_was_called(client, world, sent, kept):
    drafter, dossier = world
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    response = client.post(url, {"doc_type": "main", "file": upload(simple_docx(), sent)})
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.original_filename == kept
    download = client.get(reverse("documents:download", args=[version.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.lower().rstrip('"').endswith(".docx")


def test_a_version_stored_under_a_foreign_extension_is_still_served_as_docx(client, world):
    drafter, dossier = world
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    client.post(url, {"doc_type": "main", "file": upload(simple_docx())})
    # A row written before names were forced to .docx.
    DocumentVersion.objects.update(original_filename="bao-cao.svg")
    version = DocumentVersion.objects.get()
    download = client.get(reverse("documents:download", args=[version.pk]))
    assert 'filename="bao-cao.docx"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    "entry",
    [
        "../evil.xml",
        "word/../../evil.xml",
        "/etc/cron.d/evil",
        "word\\..\\..\\evil.xml",
        "C:/Windows/evil.xml",
        "c:evil.xml",
    ],
)
def test_a_docx_whose_part_could_escape_its_folder_is_refused(client, world, file_storage, entry):
    drafter, dossier = world
    client.force_login(drafter)
    data = hostile.rebuild(simple_docx(), add={entry: b"<x/>"})
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    response = client.post(url, {"doc_type": "main", "file": upload(data)})
    assert response.status_code == 400
    assert "could be written outside its folder" in response.content.decode()
    assert not DocumentVersion.objects.exists()
    assert stored_files(file_storage) == []


def test_the_same_names_are_refused_by_the_intake_check_itself():
    for entry in ("../a.xml", "\\a.xml", "D:\\a.xml", "word/./../a.xml"):
        with pytest.raises(DocumentRejected):
            check_docx(hostile.rebuild(simple_docx(), add={entry: b"<x/>"}))
    check_docx(hostile.rebuild(simple_docx(), add={"word/media/image1..png": b"png"}))


def test_an_upload_over_the_limit_is_refused_from_its_declared_size_unread(
    client, world, settings, file_storage
):
    settings.DOCX_MAX_UPLOAD_BYTES = 100_000
    drafter, dossier = world
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    big = hostile.rebuild(simple_docx(), add={"word/media/image1.png": os.urandom(300_000)})
    assert len(big) > 200_000
    response = client.post(url, {"doc_type": "main", "file": upload(big)})
    assert response.status_code == 413
    assert "the largest document accepted is 98 KB" in response.content.decode()
    assert response.wsgi_request.environ["wsgi.input"].read_started is False
    assert not DocumentVersion.objects.exists()
    assert stored_files(file_storage) == []


def test_a_body_claiming_a_gigabyte_is_refused_without_waiting_for_it(client, world):
    drafter, dossier = world
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    response = client.generic(
        "POST",
        url,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(1 << 30),
    )
    assert response.status_code == 413
    assert "1 GB" in response.content.decode()


def test_an_upload_still_needs_its_csrf_token(world):
    from django.test import Client

    drafter, dossier = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    response = client.post(url, {"doc_type": "main", "file": upload(simple_docx())})
    assert response.status_code == 403
    assert not DocumentVersion.objects.exists()
