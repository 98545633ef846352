"""run_webhook_deliveries: send due webhook deliveries, for the worker (settings.WORKER_JOBS).

A row is claimed with a conditional UPDATE on its lease (`locked_until`), which works the same on
SQLite and PostgreSQL: of two workers one wins, and a worker killed mid-send leaves the row to be
taken again when its lease expires. Receivers dedupe by the X-Dossierflow-Delivery header.
"""

import datetime
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from documents.retries import backoff

from .models import DeliveryStatus, WebhookDelivery
from .webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    encode,
    sign,
)

log = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=2)


def _claim(delivery_id, now) -> bool:
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(locked_until=None) | Q(locked_until__lt=now))
        .update(locked_until=now + LEASE)
    )


def _send(delivery) -> tuple[int | None, str, str]:
    """(HTTP status or None, response body, error)."""
    body = encode(delivery.payload)
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "dossierflow-webhooks/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: delivery.idempotency_key,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (an administrator's http(s) URL)
            request, timeout=settings.API_WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            return response.status, response.read(4000).decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(4000).decode("utf-8", "replace"), f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        return None, "", str(error)[:1000] or error.__class__.__name__


def _deliver(delivery) -> None:
    status, body, error = _send(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_status = status
    delivery.response_body = body
    delivery.locked_until = None
    if status is not None and 200 <= status < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = error or f"HTTP {status}"
        if delivery.attempts >= settings.API_WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = now + backoff(  # 30 s, 1 min, 2 min… at most 6 hours
                delivery.attempts, most=datetime.timedelta(hours=6),
                first=datetime.timedelta(seconds=settings.API_WEBHOOK_BACKOFF_SECONDS))
    delivery.save(
        update_fields=[
            "attempts",
            "response_status",
            "response_body",
            "locked_until",
            "status",
            "delivered_at",
            "last_error",
            "next_attempt_at",
        ]
    )


def _hold_back(endpoint_id, until, now) -> int:
    """The endpoint's other due deliveries wait with the one that failed (no attempt counted):
    a receiver that is down or hangs costs one timeout per pause, not one per delivery."""
    return (
        WebhookDelivery.objects.filter(
            endpoint_id=endpoint_id, status=DeliveryStatus.PENDING, next_attempt_at__lt=until
        )
        .filter(Q(locked_until=None) | Q(locked_until__lt=now))
        .update(next_attempt_at=until)
    )


def run_webhook_deliveries(*, limit: int = 100) -> int:
    """Send up to `limit` due deliveries; returns how many were attempted. After a receiver did
    not answer (down, refused, timed out), its other deliveries wait for its next try."""
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until=None) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", "endpoint_id")[:limit]
    )
    attempted, unanswered = 0, set()
    for delivery_id, endpoint_id in due:
        if endpoint_id in unanswered or not _claim(delivery_id, now):
            continue  # its receiver did not answer just now; or another worker took it
        delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
        try:
            _deliver(delivery)
        except Exception:  # one bad row must not stop the others; its lease lets it retry
            log.exception("webhook delivery %s failed", delivery_id)
        else:
            if delivery.response_status is None and delivery.status == DeliveryStatus.PENDING:
                unanswered.add(endpoint_id)
                _hold_back(endpoint_id, delivery.next_attempt_at, now)
        attempted += 1
    return attempted
