"""`{% archival_actions dossier %}`: the archival links of a dossier page."""

from django import template

from .. import permissions

register = template.Library()


@register.inclusion_tag("workflow/archival/_actions.html", takes_context=True)
def archival_actions(context, dossier):
    user = context["request"].user
    return {
        "dossier": dossier,
        "may_export": permissions.may_export_package(user, dossier),
        "may_upload_signed": permissions.may_upload_signed_decision(user, dossier),
    }
