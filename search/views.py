"""The search page and its JSON API: the same form, the same service, two renderings."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from workflow import selectors as workflow_selectors

from . import services
from .backends.base import SORTS
from .forms import DOC_TYPE_LABELS, SearchForm
from .highlight import as_html


def _labels():
    from workflow.states import DossierKind, Stage

    return {
        "kind": dict(DossierKind.choices),
        "stage": dict(Stage.choices),
        "doc_type": DOC_TYPE_LABELS,
    }


def _run(request):
    """(form, result, error) for the request's query string."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return form, None, _("Check the search fields: %(fields)s.") % {
            "fields": ", ".join(str(form.fields[name].label or name) for name in form.errors)
        }
    filters = form.filters()
    text = form.cleaned_data.get("q") or ""
    if not text.strip() and filters.is_empty:
        return form, None, None  # the empty page: nothing asked yet
    try:
        result = services.search(
            user=request.user, text=text, filters=filters,
            sort=form.cleaned_data.get("sort") or SORTS[0],
            page=form.cleaned_data.get("page") or 1,
        )
    except services.SearchError as error:
        return form, None, error
    return form, result, None


def _document_url(entry) -> str:
    """A document hit opens the document where the words matched; a dossier hit, the dossier."""
    kind, _, pk = entry.key.partition(":")
    if kind == "version" and pk.isdigit():
        return reverse("documents:read", args=[int(pk)])
    return reverse("workflow:dossier", args=[entry.dossier_id])


def _hit_dict(hit, labels) -> dict:
    entry = hit.entry
    return {
        "key": entry.key,
        "dossier": {
            "id": entry.dossier_id,
            "url": reverse("workflow:dossier", args=[entry.dossier_id]),
            "agency": {"id": entry.agency_id, "name": entry.agency_name},
            "kind": entry.kind,
            "kind_label": str(labels["kind"].get(entry.kind, entry.kind)),
            "stage": entry.stage,
            "stage_label": str(labels["stage"].get(entry.stage, entry.stage)),
            "decision_number": entry.decision_number,
        },
        "document": {
            "type": entry.doc_type,
            "type_label": str(labels["doc_type"].get(entry.doc_type, entry.doc_type)),
            "title": entry.title,
            "url": _document_url(entry),
            "date": entry.date.isoformat() if entry.date else None,
        },
        "score": hit.score,
        "title_html": as_html(hit.title),
        "snippets_html": [as_html(snippet) for snippet in hit.snippets],
    }


def _facets(result, labels) -> dict:
    out = {}
    for name, values in result.facets.items():
        out[name] = [
            {
                "value": v.value,
                "count": v.count,
                "label": v.label if name == "agency"
                else str(labels.get(name, {}).get(v.value, v.value)),
            }
            for v in values
        ]
    return out


@login_required
def search_page(request):
    form, result, error = _run(request)
    labels = _labels()
    context = {"form": form, "error": error, "result": result}
    status = getattr(error, "status", 400) if error is not None else 200
    if form.is_valid():
        context["active_filters"] = _active_filters(request, form, labels)
    if result is not None:
        hits = [_hit_dict(hit, labels) for hit in result.hits]
        # A document hit names its dossier.
        titles = workflow_selectors.titles_of(request.user, [h["dossier"]["id"] for h in hits])
        for hit in hits:
            hit["dossier"]["title"] = titles.get(hit["dossier"]["id"], "")
            when = hit["document"]["date"]
            hit["document"]["day"] = date.fromisoformat(when).strftime("%d/%m/%Y") if when else ""
        context["hits"] = hits
        context["facets"] = _facets(result, labels)
        query = request.GET.copy()
        query.pop("page", None)
        context["base_query"] = query.urlencode()
        context["pages"] = {
            "previous": result.page - 1 if result.page > 1 else None,
            "next": result.page + 1 if result.page < result.pages else None,
        }
        asked = form.cleaned_data.get("page") or 1
        if asked > result.pages and result.total:
            context["past_the_end"] = {"asked": asked, "last": result.pages}
    return render(request, "search/search.html", context, status=status)


def _active_filters(request, form, labels) -> list[dict]:
    """The filters in force, each with the address of the same search without it."""
    data = form.cleaned_data
    names = workflow_selectors.agency_names(data.get("agency") or ())
    shown = []
    for field, values, label_of in (
        ("agency", data.get("agency") or (), lambda v: names.get(v, str(v))),
        ("kind", data.get("kind") or (), lambda v: labels["kind"].get(v, v)),
        ("stage", data.get("stage") or (), lambda v: labels["stage"].get(v, v)),
        ("type", data.get("type") or (), lambda v: labels["doc_type"].get(v, v)),
    ):
        for value in values:
            shown.append(
                {
                    "label": f"{form.fields[field].label}: {label_of(value)}",
                    "url": _without(request, field, str(value)),
                }
            )
    for field in ("decision", "date_from", "date_to"):
        value = data.get(field)
        if value:
            text = value.strftime("%d/%m/%Y") if isinstance(value, date) else value
            shown.append(
                {"label": f"{form.fields[field].label}: {text}", "url": _without(request, field)}
            )
    return shown


def _without(request, field: str, value: str | None = None) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(field, None)
    else:
        query.setlist(field, [v for v in query.getlist(field) if v != value])
    return f"?{query.urlencode()}"


@login_required
def search_api(request):
    form, result, error = _run(request)
    if error is not None:
        status = getattr(error, "status", 400)
        return JsonResponse({"error": str(error)}, status=status)
    if result is None:
        return JsonResponse({"error": _("Type a word or a phrase to search for.")}, status=400)
    labels = _labels()
    return JsonResponse(
        {
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
            "per_page": result.per_page,
            "hits": [_hit_dict(hit, labels) for hit in result.hits],
            "facets": _facets(result, labels),
        },
        json_dumps_params={"ensure_ascii": False},
    )
