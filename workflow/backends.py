"""The signed-in person as every page needs them, read in one query per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .notifications.context_processors import with_unread_count
from .roles import preload_roles


class PersonBackend(ModelBackend):
    """Django's model backend, whose user of a session comes with their roles, profile, agency
    and unread notifications joined in: one query where there were five on every page of a
    drafter (the header, the permission checks, the agency's lists). Every request reads them
    afresh: a role taken away or a deactivation counts from the next request."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.filter(pk=user_id)
        found = preload_roles(with_unread_count(users.select_related("profile__agency")))
        user = found[0] if found else None
        return user if self.user_can_authenticate(user) else None
