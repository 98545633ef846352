from django import template

from workflow.people import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """`{{ user|person }}`: the name as Vietnamese write it, or the username."""
    return display_name(user)
