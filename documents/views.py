import functools
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import selectors, services, storage, submissions
from .access import dossier_access
from .comparison import compare
from .errors import DomainError, StorageUnavailable
from .extraction import Extracted
from .forms import UploadForm
from .intake import human_size, limits_from_settings
from .models import DocumentType, Rendition, RenditionStatus
from .text import clean_filename

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Room for the form's other fields and the multipart boundaries around the file.
MULTIPART_ALLOWANCE = 64 * 1024


# Exempt here so the body is not parsed (the CSRF check reads the form) before its declared size
# is looked at; the CSRF check itself runs in `_documents_page`.
@csrf_exempt
@login_required
def dossier_documents(request, dossier_pk):
    if request.method == "POST":
        declared = _declared_length(request)
        limit = limits_from_settings().max_bytes
        if declared is None or declared > limit + MULTIPART_ALLOWANCE:
            return _refuse_unread(request, dossier_pk, declared, limit)
    return _documents_page(request, dossier_pk)


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return None


def _refuse_unread(request, dossier_pk, declared, limit):
    """Answer an oversized upload from its declared size alone: its body is never read."""
    dossier = dossier_access().dossier_for(request.user, dossier_pk)
    if declared is None:
        refusal = _("The upload did not say how large it is; send it again from the form.")
    else:
        refusal = _("The file is %(size)s; the largest document accepted is %(limit)s.") % {
            "size": human_size(declared),
            "limit": human_size(limit),
        }
    response = render(
        request,
        "documents/dossier_documents.html",
        {
            "dossier": dossier,
            "documents": selectors.documents_of(request.user, dossier),
            "form": None,
            "refusal": refusal,
        },
        status=413,
    )
    # The unread body must not be taken for the next request on a kept-alive connection.
    response["Connection"] = "close"
    return response


@csrf_protect
def _documents_page(request, dossier_pk):
    dossier = dossier_access().dossier_for(request.user, dossier_pk)
    may_upload = dossier_access().may_upload(request.user, dossier)
    form = documents = None
    unavailable = False  # the storage failed: 503, the form as sent, nothing saved
    if request.method == "POST":
        earlier = submissions.earlier_outcome(request.user, submissions.key_of(request))
        if earlier is not None:
            messages.info(request, submissions.already_done(earlier))
            return redirect("documents:dossier_documents", dossier_pk=dossier.pk)
    else:
        documents = selectors.documents_of(request.user, dossier)
    if may_upload:
        # An upload that succeeds is redirected: it needs the annexes, not every version.
        annexes = (
            selectors.annexes_of(request.user, dossier)
            if documents is None
            else [d for d in documents if d.doc_type == DocumentType.ANNEX]
        )
        form = UploadForm(request.POST or None, request.FILES or None, annexes=annexes)
        if request.method == "POST" and form.is_valid():
            try:
                outcome, done_before = submissions.run_once(
                    request, lambda: _upload(request, dossier, form)
                )
            except DomainError as error:
                form.add_error("file", error.message)
                unavailable = isinstance(error, StorageUnavailable)
            else:
                if done_before:
                    messages.info(request, submissions.already_done(outcome))
                else:
                    messages.success(request, outcome["message"])
                return redirect("documents:dossier_documents", dossier_pk=dossier.pk)
    elif request.method == "POST":
        messages.error(request, _("Documents of this dossier cannot be uploaded now."))
    status = 503 if unavailable else 400 if form is not None and form.errors else 200
    if documents is None:
        documents = selectors.documents_of(request.user, dossier)
    return render(
        request,
        "documents/dossier_documents.html",
        {"dossier": dossier, "documents": documents, "form": form},
        status=status,
    )


def _upload(request, dossier, form) -> dict:
    version = services.upload_document(
        user=request.user,
        dossier=dossier,
        doc_type=form.cleaned_data["doc_type"],
        uploaded_file=form.cleaned_data["file"],
        title=form.cleaned_data["title"],
        document_id=(
            form.annex_id() if form.cleaned_data["doc_type"] == DocumentType.ANNEX else None
        ),
    )
    message = _("Stored “%(title)s” as version %(number)s.") % {
        "title": version.document.title,
        "number": version.number,
    }
    return {"message": message, "version": version.pk}


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


def _stored(name):
    """The stored file open for reading; a 404 if it is gone."""
    try:
        return storage.open_stored(name)
    except FileNotFoundError:
        raise Http404 from None


def _back_to_documents_if_unreadable(view):
    """A download (`pk`: the version) the storage cannot serve now goes back to the dossier's
    documents page, which says so; the log has the cause."""

    @functools.wraps(view)
    def wrapped(request, pk):
        try:
            return view(request, pk)
        except StorageUnavailable as error:
            messages.error(request, error.message)
            version = selectors.version_for(request.user, pk)
            return redirect("documents:dossier_documents", dossier_pk=version.document.dossier_id)

    return wrapped


@login_required
@_back_to_documents_if_unreadable
def download_version(request, pk):
    version = selectors.version_for(request.user, pk)
    stored = _stored(version.file.name)
    response = FileResponse(
        stored,
        as_attachment=True,
        # Rows stored before names were forced to .docx are served as .docx too.
        filename=clean_filename(version.original_filename),
        content_type=DOCX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@_back_to_documents_if_unreadable
def download_pdf(request, pk):
    """The version's PDF/A copy: the signed one once there is one."""
    version = selectors.version_for(request.user, pk)
    rendition = Rendition.objects.filter(version=version, status=RenditionStatus.DONE).first()
    if rendition is None:
        raise Http404
    stored = _stored(rendition.handed_out.name)
    name = os.path.splitext(clean_filename(version.original_filename))[0]
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
    try:
        actual, unavailable = services.sha256_of_stored(version), None
    except StorageUnavailable as error:  # not a verdict on the file: checked again later
        actual, unavailable = None, error.message
    return render(
        request,
        "documents/integrity.html",
        {
            "version": version,
            "document": version.document,
            "dossier": dossier_access().dossier_for(request.user, version.document.dossier_id),
            "actual": actual,
            "matches": actual == version.sha256,
            "unavailable": unavailable,
        },
        status=503 if unavailable else 200,
    )
