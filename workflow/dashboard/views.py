"""The dashboard's pages and files. Each starts from who may see what (workflow.selectors)."""

from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..paging import Pages
from ..permissions import may_see_dashboard
from ..selectors import due_first
from ..states import DossierKind, Stage
from . import exports, tables
from .figures import dashboard_for, figures_key
from .filters import agency_choices, filtered_dossiers, read_filters
from .panels import panels
from .report import program_report
from .rounds import ROUND_LABELS


def _allowed(request):
    if not may_see_dashboard(request.user):
        raise PermissionDenied(_("The dashboard is for the central office and agency drafters."))
    return read_filters(request.GET, request.user)


def _filter_context(request, filters) -> dict:
    return {
        "filters": filters,
        "query": filters.query(),
        "kinds": DossierKind.choices,
        "agencies": agency_choices(request.user),
        "years": range(timezone.localdate().year, 2020, -1),
    }


@login_required
def dashboard(request):
    filters = _allowed(request)
    context = _filter_context(request, filters.base)
    # The charts and tables are drawn once per state of the data, not once per view.
    key = figures_key(request.user, filters, timezone.localdate())[0] + ":html"
    charts = cache.get(key) if settings.DASHBOARD_CACHE_SECONDS else None
    if charts is None:
        board = dashboard_for(request.user, filters)
        charts = render_to_string(
            "workflow/dashboard/_panels.html",
            {"board": board, "panels": panels(board), **context},
            request,
        )
        if settings.DASHBOARD_CACHE_SECONDS:
            cache.set(key, charts, settings.DASHBOARD_CACHE_SECONDS)
    # The panels are our own template's output, escaped where it was rendered.
    charts = mark_safe(charts)  # noqa: S308
    return render(request, "workflow/dashboard/dashboard.html", {"charts": charts, **context})


@login_required
def dossier_list(request):
    filters = _allowed(request)
    dossiers = filtered_dossiers(request.user, filters)
    # The overdue ones the longest overdue first, as the dashboard's and the home page's lists of
    # them show their first; the others the newest first.
    dossiers = due_first(dossiers) if filters.overdue else dossiers.order_by("-created_at", "-id")
    page = Pages(dossiers, 50).get_page(request.GET.get("page"))
    narrowed = []
    if filters.stage:
        narrowed.append(Stage(filters.stage).label)
    if filters.outcome:
        narrowed.append(f"{_('Approved') if filters.outcome == 'approved' else _('Rejected')}: "
                        f"{filters.month}")  # fmt: skip
    if filters.overdue:
        narrowed.append(_("Overdue"))
    if filters.round:
        narrowed.append(_("Council round: %(result)s") % {"result": ROUND_LABELS[filters.round]})
    return render(
        request,
        "workflow/dashboard/dossier_list.html",
        {
            "page": page,
            "narrowed": narrowed,
            "hidden": [
                (k, v) for k, v in parse_qsl(filters.query()) if k not in ("year", "kind", "agency")
            ],
            **_filter_context(request, filters),
        },
    )


def _file(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def export_dossiers(request, fmt):
    filters = _allowed(request)
    if fmt not in exports.FORMATS:
        raise Http404
    table = tables.dossiers_table(filtered_dossiers(request.user, filters))
    return _file(exports.export(table, fmt), fmt, "dossiers")


@login_required
def export_table(request, table, fmt):
    filters = _allowed(request)
    if fmt not in exports.FORMATS or table not in tables.DASHBOARD_TABLES:
        raise Http404
    board = dashboard_for(request.user, filters)
    made = tables.DASHBOARD_TABLES[table](board)
    return _file(exports.export(made, fmt), fmt, f"dashboard-{table}")


@login_required
def report(request):
    filters = _allowed(request)
    today = timezone.localdate()
    board = dashboard_for(request.user, filters, today=today)
    response = HttpResponse(
        program_report(board, today=today),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-ct27-{today:%Y%m%d}.docx"'
    return response
