"""The roles of docs/domain.md, kept as Django groups so an administrator manages them."""

from django.utils.translation import gettext_lazy as _

DRAFTER = "drafter"
SECRETARY = "secretary"
COUNCIL_MEMBER = "council_member"
APPRAISER = "appraiser"
APPROVER = "approver"
CLERK = "clerk"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    DRAFTER: _("Drafter"),
    SECRETARY: _("Council secretary"),
    COUNCIL_MEMBER: _("Council member"),
    APPRAISER: _("Appraiser"),
    APPROVER: _("Approver"),
    CLERK: _("Clerk"),
    ADMINISTRATOR: _("Administrator"),
}
ROLES = tuple(ROLE_LABELS)

# Roles of the Central Party Office: they work on every agency's dossiers.
CENTRAL_ROLES = frozenset({SECRETARY, COUNCIL_MEMBER, APPRAISER, APPROVER, CLERK, ADMINISTRATOR})


def roles_of(user) -> frozenset[str]:
    """The user's roles; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_dossierflow_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached |= {ADMINISTRATOR}
        user._dossierflow_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def preload_roles(users) -> list:
    """The users with their roles cached as roles_of would: two queries for any number of them.

    For work on many people at once (notifying a council), where roles_of would ask per person.
    """
    from django.contrib.auth.models import Group
    from django.db.models import Prefetch

    users = list(
        users.prefetch_related(
            Prefetch("groups", queryset=Group.objects.filter(name__in=ROLES), to_attr="_roles")
        )
    )
    for user in users:
        names = frozenset(g.name for g in user._roles) if user.is_active else frozenset()
        if user.is_active and user.is_superuser:
            names |= {ADMINISTRATOR}
        user._dossierflow_roles = names
    return users
