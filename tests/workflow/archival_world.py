"""A decided dossier with its issued decision, for the archival tests."""

import io

from django.core.files.storage import default_storage

from documents import jobs
from documents.models import Document, Rendition
from tests.factories import make_dossier, make_user
from workflow import services


def approved_dossier(**fields):
    dossier = make_dossier(state="awaiting_approval", kind="plan", **fields)
    approver = make_user("approver", first_name="Khải", last_name="Trịnh Quang")
    return services.transition_dossier(dossier_id=dossier.pk, action="approve", user=approver)


def archived_dossier(**fields):
    dossier = approved_dossier(**fields)
    return services.transition_dossier(
        dossier_id=dossier.pk, action="archive", user=make_user("clerk")
    )


def decision_docx(dossier) -> bytes:
    version = Document.objects.get(dossier=dossier, doc_type="decision").versions.last()
    return read(version.file.name)


def made_rendition(dossier) -> Rendition:
    jobs.run_pdf_renditions()
    return Rendition.objects.get(
        version__document__dossier=dossier, version__document__doc_type="decision"
    )


def read(name) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def upload(data: bytes, name="file.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
