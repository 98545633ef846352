"""What callers pass to the services, made into the values the services work with, or refused.

The forms check what people type, but the services are also called by the API, commands and
imports. Every public service is wrapped in `refusing_bad_values`, and ids and dates go through
`object_id`/`object_ids`/`round_deadline`: an id that is text, negative or beyond a database
integer, a record that does not exist (any longer), a date far past any real deadline, a value the
database cannot hold: each becomes a domain error with a message, never a raw error or a 500.
"""

import datetime
import functools

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError, IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.ids import parse_id

from ..errors import InvalidInput

# A round's deadline further away than this is a slip of the keyboard (9999-12-31), and would
# overflow the date arithmetic of timers and working-day counts.
LATEST_DEADLINE = datetime.timedelta(days=5 * 366)


def object_id(value, message=None) -> int:
    """A positive database id from an int or a string of digits."""
    parsed = parse_id(value)
    if parsed is None:
        raise InvalidInput(message or _("What this refers to does not exist."))
    return parsed


def object_ids(values, message=None) -> list[int]:
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise InvalidInput(message or _("What this refers to does not exist."))
    return [object_id(value, message) for value in values if value != ""]


def round_deadline(value) -> datetime.date | None:
    """None (the stage's own deadline) or a date within the next few years."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise InvalidInput(_("Give the deadline as a date."))
    latest = timezone.localdate() + LATEST_DEADLINE
    if value > latest:
        raise InvalidInput(
            _("The deadline of a round must be no later than %(date)s.")
            % {"date": latest.strftime("%d/%m/%Y")}
        )
    return value


def refusing_bad_values(service):
    """Turn what the database says about a bad value into a refusal; outermost decorator, so
    the service's own transaction has rolled back first and nothing is half stored."""

    @functools.wraps(service)
    def refusing(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ObjectDoesNotExist:
            raise InvalidInput(
                _("What this refers to does not exist (any longer). Reload the page.")
            ) from None
        except (DataError, OverflowError):
            raise InvalidInput(
                _("A value is too large or of the wrong kind; nothing was saved.")
            ) from None
        except IntegrityError:
            raise InvalidInput(
                _(
                    "This conflicts with what is already stored; nothing was saved. "
                    "Reload the page and try again."
                )
            ) from None

    return refusing
