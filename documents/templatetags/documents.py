"""`{% dossier_documents dossier %}`: the documents card a dossier page includes."""

from django import template

from workflow import selectors as workflow_selectors

from .. import selectors

register = template.Library()


@register.inclusion_tag("documents/_dossier_card.html", takes_context=True)
def dossier_documents(context, dossier):
    user = context["request"].user
    return {
        "dossier": dossier,
        "documents": selectors.documents_of(user, dossier),
        "may_upload": workflow_selectors.may_upload_documents(user, dossier),
    }
