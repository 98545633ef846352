"""Documents through the API: the same intake checks and refusals as the upload page."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import DocumentVersion
from tests.documents.hostile_files import legacy_doc, macro_enabled_docx
from tests.documents.sample_files import simple_docx


def _upload(client, dossier, data, name="ke-hoach.docx", **fields):
    return client.request(
        "post",
        f"/dossiers/{dossier.pk}/documents",
        data={"doc_type": "main", **fields, "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.django_db
def test_drafter_uploads_then_anyone_who_sees_the_dossier_reads_and_downloads(world):
    dossier = world.dossier()
    data = simple_docx(paragraphs=("Hạ tầng số của tỉnh.",))
    response = _upload(world.client("drafter"), dossier, data)
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["doc_type"] == "main" and document["versions"][0]["number"] == 1
    version_id = document["versions"][0]["id"]
    assert document["versions"][0]["sha256"] == hashlib.sha256(data).hexdigest()

    second = _upload(world.client("drafter"), dossier, simple_docx(paragraphs=("Bản 2.",)))
    assert [v["number"] for v in second.json()["versions"]] == [1, 2]

    secretary = world.client("secretary")
    listed = secretary.get(f"/dossiers/{dossier.pk}/documents").json()
    assert [len(d["versions"]) for d in listed] == [2]
    text = secretary.get(f"/versions/{version_id}/text").json()
    assert "Hạ tầng số của tỉnh." in text["text"]
    download = secretary.get(f"/versions/{version_id}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["X-Content-Type-Options"] == "nosniff"
    for path in [
        f"/versions/{version_id}",
        f"/versions/{version_id}/download",
        f"/versions/{version_id}/text",
    ]:
        assert world.client("other_drafter").get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("data", [legacy_doc(), macro_enabled_docx(), b"plain text", b""])
def test_a_file_that_is_not_a_safe_docx_is_refused_in_words_and_nothing_stored(world, data):
    dossier = world.dossier()
    response = _upload(world.client("drafter"), dossier, data)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not DocumentVersion.objects.exists()


@pytest.mark.django_db
def test_upload_refusals_follow_the_page(world):
    submitted = world.dossier(state="submitted")
    data = simple_docx()
    assert _upload(world.client("drafter"), submitted, data).status_code == 403
    assert _upload(world.client("secretary"), world.dossier(), data).status_code == 403
    assert _upload(world.client("other_drafter"), world.dossier(), data).status_code == 404
    bad_type = _upload(world.client("drafter"), world.dossier(), data, doc_type="decision")
    assert bad_type.status_code == 400 and bad_type.json()["errors"][0]["field"] == "doc_type"
    missing = world.client("drafter").request(
        "post", f"/dossiers/{world.dossier().pk}/documents", data={"doc_type": "main"}
    )
    assert missing.status_code == 400 and "file" in missing.json()["detail"]
    assert not DocumentVersion.objects.exists()
