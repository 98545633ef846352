"""The signed-in person as every page needs them, read in one query per request."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections

from .models import Agency, Profile
from .notifications.models import Notification
from .roles import ROLES, remember_roles


class PersonBackend(ModelBackend):
    """Django's model backend, whose user of a session comes with their roles, profile, agency
    and unread notifications joined in: one query where there were five on every page of a
    drafter (the header, the permission checks, the agency's lists). Every request reads them
    afresh: a role taken away or a deactivation counts from the next request."""

    def get_user(self, user_id):
        user = signed_in_person(user_id)
        return user if self.user_can_authenticate(user) else None


def signed_in_person(user_id, using="default"):
    """The user with `user.profile.agency`, roles (roles.roles_of) and `unread_notifications`.

    A raw query, written once per process: the same query built through the ORM (a filtered
    relation, a subquery and two levels of select_related) cost 1.2 ms of CPU to build on every
    request, more than all the rest of a bare page, against 0.1-0.3 ms for this one (bench/serve,
    docs/operations.md). The user's fields go through Django's converters (QuerySet.raw); the
    profile's and the agency's are whole numbers and text, which every database returns as they
    are (tests/workflow/test_signed_in.py compares each field with the ORM's reading).
    """
    User = get_user_model()
    rows = list(User._default_manager.db_manager(using).raw(
        _person_sql(using), [*ROLES, user_id]))
    if not rows:
        return None
    user = rows[0]
    remember_roles(user, [row.dossierflow_role for row in rows if row.dossierflow_role])
    if user.p_0 is not None:
        profile = Profile.from_db(using, *_fields(Profile, user, "p"))
        if profile.agency_id is not None:
            profile.agency = Agency.from_db(using, *_fields(Agency, user, "a"))
        user.profile = profile
    else:  # known to have none, as select_related would have it: `user.profile` asks nothing
        User.profile.related.set_cached_value(user, None)
    return user


def _fields(model, row, prefix):
    names = _attnames(model)
    return names, [getattr(row, f"{prefix}_{i}") for i in range(len(names))]


@functools.cache
def _attnames(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _person_sql(using: str) -> str:
    """The query, for one database: the user's columns, then the profile's as p_0, p_1... and the
    agency's as a_0, a_1..., the name of a role group (a row per group), the unread count."""
    q = connections[using].ops.quote_name
    User = get_user_model()
    user_groups = User.groups.through

    def columns(model, alias, prefix=None):
        return ", ".join(f"{alias}.{q(field.column)}" + (f" AS {prefix}_{i}" if prefix else "")
                         for i, field in enumerate(model._meta.concrete_fields))

    def table(model):
        return q(model._meta.db_table)

    def column(model, name):
        return q(model._meta.get_field(name).column)

    user_id = f"u.{q(User._meta.pk.column)}"
    through_user = next(f for f in user_groups._meta.concrete_fields if f.related_model is User)
    through_group = next(f for f in user_groups._meta.concrete_fields if f.related_model is Group)
    return (
        f"SELECT {columns(User, 'u')}, {columns(Profile, 'p', 'p')}, {columns(Agency, 'a', 'a')},"
        f" g.{column(Group, 'name')} AS dossierflow_role,"
        f" (SELECT COUNT(*) FROM {table(Notification)} n"
        f" WHERE n.{column(Notification, 'recipient')} = {user_id}"
        f" AND n.{column(Notification, 'read_at')} IS NULL) AS unread_notifications"
        f" FROM {table(User)} u"
        f" LEFT JOIN {table(Profile)} p ON p.{column(Profile, 'user')} = {user_id}"
        f" LEFT JOIN {table(Agency)} a ON a.{q(Agency._meta.pk.column)}"
        f" = p.{column(Profile, 'agency')}"
        f" LEFT JOIN {table(user_groups)} ug ON ug.{q(through_user.column)} = {user_id}"
        f" LEFT JOIN {table(Group)} g"
        f" ON g.{q(Group._meta.pk.column)} = ug.{q(through_group.column)}"
        f" AND g.{column(Group, 'name')} IN ({', '.join(['%s'] * len(ROLES))})"
        f" WHERE {user_id} = %s"
    )
