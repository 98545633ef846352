"""The documents' storage failing: a folder that cannot be written (a full or broken disk), and
object storage that does not answer. The drafter is told in words, in a 503, nothing is half
saved, and once the storage is back the same form goes through."""

import contextlib
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from config.settings.environment import object_storage
from documents import services
from documents.errors import StorageUnavailable
from documents.models import Document, DocumentVersion
from tests.api.conftest import ApiClient
from tests.factories import make_agency, make_dossier, make_user
from tests.hanging import Hanging
from tests.operations.processes import free_port
from workflow import services as workflow

from .conftest import upload
from .sample_files import simple_docx

pytestmark = pytest.mark.django_db

UNAVAILABLE_EN = "The document store cannot be reached just now, so nothing was saved."
UNAVAILABLE_VI = "Không kết nối được kho lưu trữ tài liệu"
UNREADABLE_EN = "The document store cannot be reached just now, so the file cannot be read."


@pytest.fixture
def drafter_and_dossier():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    return drafter, make_dossier(agency=agency, created_by=drafter)


@pytest.fixture
def broken_storage(settings, tmp_path):
    """A storage folder that cannot be made (its parent is a file), as a disk gone bad; call the
    fixture's result to mend it."""
    working = settings.STORAGES["default"]
    (tmp_path / "not-a-folder").write_text("")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "not-a-folder" / "files")}}}

    def mend():
        settings.STORAGES = {**settings.STORAGES, "default": working}

    return mend


def test_an_upload_the_storage_refuses_is_a_503_in_words_and_the_same_form_goes_through_later(
    client, drafter_and_dossier, broken_storage
):
    drafter, dossier = drafter_and_dossier
    client.force_login(drafter)
    with translation.override("vi"):
        url = reverse("documents:dossier_documents", args=[dossier.pk])
    form = {"doc_type": "main", "submission": "k" * 32}

    refused = client.post(url, {**form, "file": upload(simple_docx())})

    assert refused.status_code == 503
    assert UNAVAILABLE_VI in refused.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    broken_storage()
    again = client.post(url, {**form, "file": upload(simple_docx())})  # the same form, re-sent
    assert again.status_code == 302
    assert DocumentVersion.objects.get().document.dossier == dossier


def test_the_api_answers_503_for_an_upload_or_a_download_the_storage_cannot_take(
    drafter_and_dossier, broken_storage, settings, monkeypatch
):
    from config.api.tokens import create_token

    drafter, dossier = drafter_and_dossier
    api = ApiClient(create_token(user=drafter, name="t", days=1)[1])
    path = f"/dossiers/{dossier.pk}/documents"
    file = SimpleUploadedFile("ke-hoach.docx", simple_docx())

    refused = api.request("post", path, data={"doc_type": "main", "file": file})

    assert refused.status_code == 503, refused.content
    assert refused.json()["detail"].startswith(UNAVAILABLE_EN)
    assert not DocumentVersion.objects.exists()
    broken_storage()
    file.seek(0)
    stored = api.request("post", path, data={"doc_type": "main", "file": file}).json()
    version = stored["versions"][0]["id"]
    store_down(settings, monkeypatch)
    unread = api.get(f"/versions/{version}/download")
    assert unread.status_code == 503 and unread.json()["detail"].startswith(UNREADABLE_EN)


def test_a_transition_whose_paperwork_cannot_be_stored_is_not_taken(broken_storage):
    agency = make_agency()
    drafter, secretary = make_user("drafter", agency), make_user("secretary")
    dossier = make_dossier(agency=agency, created_by=drafter, state="submitted")

    with pytest.raises(StorageUnavailable) as refused:
        workflow.transition_dossier(user=secretary, dossier_id=dossier.pk,
                                    action="return_incomplete", comment="Thiếu phụ lục")

    assert str(refused.value).startswith(UNAVAILABLE_EN)
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert not Document.objects.exists()


def dead_endpoint() -> str:
    """An address where nothing listens: connections are refused, as by a store that is down."""
    return f"http://127.0.0.1:{free_port()}"


def store_down(settings, monkeypatch):
    """Object storage as configured for several machines, at an address that refuses."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    settings.STORAGES = {**settings.STORAGES, "default": object_storage("gone", dead_endpoint())}


@contextlib.contextmanager
def hanging_store(settings, monkeypatch, **waits):
    """Object storage at an address that takes connections and never answers: one that hangs."""
    store_down(settings, monkeypatch)
    with Hanging() as hanging:
        settings.STORAGES = {**settings.STORAGES,
                             "default": object_storage("stuck", hanging.url, **waits)}
        yield


def stored_then_store_down(drafter, dossier, settings, monkeypatch):
    version = services.upload_document(user=drafter, dossier=dossier, doc_type="main",
                                       uploaded_file=upload(simple_docx()))
    store_down(settings, monkeypatch)
    return version


def test_the_worker_retries_a_copy_whose_document_the_storage_cannot_give_it_later(
    drafter_and_dossier, settings, monkeypatch
):
    from documents import jobs
    from documents.models import Rendition, RenditionStatus

    drafter, dossier = drafter_and_dossier
    version = services.upload_document(user=drafter, dossier=dossier, doc_type="main",
                                       uploaded_file=upload(simple_docx()))
    services.request_rendition(version)
    store_down(settings, monkeypatch)

    assert jobs.run_pdf_renditions() == 1  # the job itself does not fail

    rendition = Rendition.objects.get(version=version)
    assert rendition.status == RenditionStatus.PENDING and not rendition.pdf
    assert rendition.last_error.startswith(UNREADABLE_EN)
    assert rendition.locked_until is None  # released, to be tried again after its pause
    assert jobs.run_pdf_renditions() == 0


def test_an_integrity_check_the_storage_cannot_answer_is_no_verdict_on_the_file(
    client, drafter_and_dossier, settings, monkeypatch
):
    drafter, dossier = drafter_and_dossier
    version = stored_then_store_down(drafter, dossier, settings, monkeypatch)
    client.force_login(drafter)

    response = client.get(reverse("documents:integrity", args=[version.pk]),
                          HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 503
    assert UNREADABLE_EN in page
    assert "missing" not in page and "altered" not in page


@pytest.mark.parametrize("what", ["download", "archive package"])
def test_a_file_the_storage_cannot_serve_is_refused_in_words(
    client, drafter_and_dossier, settings, monkeypatch, what
):
    drafter, dossier = drafter_and_dossier
    version = stored_then_store_down(drafter, dossier, settings, monkeypatch)
    if what == "download":
        client.force_login(drafter)
        url = reverse("documents:download", args=[version.pk])
    else:
        type(dossier).objects.filter(pk=dossier.pk).update(state="archived")
        client.force_login(make_user("clerk"))
        url = reverse("archival:export", args=[dossier.pk])

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302  # back to the page it came from, which says why
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert UNREADABLE_EN in page


@pytest.mark.parametrize("store", ["refusing", "hanging"])
def test_object_storage_down_or_hanging_costs_an_upload_bounded_waits_then_a_clear_answer(
    client, drafter_and_dossier, settings, monkeypatch, store
):
    if store == "hanging":  # takes the connection, never answers: three tries of a second
        outage = hanging_store(settings, monkeypatch, timeout=1)
    else:
        outage = contextlib.nullcontext(store_down(settings, monkeypatch))
    with outage:
        drafter, dossier = drafter_and_dossier
        client.force_login(drafter)
        url = reverse("documents:dossier_documents", args=[dossier.pk])

        started = time.monotonic()
        refused = client.post(url, {"doc_type": "main", "file": upload(simple_docx())},
                              HTTP_ACCEPT_LANGUAGE="en")
        waited = time.monotonic() - started

    assert refused.status_code == 503 and UNAVAILABLE_EN in refused.content.decode()
    assert waited < 15 and (store == "refusing" or waited >= 1)
    assert not DocumentVersion.objects.exists()


def test_readyz_answers_within_seconds_when_object_storage_hangs(
    client, settings, monkeypatch, worker_alive
):
    with hanging_store(settings, monkeypatch):
        started = time.monotonic()
        response = client.get("/readyz")
        waited = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
    assert waited < 6  # one short try, not the uploads' three of ten seconds
