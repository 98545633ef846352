"""One-time form keys: a form sent twice is done once.

Each form that changes something carries a fresh random key (`{% submission_field %}`). The view
runs the work and records the key with its outcome in one transaction (`run_once`). The same key
again (a retry after the connection dropped, a double click, resending from the browser) finds the
outcome recorded and shows it; nothing is done a second time. A form without a key (an old page, a
script) is simply done. Keys are each user's: one that another user's form carried (a copied or
forged form) is a new form for this user.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "submission"
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_of(request) -> str | None:
    value = request.POST.get(FIELD, "")
    return value if _KEY.fullmatch(value) else None


def earlier_outcome(user, key: str | None) -> dict | None:
    if key is None:
        return None
    found = FormSubmission.objects.filter(key=key, user=user).values_list("outcome", flat=True)
    return next(iter(found), None)


def run_once(request, work) -> tuple[dict, bool]:
    """(outcome, done_before): `work()` returns the outcome to record, a dict fit for JSON.

    A domain error from `work` records nothing, so the same form may be corrected and sent again.
    """
    key = key_of(request)
    earlier = earlier_outcome(request.user, key)
    if earlier is not None:
        return earlier, True
    try:
        with transaction.atomic():
            outcome = work()
            if key is not None:
                FormSubmission.objects.create(key=key, user=request.user, outcome=outcome)
    except IntegrityError:
        # The same form, sent twice at once: the other one committed first, this one's work
        # rolled back with the key.
        earlier = earlier_outcome(request.user, key)
        if earlier is None:
            raise
        return earlier, True
    return outcome, False


def forget_old_keys(*, limit: int) -> int:
    """Delete up to `limit` keys older than FORM_KEYS_KEPT_DAYS; returns how many. A form that
    old sent again is no retry or double click: it is done (or refused) as a new one."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.FORM_KEYS_KEPT_DAYS)
    old = FormSubmission.objects.filter(created_at__lt=cutoff).order_by("created_at")
    ids = list(old.values_list("pk", flat=True)[:limit])
    return FormSubmission.objects.filter(pk__in=ids).delete()[0]


def already_done(outcome: dict) -> str:
    """What to tell someone whose form was sent again after it had been done."""
    return _("This form had already been sent and was done then, not again now: %(done)s") % {
        "done": outcome.get("message", "")
    }
