"""`{% dossier_documents dossier %}`: the documents card a dossier page includes."""

from django import template

from .. import selectors
from ..access import dossier_access

register = template.Library()


@register.inclusion_tag("documents/_dossier_card.html", takes_context=True)
def dossier_documents(context, dossier):
    user = context["request"].user
    return {
        "dossier": dossier,
        "documents": selectors.documents_of(user, dossier),
        "may_upload": dossier_access().may_upload(user, dossier),
    }
