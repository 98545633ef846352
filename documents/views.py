import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .access import dossier_access
from .comparison import compare
from .errors import DomainError
from .extraction import Extracted
from .forms import UploadForm
from .models import DocumentType, Rendition, RenditionStatus

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def dossier_documents(request, dossier_pk):
    dossier = dossier_access().dossier_for(request.user, dossier_pk)
    documents = selectors.documents_of(request.user, dossier)
    may_upload = dossier_access().may_upload(request.user, dossier)
    annexes = [d for d in documents if d.doc_type == DocumentType.ANNEX]
    form = None
    if may_upload:
        form = UploadForm(request.POST or None, request.FILES or None, annexes=annexes)
        if request.method == "POST" and form.is_valid():
            try:
                version = services.upload_document(
                    user=request.user,
                    dossier=dossier,
                    doc_type=form.cleaned_data["doc_type"],
                    uploaded_file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    document_id=form.annex_id()
                    if form.cleaned_data["doc_type"] == DocumentType.ANNEX
                    else None,
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    _("Stored “%(title)s” as version %(number)s.")
                    % {"title": version.document.title, "number": version.number},
                )
                return redirect("documents:dossier_documents", dossier_pk=dossier.pk)
    elif request.method == "POST":
        messages.error(request, _("Documents of this dossier cannot be uploaded now."))
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "documents/dossier_documents.html",
        {"dossier": dossier, "documents": documents, "form": form},
        status=status,
    )


@login_required
def read_version(request, pk):
    version = selectors.version_for(request.user, pk)
    document = version.document
    return render(
        request,
        "documents/read.html",
        {
            "version": version,
            "document": document,
            "dossier": dossier_access().dossier_for(request.user, document.dossier_id),
            "extracted": Extracted.from_json(version.blocks),
            "versions": selectors.versions_of(document).defer("text", "blocks"),
        },
    )


@login_required
def download_version(request, pk):
    version = selectors.version_for(request.user, pk)
    try:
        stored = default_storage.open(version.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=version.original_filename,
        content_type=DOCX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def download_pdf(request, pk):
    """The version's PDF/A copy: the signed one once there is one."""
    version = selectors.version_for(request.user, pk)
    rendition = Rendition.objects.filter(version=version, status=RenditionStatus.DONE).first()
    if rendition is None:
        raise Http404
    try:
        stored = default_storage.open(rendition.handed_out.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = os.path.splitext(version.original_filename)[0] or "document"
    response = FileResponse(
        stored, as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def compare_versions(request, pk):
    document = selectors.document_for(request.user, pk)
    versions = list(selectors.versions_of(document))
    if len(versions) < 2:
        messages.info(
            request, _("This document has only one version: there is nothing to compare.")
        )
        return redirect("documents:dossier_documents", dossier_pk=document.dossier_id)
    by_number = {v.number: v for v in versions}
    old = by_number.get(_int(request.GET.get("old")), versions[-2])
    new = by_number.get(_int(request.GET.get("new")), versions[-1])
    comparison = compare(Extracted.from_json(old.blocks), Extracted.from_json(new.blocks))
    changes_only = request.GET.get("changes") == "only"
    return render(
        request,
        "documents/compare.html",
        {
            "document": document,
            "dossier": dossier_access().dossier_for(request.user, document.dossier_id),
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
            "changes_only": changes_only,
            "shown": [c for c in comparison.changes if c.op != "equal"]
            if changes_only
            else comparison.changes,
        },
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def integrity(request, pk):
    version = selectors.version_for(request.user, pk)
    actual = services.sha256_of_stored(version)
    return render(
        request,
        "documents/integrity.html",
        {
            "version": version,
            "document": version.document,
            "dossier": dossier_access().dossier_for(request.user, version.document.dossier_id),
            "actual": actual,
            "matches": actual == version.sha256,
        },
    )
