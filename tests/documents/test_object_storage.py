"""Stored documents in S3-compatible object storage (STORAGE_S3_BUCKET), on a real S3 server.

CI starts S3Proxy (`bash .ci/s3proxy.sh` prints its address and keys) and exports them as
TEST_S3_ENDPOINT_URL, TEST_S3_ACCESS_KEY_ID and TEST_S3_SECRET_ACCESS_KEY. Without them these
tests skip, saying so, except in CI, where they fail instead. Each test has a bucket of its own,
configured as the settings configure it (config.settings.environment.object_storage).
"""

import io
import os
import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from config.settings.environment import object_storage
from documents import jobs
from documents import services as documents
from documents.models import Document, DocumentVersion, Rendition, RenditionStatus
from tests.factories import make_agency, make_dossier, make_user
from workflow import services

from .conftest import upload
from .sample_files import simple_docx

pytestmark = pytest.mark.django_db

ENDPOINT = os.environ.get("TEST_S3_ENDPOINT_URL", "")


@pytest.fixture
def bucket(monkeypatch):
    if not ENDPOINT:
        message = "needs an S3 server: set TEST_S3_ENDPOINT_URL (bash .ci/s3proxy.sh starts one)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the object storage tests")
        pytest.skip(message)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ["TEST_S3_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", os.environ["TEST_S3_SECRET_ACCESS_KEY"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    name = f"dossierflow-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=ENDPOINT)
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture(autouse=True)
def file_storage(settings, bucket):
    """Replaces the documents' local folder (conftest.py) by the bucket."""
    _client, name = bucket
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(name, ENDPOINT)}


def objects(bucket) -> dict[str, bytes]:
    client, name = bucket
    listed = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture
def drafter_and_dossier():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    return drafter, make_dossier(agency=agency, created_by=drafter)


def test_an_upload_is_an_object_in_the_bucket_and_downloads_as_sent(
    client, bucket, drafter_and_dossier
):
    drafter, dossier = drafter_and_dossier
    data = simple_docx(paragraphs=("Kế hoạch ứng dụng công nghệ thông tin năm 2027.",))
    client.force_login(drafter)
    page = reverse("documents:dossier_documents", args=[dossier.pk])

    assert client.post(page, {"doc_type": "main", "file": upload(data)}).status_code == 302

    version = DocumentVersion.objects.get()
    assert objects(bucket) == {version.file.name: data}
    response = client.get(reverse("documents:download", args=[version.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    council = make_user("council_member")
    client.force_login(council)
    text = client.get(reverse("documents:read", args=[version.pk])).content.decode()
    assert "Kế hoạch ứng dụng công nghệ thông tin năm 2027." in text


def test_the_integrity_check_reads_the_object_and_tells_a_changed_one(
    client, bucket, drafter_and_dossier
):
    drafter, dossier = drafter_and_dossier
    client.force_login(drafter)
    client.post(reverse("documents:dossier_documents", args=[dossier.pk]),
                {"doc_type": "main", "file": upload(simple_docx())})
    version = DocumentVersion.objects.get()
    url = reverse("documents:integrity", args=[version.pk])
    assert "integrity-ok" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    s3, name = bucket
    s3.put_object(Bucket=name, Key=version.file.name, Body=b"PK altered")

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "integrity-failed" in page and "altered" in page


def test_orphaned_objects_are_found_and_removed_and_the_documents_kept(
    bucket, drafter_and_dossier
):
    drafter, dossier = drafter_and_dossier
    kept = documents.upload_document(user=drafter, dossier=dossier, doc_type="main",
                                     uploaded_file=upload(simple_docx()))
    orphan = default_storage.save("dossiers/9/9/v1-0123456789abcdef.docx", ContentFile(b"x"))
    out = io.StringIO()

    call_command("document_files", "--min-age", "0", "--delete", stdout=out)

    assert "orphans: 1 found, 1 deleted" in out.getvalue()
    assert set(objects(bucket)) == {kept.file.name} and orphan != kept.file.name
    assert documents.verify_integrity(kept)


def test_the_worker_stores_the_signed_pdfa_copy_in_the_bucket(bucket, libreoffice, test_ca):
    test_ca.office("Văn phòng Trung ương Đảng")
    dossier = make_dossier(state="awaiting_approval", kind="plan")
    approver = make_user("approver", first_name="Khải", last_name="Trịnh Quang")
    services.transition_dossier(dossier_id=dossier.pk, action="approve", user=approver)

    assert jobs.run_pdf_renditions() == 1

    decision = Document.objects.get(dossier=dossier, doc_type="decision")
    rendition = Rendition.objects.get(version__document=decision)
    assert rendition.status == RenditionStatus.DONE, rendition.last_error
    stored = objects(bucket)
    assert stored[rendition.pdf.name].startswith(b"%PDF")
    # The signature is an incremental update of the PDF/A copy, both kept as objects.
    assert stored[rendition.signed_pdf.name].startswith(stored[rendition.pdf.name])


def test_readyz_says_when_the_bucket_is_gone(client, bucket, worker_alive):
    checks = client.get("/readyz").json()["checks"]
    assert checks["storage"] == {"ok": True, "backend": "S3Storage"}

    s3, name = bucket
    s3.delete_bucket(Bucket=name)

    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
