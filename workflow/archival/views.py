"""Pages of archival: verify a held copy (public), upload a decision signed elsewhere, export an
archived dossier's package (clerk) and import one (administrator)."""

import time

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.errors import DocumentRejected, StorageUnavailable
from documents.models import Rendition
from documents.services import read_upload
from documents.verification import replace_with_signed_copy, verify_file

from .. import permissions, selectors
from ..errors import DomainError
from ..states import Stage
from .disclosure import report_for
from .packages import export_package, import_package

MAX_VERIFY_BYTES = 50 * 1024 * 1024


def over_public_limit(request, scope: str, per_minute: int) -> bool:
    """Count one more use of `scope` by an anonymous request's address (axes' reading of it,
    behind AXES_PROXY_COUNT proxies); True once it has used `per_minute` this minute.

    Counted in Django's cache: each process on its own with the default cache, shared by every
    web server when CACHES points at a shared one. A signed-in user is not limited.
    """
    if request.user.is_authenticated:
        return False
    key = f"throttle:{scope}:{get_client_ip_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > per_minute
    except ValueError:  # the count was evicted between add and incr
        cache.set(key, 1, timeout=120)
        return False


class FileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


def verify(request):
    """Public on purpose: whoever holds a copy (another agency, an archive, a citizen) must be
    able to check it without an account. A person who may see the dossier is told which one."""
    form = FileForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and over_public_limit(
        request, "verify", settings.ARCHIVAL_VERIFY_PER_MINUTE
    ):
        messages.error(
            request,
            _("Too many files checked from your address in the last minute: wait a minute."),
        )
        return render(request, "workflow/archival/verify.html", {"form": FileForm()}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            data = read_upload(form.cleaned_data["file"], MAX_VERIFY_BYTES)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            report = report_for(request.user, verify_file(data))
    status = 400 if form.errors else 200
    return render(
        request, "workflow/archival/verify.html", {"form": form, "report": report}, status=status
    )


@login_required
def upload_signed(request, pk):
    """An approver or clerk uploads the decision signed on the signer's own token."""
    dossier = selectors.dossier_for(request.user, pk)
    if not permissions.may_upload_signed_decision(request.user, dossier):
        raise PermissionDenied
    rendition = (
        Rendition.objects.filter(
            version__document__dossier_id=dossier.pk, version__document__doc_type="decision"
        )
        .order_by("-version__number")
        .first()
    )
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if rendition is None:
                raise DocumentRejected(_("This dossier has no issued decision."))
            data = read_upload(form.cleaned_data["file"], MAX_VERIFY_BYTES)
            replace_with_signed_copy(rendition_id=rendition.pk, data=data)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The signed decision replaces the unsigned copy."))
            return redirect("workflow:dossier", pk=dossier.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "workflow/archival/upload_signed.html",
        {"form": form, "dossier": dossier, "rendition": rendition},
        status=status,
    )


@login_required
def export(request, pk):
    dossier = selectors.dossier_for(request.user, pk)
    if not permissions.may_export_package(request.user, dossier):
        if dossier.state == Stage.ARCHIVED:
            raise PermissionDenied
        messages.error(request, _("Only an archived dossier can be exported as a package."))
        return redirect("workflow:dossier", pk=dossier.pk)
    try:
        package = export_package(dossier)
    except StorageUnavailable as error:
        messages.error(request, error.message)
        return redirect("workflow:dossier", pk=dossier.pk)
    response = HttpResponse(package, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="dossier-{dossier.pk}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def import_view(request):
    if not permissions.may_import_packages(request.user):
        raise PermissionDenied
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = read_upload(form.cleaned_data["file"], settings.ARCHIVE_PACKAGE_MAX_BYTES)
            dossier = import_package(data=data, user=request.user)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The dossier was imported, read-only."))
            return redirect("workflow:dossier", pk=dossier.pk)
    status = 400 if form.errors else 200
    return render(request, "workflow/archival/import.html", {"form": form}, status=status)
