"""Background work of notifications, for the worker (settings.WORKER_JOBS) or its own command.

run_mail_deliveries sends the e-mail outbox; run_reminder_sweep writes the day's reminders,
escalations and digests (sweep.py). Both may run in several workers at once.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from documents.retries import backoff

from . import sweep
from .mail import NothingToSend, build_message
from .models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)


def _claim(limit: int) -> tuple[list[Delivery], datetime.datetime]:
    """Take up to `limit` due deliveries for this worker until its lease runs out.

    A worker killed mid-send holds its rows only until `locked_until`; then another takes them.
    """
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(free)
        .order_by("next_attempt_at", "id")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # On SQLite the transaction holds the only write lock (IMMEDIATE), and the update is
        # conditional on the row still being free, so two workers never claim the same row.
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).filter(free).update(
                locked_until=lease, attempts=F("attempts") + 1
            )
    claimed = Delivery.objects.filter(pk__in=ids, locked_until=lease).select_related("recipient")
    return list(claimed), lease


def _finish(delivery: Delivery, lease, **fields) -> None:
    # Only while this worker still holds the row: a lease lost means someone else has it now.
    Delivery.objects.filter(pk=delivery.pk, locked_until=lease).update(locked_until=None, **fields)


# The start of the last error of mail that waits because the server failed (the admin shows it).
SERVER_FAILED = "mail server: "

# Refusals of one message; any other error (refused connection, timeout, a server hanging up)
# is the server's, and the rest of the batch waits for the next try instead of timing out too.
_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    UnicodeError,
    ValueError,
)


def run_mail_deliveries(*, limit: int = 100) -> int:
    """Send due e-mails; returns how many were sent. Failures retry with backoff, then fail.
    While the server is waited for after it failed, new mail waits with the rest."""
    server_back = _server_waited_for()
    if server_back is not None:
        _hold_back(server_back)
        return 0
    claimed, lease = _claim(limit)
    if not claimed:
        return 0
    sent = 0
    # Stop while the lease still covers one more send: past it, another worker may take a row.
    stop_at = lease - datetime.timedelta(seconds=settings.EMAIL_TIMEOUT + 5)
    mail_connection = get_connection()
    try:
        for index, delivery in enumerate(claimed):
            if timezone.now() > stop_at:
                _release(claimed[index:], lease)
                break
            try:
                message = build_message(delivery, connection=mail_connection)
                message.send()
            except NothingToSend as exc:
                _finish(delivery, lease, status=DeliveryStatus.FAILED, last_error=str(exc))
            except _MESSAGE_ERRORS as exc:
                _retry_later(delivery, lease, exc)
                _reset(mail_connection)
            except Exception as exc:  # noqa: BLE001 (the server's trouble: all wait, none raise)
                retry_at = min(_retry_later(waiting, lease, exc, server=True)
                               for waiting in claimed[index:])
                _hold_back(retry_at)
                break
            else:
                sent += 1
                _finish(
                    delivery,
                    lease,
                    status=DeliveryStatus.SENT,
                    sent_at=timezone.now(),
                    address=delivery.recipient.email,
                    subject=message.subject[:300],
                    last_error="",
                )
    finally:
        _reset(mail_connection)
    return sent


def _retry_later(delivery: Delivery, lease, exc: Exception, *, server=False) -> datetime.datetime:
    """The delivery waits (or fails, after its last attempt); returns when it is due again.
    `server`: the server failed (down, refusing, hanging), not this message."""
    log.warning("mail delivery %s failed: %s", delivery.pk, exc)
    failed = delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    retry_at = timezone.now() + backoff(
        delivery.attempts, most=datetime.timedelta(days=1),
        first=datetime.timedelta(seconds=settings.NOTIFICATIONS_RETRY_SECONDS))
    _finish(
        delivery,
        lease,
        status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
        last_error=(SERVER_FAILED if server else "") + f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=retry_at,
    )
    return retry_at


def try_the_server_now() -> int:
    """Mail waiting for the server after it failed is due at once (the admin's "send again")."""
    return Delivery.objects.filter(
        status=DeliveryStatus.PENDING, last_error__startswith=SERVER_FAILED
    ).update(next_attempt_at=timezone.now())


def _server_waited_for() -> datetime.datetime | None:
    """When the server is tried again, if mail waits for it after it failed (the first of their
    next tries); None if none waits, or that try is due now."""
    first_try = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, last_error__startswith=SERVER_FAILED
    ).aggregate(Min("next_attempt_at"))["next_attempt_at__min"]
    return first_try if first_try is not None and first_try > timezone.now() else None


def _hold_back(until: datetime.datetime) -> int:
    """After the server failed (down, refusing, hanging), mail written since the claim waits for
    its next try too (no attempt counted): one timeout per pause, not one per run."""
    now = timezone.now()
    return (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=until)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(next_attempt_at=until, last_error=SERVER_FAILED + "waits for the server's next try")
    )


def _release(deliveries, lease) -> None:
    """Give back rows not tried: due again at once, without the attempt counted at the claim."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], locked_until=lease).update(
        locked_until=None, attempts=F("attempts") - 1
    )


def _reset(mail_connection) -> None:
    """After an error the SMTP session may be half-way through a message: start a new one."""
    try:
        mail_connection.close()
    except Exception:  # noqa: BLE001, S110 (a dead connection is closed already)
        pass


def run_reminder_sweep(*, limit: int = 500) -> int:
    """Reminders, overdue escalations and digests due today; `limit` dossiers per batch."""
    return sweep.run(batch=limit)
