from django import template

from workflow import permissions

register = template.Library()


@register.filter
def may_see_dashboard(user) -> bool:
    """`{% if user|may_see_dashboard %}`: the header's link to the Program 27 dashboard."""
    return permissions.may_see_dashboard(user)
