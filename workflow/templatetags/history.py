from django import template
from django.utils.translation import gettext_lazy as _

from workflow.actions import ACTIONS
from workflow.states import Stage

register = template.Library()

# Audit records that are not transitions.
OTHER_ACTIONS = {
    "create": _("Created"),
    "edit": _("Edited"),
    "open_round": _("Opened a review round"),
    "vote": _("Voted"),
    "correct_vote": _("Corrected a vote"),
    "close_round": _("Closed the review round"),
    "appraise": _("Recorded the appraisal"),
}


@register.filter
def stage_label(value: str) -> str:
    """A stored stage code as the reader's language names it."""
    return Stage(value).label if value in Stage.values else value


@register.filter
def action_label(value: str) -> str:
    """An audit action as the reader's language names it; actions without a label show as is."""
    action = ACTIONS.get(value)
    return action.label if action else OTHER_ACTIONS.get(value, value)
