"""What the workflow app gives the pages' templates (config/jinja.py): its filters and the
pieces a dossier page includes."""

from jinja2 import pass_context
from markupsafe import Markup

from documents.page_templates import piece

from . import permissions
from .actions import history_label
from .people import display_name
from .states import Stage


def stage_label(value: str) -> str:
    """A stored stage code as the reader's language names it."""
    return Stage(value).label if value in Stage.values else value


@pass_context
def archival_actions(context, dossier) -> Markup:
    """The archival links of a dossier page, for those who may use them."""
    user = context["request"].user
    return piece(
        context,
        "workflow/archival/_actions.html",
        dossier=dossier,
        may_export=permissions.may_export_package(user, dossier),
        may_upload_signed=permissions.may_upload_signed_decision(user, dossier),
    )


FILTERS = {
    "person": display_name,  # `{{ user|person }}`: the name as Vietnamese write it
    "stage_label": stage_label,
    "action_label": history_label,  # an audit action as the reader's language names it
    "may_see_dashboard": permissions.may_see_dashboard,
}
GLOBALS = {"archival_actions": archival_actions}
