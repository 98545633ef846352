"""`{% dossier_documents dossier %}`: the documents card a dossier page includes."""

from django import template
from django.utils.translation import gettext

from .. import selectors
from ..access import dossier_access
from ..rendering import find_converter

register = template.Library()


@register.inclusion_tag("documents/_dossier_card.html", takes_context=True)
def dossier_documents(context, dossier):
    user = context["request"].user
    return {
        "dossier": dossier,
        "documents": selectors.documents_of(user, dossier),
        "may_upload": dossier_access().may_upload(user, dossier),
    }


@register.filter
def pending_reason(rendition) -> str:
    """Why a PDF/A copy is not there yet, for the documents table."""
    if rendition.last_error:
        return rendition.last_error
    if find_converter() is None:
        return gettext(
            "LibreOffice is not installed on the server; the PDF/A copy will be made once it is."
        )
    return gettext("queued for the worker")
