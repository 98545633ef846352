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
    """The users with their roles cached as roles_of would: one query for any number of them.

    For work on many people at once (notifying a council), where roles_of would ask per person.
    Each user comes with the names of their role groups joined in (a row per role, at least
    one per user), which costs far less than a prefetch of the groups.
    """
    from django.db.models import F, FilteredRelation, Q

    rows = users.annotate(
        dossierflow_role_group=FilteredRelation("groups", condition=Q(groups__name__in=ROLES)),
        dossierflow_role=F("dossierflow_role_group__name"),
    )
    found, names = {}, {}
    for user in rows:
        found.setdefault(user.pk, user)
        if user.dossierflow_role is not None:
            names.setdefault(user.pk, set()).add(user.dossierflow_role)
    for pk, user in found.items():
        remember_roles(user, names.get(pk, ()))
    return list(found.values())


def remember_roles(user, group_names) -> None:
    """Cache on the user the roles that the names of their groups give, as roles_of would."""
    roles = frozenset(name for name in group_names if name in ROLE_LABELS)
    if not user.is_active:
        roles = frozenset()
    elif user.is_superuser:
        roles |= {ADMINISTRATOR}
    user._dossierflow_roles = roles
