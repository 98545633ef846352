"""What the documents app gives the pages' templates (config/jinja.py): its filters and the
pieces other apps' pages include."""

from django.utils.html import format_html
from django.utils.translation import gettext
from jinja2 import pass_context
from markupsafe import Markup

from . import selectors
from .access import dossier_access
from .rendering import find_converter
from .submissions import FIELD, new_key


def pending_reason(rendition) -> str:
    """Why a PDF/A copy is not there yet, for the documents table."""
    if rendition.last_error:
        return rendition.last_error
    if find_converter() is None:
        return gettext(
            "LibreOffice is not installed on the server; the PDF/A copy will be made once it is."
        )
    return gettext("queued for the worker")


def submission_field() -> str:
    """The hidden one-time key of a form that changes something (documents/submissions.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


def piece(context, template_name: str, **values) -> Markup:
    """A template rendered inside the page that calls it, with the page's values and these."""
    template = context.environment.get_template(template_name)
    return Markup(template.render({**context.get_all(), **values}))


@pass_context
def dossier_documents(context, dossier) -> Markup:
    """The documents card a dossier page includes: what the reader may see of its documents."""
    user = context["request"].user
    return piece(
        context,
        "documents/_dossier_card.html",
        dossier=dossier,
        documents=selectors.documents_of(user, dossier),
        may_upload=dossier_access().may_upload(user, dossier),
    )


FILTERS = {"pending_reason": pending_reason}
GLOBALS = {"dossier_documents": dossier_documents, "submission_field": submission_field}
