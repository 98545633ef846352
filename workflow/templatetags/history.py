from django import template

from workflow.actions import history_label
from workflow.states import Stage

register = template.Library()


@register.filter
def stage_label(value: str) -> str:
    """A stored stage code as the reader's language names it."""
    return Stage(value).label if value in Stage.values else value


@register.filter
def action_label(value: str) -> str:
    """An audit action as the reader's language names it; actions without a label show as is."""
    return history_label(value)
