"""The office's papers: the register of issued documents, and the decision the approver reads
before approving."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.text import clean_text

from . import decisions, paperwork, permissions, selectors
from .dashboard import exports
from .dashboard.tables import Table
from .paging import Pages


@login_required
def decision_preview(request, pk):
    """The approver reads the decision before approving: a .docx, number left blank."""
    dossier = selectors.dossier_for(request.user, pk)
    if not permissions.may_preview_decision(request.user, dossier):
        raise Http404
    response = HttpResponse(
        paperwork.preview_decision(dossier, approver=request.user),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="du-thao-quyet-dinh-{dossier.pk}.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


SERIES = (
    (decisions.DECISION, gettext_lazy("Decisions")),
    (decisions.MINUTES, gettext_lazy("Minutes")),
    (decisions.NOTICE, gettext_lazy("Notices")),
    (decisions.REPORT, gettext_lazy("Reports")),
)


@login_required
def register(request):
    """The register of issued documents: searchable, and exported as CSV with the filters."""
    series = request.GET.get("series", "")
    series = series if series in dict(SERIES) else ""
    year = _int(request.GET.get("year"))
    text = clean_text(request.GET.get("q", ""))[:200]
    entries = selectors.register_for(request.user, series=series, year=year, text=text)
    if request.GET.get("format") == "csv":
        return _register_csv(entries)
    page = Pages(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/register.html",
        {"page": page, "series_choices": SERIES, "series": series, "year": year, "q": text,
         "query": urlencode({"q": text, "series": series, "year": year or ""})},
    )


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1900 <= number <= 9999 else None


def _register_csv(entries) -> HttpResponse:
    rows = (
        (entry.number, entry.issued_on.strftime("%d/%m/%Y"), entry.subject,
         entry.dossier.agency.name, entry.dossier.title)
        for entry in entries.iterator()
    )
    header = (_("Number"), _("Date"), _("Subject"), _("Agency"), _("Dossier"))
    table = Table(key="register", title=_("Document register"), header=header, rows=rows)
    response = HttpResponse(exports.to_csv(table), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="so-dang-ky-van-ban.csv"'
    return response
