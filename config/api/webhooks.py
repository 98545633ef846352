"""Webhook events: a delivery row per subscribed endpoint, written in the transaction of the
change (an outbox), sent later by jobs.run_webhook_deliveries. Signing is here too."""

import hashlib
import hmac
import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.dispatch import receiver
from django.utils import timezone

from documents.signals import document_changed
from workflow.reads import once
from workflow.signals import dossier_transitioned

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

SIGNATURE_HEADER = "X-Dossierflow-Signature"
TIMESTAMP_HEADER = "X-Dossierflow-Timestamp"
DELIVERY_HEADER = "X-Dossierflow-Delivery"
EVENT_HEADER = "X-Dossierflow-Event"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>": a receiver refuses old timestamps (replay)."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode()


def record_event(event: str, data: dict, *, at=None) -> int:
    """Queue `event` (which happened `at`: now by default) for every active endpoint that wants
    it; returns how many were queued."""
    # Read once in a run of the worker's follow-ups (workflow.reads), like the policies.
    active = once("webhook endpoints", lambda: list(WebhookEndpoint.objects.filter(is_active=True)))
    endpoints = [e for e in active if event in e.events]
    if not endpoints:
        return 0
    event_id = uuid.uuid4().hex
    payload = {"id": event_id, "event": event, "created_at": at or timezone.now(), "data": data}
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            payload=json.loads(encode(payload)),
            idempotency_key=f"{event_id}:{endpoint.pk}",
        )
        for endpoint in endpoints
    )
    return len(endpoints)


@receiver(dossier_transitioned, dispatch_uid="api_webhook_dossier_transitioned")
def on_transition(sender, dossier, action, from_state, to_state, entry, actor=None, **kwargs):
    record_event(
        WebhookEvent.DOSSIER_TRANSITIONED,
        {
            "dossier": {
                "id": dossier.pk,
                "title": dossier.title,
                "kind": dossier.kind,
                "agency_id": dossier.agency_id,
            },
            "action": action,
            "from_stage": from_state,
            "to_stage": to_state,
            "actor": actor.get_username() if actor is not None else None,
        },
        at=entry.created_at,  # a follow-up applied by the worker comes a moment later
    )


@receiver(document_changed, dispatch_uid="api_webhook_document_stored")
def on_document(sender, version, **kwargs):
    record_event(
        WebhookEvent.DOCUMENT_STORED,
        {
            "dossier_id": version.document.dossier_id,
            "document": {
                "id": version.document_id,
                "type": version.document.doc_type,
                "title": version.document.title,
            },
            "version": {"id": version.pk, "number": version.number, "sha256": version.sha256},
        },
    )
