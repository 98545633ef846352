"""Personal API tokens: created and shown once, kept as a SHA-256 digest, revocable."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.errors import InvalidInput, NotPermitted

from .models import ApiToken

TOKEN_PREFIX = "dfl_"
MAX_DAYS = 366
# Writing last use on every request would turn each read into a write: once a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `user`: (its row, the token itself, which is never stored)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100 or not name.isprintable():
        raise InvalidInput(_("Give the token a name of at most 100 characters."))
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(_("A token lasts from 1 to %(days)s days.") % {"days": MAX_DAYS})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return row, token


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def revoke_token(*, user, token_id: int) -> ApiToken:
    """The owner revokes their token; an administrator (superuser) may revoke anyone's."""
    tokens = ApiToken.objects.all() if user.is_superuser else tokens_of(user)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotPermitted(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(token: str):
    """The active user of an active token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user", "user__profile")
        .filter(digest=digest_of(token), revoked_at=None, expires_at__gt=now)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
