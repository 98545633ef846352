"""The signed-in person as every page needs them, read in one query per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .roles import preload_roles


class PersonBackend(ModelBackend):
    """Django's model backend, whose user of a session comes with their roles, profile and
    agency joined in: one query where the user, the roles, the profile and the agency were
    four on every page of a drafter (the header, the permission checks, the agency's lists)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.filter(pk=user_id)
        found = preload_roles(users.select_related("profile__agency"))
        user = found[0] if found else None
        return user if self.user_can_authenticate(user) else None
