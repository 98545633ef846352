"""Every read of documents with a permission in it. Who sees a dossier sees its documents."""

import datetime
from collections.abc import Iterator
from typing import NamedTuple

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from .access import dossier_access
from .models import Document, DocumentType, DocumentVersion

TYPE_ORDER = {value: i for i, value in enumerate(DocumentType.values)}


class IndexableDocument(NamedTuple):
    version_id: int
    doc_type: str
    title: str
    text: str
    created_at: datetime.datetime


def documents_of(user, dossier) -> list[Document]:
    """The dossier's documents, main first, each with `all_versions` (oldest first) and `latest`.
    Raises Http404 if the user may not see the dossier (asked of the dossier as it was read: a
    page that read it once does not read it again)."""
    if not dossier_access().may_see(user, dossier):
        raise Http404
    documents = list(
        Document.objects.filter(dossier=dossier).prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("rendition").defer(
                    "text", "blocks"
                ),
                to_attr="all_versions",
            )
        )
    )
    for document in documents:
        document.latest = document.all_versions[-1] if document.all_versions else None
    documents.sort(key=lambda d: (TYPE_ORDER.get(d.doc_type, 99), d.created_at, d.pk))
    return documents


def annexes_of(user, dossier) -> list[Document]:
    """The dossier's annexes, oldest first as documents_of orders them, without their versions.
    Raises Http404 if the user may not see the dossier."""
    if not dossier_access().may_see(user, dossier):
        raise Http404
    annexes = Document.objects.filter(dossier=dossier, doc_type=DocumentType.ANNEX)
    return list(annexes.order_by("created_at", "pk"))


def version_for(user, pk) -> DocumentVersion:
    """The version if the user may see its dossier; otherwise 404, revealing nothing."""
    try:
        version = DocumentVersion.objects.select_related("document").get(pk=pk)
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    dossier_access().dossier_for(user, version.document.dossier_id)
    return version


def document_for(user, pk) -> Document:
    try:
        document = Document.objects.get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    dossier_access().dossier_for(user, document.dossier_id)
    return document


def versions_of(document) -> QuerySet[DocumentVersion]:
    return document.versions.order_by("number")


def indexable_documents(dossier) -> Iterator[IndexableDocument]:
    """The latest version of each of the dossier's documents, for the search index."""
    newest_number = (
        DocumentVersion.objects.filter(document=OuterRef("document"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = (
        DocumentVersion.objects.filter(document__dossier=dossier, number=Subquery(newest_number))
        .select_related("document")
        .only("id", "text", "created_at", "document__doc_type", "document__title")
        .order_by("document_id")
    )
    for version in versions:
        yield IndexableDocument(
            version_id=version.pk,
            doc_type=version.document.doc_type,
            title=version.document.title,
            text=version.text,
            created_at=version.created_at,
        )
