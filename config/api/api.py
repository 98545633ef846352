"""The API object: its routers, authentication and how errors become JSON answers."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from documents.errors import DocumentLocked, DomainError, NotPermitted, StorageUnavailable
from workflow.errors import TransitionRefused, VoteClosed

from . import documents, dossiers, notifications, rounds, searching
from .auth import AUTH
from .field_errors import message_of

api = NinjaAPI(
    title="dossierflow API",
    version="1",
    description="Dossiers, documents, review rounds, appraisal and search; see docs/api.md.",
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/dossiers", dossiers.router)
api.add_router("/", documents.router)
api.add_router("/dossiers", rounds.router)
api.add_router("/search", searching.router)
api.add_router("/notifications", notifications.router)


def _status_of(error: DomainError) -> int:
    """Not this person: 403; not now (stage, closed round, someone was faster): 409; the
    documents' storage failing: 503; else 400."""
    if isinstance(error, StorageUnavailable):
        return 503
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, TransitionRefused | VoteClosed | DocumentLocked):
        return 409
    return 400


@api.exception_handler(DomainError)
def domain_error(request, error):
    body = {"detail": error.message}
    if error.field:
        body["errors"] = [{"field": error.field, "message": error.message}]
    return api.create_response(request, body, status=_status_of(error))


def _field_of(loc) -> str:
    """The field as the client named it: ("body", "payload", "title") → "title"."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"] and len(parts) > 2:
        parts = parts[2:]
    elif parts[:1] in (["query"], ["path"], ["form"], ["file"], ["body"], ["header"]):
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def validation_error(request, error):
    errors = [
        {"field": _field_of(e.get("loc", ())), "message": message_of(e)} for e in error.errors
    ]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return api.create_response(
        request,
        {"detail": _("Check these fields: %(fields)s.") % {"fields": fields}, "errors": errors},
        status=400,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    response = api.create_response(
        request,
        {"detail": _("Log in, or send a valid API token (Authorization: Bearer …).")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(HttpError)
def http_error(request, error):
    detail = str(error)
    if error.status_code == 403 and detail == "CSRF":
        detail = _("The CSRF check failed: send the X-CSRFToken header with a session.")
    return api.create_response(request, {"detail": detail}, status=error.status_code)
