"""/api/v1/dossiers/{id}/documents and /versions/{id}: list, upload (the same intake checks and
refusals as the page, by documents.services), download and extracted text."""

from typing import Literal

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Schema, Status, UploadedFile

from documents import selectors, services, storage
from documents.errors import NotPermitted
from documents.models import DocumentType
from documents.text import clean_filename
from workflow import permissions
from workflow import selectors as workflow_selectors

from .dossiers import ERRORS, DossierId
from .schemas import MAX_ID, DocumentOut, Id, VersionOut, VersionText, text

router = Router(tags=["documents"])
VersionId = Path(..., ge=1, le=MAX_ID)


class UploadIn(Schema):
    doc_type: Literal["main", "annex"]  # documents.models.UPLOADED_TYPES
    title: text(300) = ""
    document_id: Id | None = None


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _version_out(version) -> dict:
    return {
        "id": version.pk,
        "number": version.number,
        "size": version.size,
        "sha256": version.sha256,
        "original_filename": version.original_filename,
        "frozen": version.frozen,
        "created_at": version.created_at,
    }


def _document_out(document) -> dict:
    versions = getattr(document, "all_versions", None)
    if versions is None:
        versions = list(selectors.versions_of(document).defer("text", "blocks"))
    return {
        "id": document.pk,
        "doc_type": document.doc_type,
        "title": document.title,
        "versions": [_version_out(v) for v in versions],
    }


@router.get(
    "dossiers/{dossier_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="The dossier's documents and their versions",
)
def list_documents(request, dossier_id: int = DossierId):
    dossier = workflow_selectors.dossier_for(request.auth, dossier_id)
    return [_document_out(d) for d in selectors.documents_of(request.auth, dossier)]


@router.post(
    "dossiers/{dossier_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Upload a .docx as the main document or an annex (multipart)",
)
def upload(request, data: Form[UploadIn], file: File[UploadedFile], dossier_id: int = DossierId):
    user = request.auth
    dossier = workflow_selectors.dossier_for(user, dossier_id)
    if not permissions.may_upload_documents(user, dossier):
        raise NotPermitted(_("Documents of this dossier cannot be uploaded now."))
    version = services.upload_document(
        user=user,
        dossier=dossier,
        doc_type=data.doc_type,
        uploaded_file=file,
        title=data.title,
        document_id=data.document_id if data.doc_type == DocumentType.ANNEX else None,
    )
    return Status(201, _document_out(version.document))


@router.get(
    "versions/{version_id}", response={200: VersionOut, **ERRORS}, summary="A document version"
)
def get_version(request, version_id: int = VersionId):
    return _version_out(selectors.version_for(request.auth, version_id))


@router.get(
    "versions/{version_id}/text",
    response={200: VersionText, **ERRORS},
    summary="The text extracted from a version",
)
def version_text(request, version_id: int = VersionId):
    version = selectors.version_for(request.auth, version_id)
    return {
        "id": version.pk,
        "document_id": version.document_id,
        "number": version.number,
        "text": version.text,
    }


@router.get(
    "versions/{version_id}/download",
    response={200: bytes, **ERRORS},
    summary="Download a version (.docx)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The .docx file",
                "content": {DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download(request, version_id: int = VersionId):
    version = selectors.version_for(request.auth, version_id)
    try:
        stored = storage.open_stored(version.file.name)  # StorageUnavailable: 503
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored, as_attachment=True, filename=clean_filename(version.original_filename),
        content_type=DOCX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
