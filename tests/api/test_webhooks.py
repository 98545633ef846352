"""Webhooks: queued in the transition's transaction, sent signed to a real HTTP receiver on
loopback by the job, retried with backoff; a receiver that is down never blocks a transition."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from config.api.jobs import run_webhook_deliveries
from config.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.hanging import Hanging
from workflow import services

SECRET = "s3cret-for-tests"


class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it receives and answers `status`."""

    def __init__(self, status=200):
        self.received = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _free_port_url():
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as server:
        port = server.server_address[1]
    return f"http://127.0.0.1:{port}/down"  # nothing listens there any more


def _submit(world, dossier):
    response = world.client("drafter").post(f"/dossiers/{dossier.pk}/actions/submit")
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_a_transition_is_delivered_signed_to_a_real_receiver(world):
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(
            url=receiver.url, secret=SECRET, events=["dossier.transitioned"]
        )
        WebhookEndpoint.objects.create(url=receiver.url, secret="x", events=["document.stored"])
        dossier = world.dossier()
        _submit(world, dossier)
        assert receiver.received == []  # nothing is sent inside the request
        assert run_webhook_deliveries() == 1
        assert run_webhook_deliveries() == 0  # delivered once, never twice

    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event"] == "dossier.transitioned"
    assert payload["data"]["dossier"]["id"] == dossier.pk
    assert payload["data"]["to_stage"] == "submitted"
    timestamp = headers["X-Dossierflow-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Dossierflow-Signature"] == "sha256=" + expected.hexdigest()
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Dossierflow-Delivery"] == delivery.idempotency_key
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.response_status == 200 and delivery.response_body == "thanks"


@pytest.mark.django_db
def test_a_receiver_that_is_down_never_blocks_the_transition_and_is_retried(world, settings):
    settings.API_WEBHOOK_MAX_ATTEMPTS = 3
    endpoint = WebhookEndpoint.objects.create(
        url=_free_port_url(), secret=SECRET, events=["dossier.transitioned"]
    )
    dossier = world.dossier()
    assert _submit(world, dossier).json()["stage"] == "submitted"
    assert run_webhook_deliveries() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error and delivery.next_attempt_at > timezone.now()
    first_delay = delivery.next_attempt_at - timezone.now()
    assert run_webhook_deliveries() == 0  # not due yet

    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    run_webhook_deliveries()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - timezone.now() > first_delay  # the backoff grows

    with Receiver(status=500) as failing:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=failing.url)
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        run_webhook_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.response_status == 500 and len(failing.received) == 1


@pytest.mark.django_db
def test_a_rolled_back_transition_queues_nothing(world):
    WebhookEndpoint.objects.create(
        url=_free_port_url(), secret=SECRET, events=["dossier.transitioned"]
    )
    dossier = world.dossier()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.transition_dossier(
            dossier_id=dossier.pk, action="submit", user=world.users["drafter"]
        )
        assert WebhookDelivery.objects.count() == 1  # written with the transition…
        raise RuntimeError("the surrounding transaction fails")
    assert not WebhookDelivery.objects.exists()  # …and rolled back with it
    refused = world.client("approver").post(f"/dossiers/{dossier.pk}/actions/approve")
    assert refused.status_code == 409
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_claimed_delivery_is_left_to_its_worker_until_the_lease_expires(world):
    WebhookEndpoint.objects.create(
        url=_free_port_url(), secret=SECRET, events=["dossier.transitioned"]
    )
    _submit(world, world.dossier())
    # A worker claimed it and was killed with kill -9: its lease runs on.
    WebhookDelivery.objects.update(locked_until=timezone.now() + datetime.timedelta(minutes=1))
    assert run_webhook_deliveries() == 0
    WebhookDelivery.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert run_webhook_deliveries() == 1


@pytest.mark.django_db
def test_the_management_command_sends_due_deliveries(world, capsys):
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(
            url=receiver.url, secret=SECRET, events=["dossier.transitioned", "document.stored"]
        )
        _submit(world, world.dossier())
        call_command("run_webhook_deliveries")
    assert "1 deliveries attempted" in capsys.readouterr().out
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_receiver_that_hangs_costs_one_timeout_and_the_other_receivers_still_get_theirs(
    world, settings
):
    import time

    settings.API_WEBHOOK_TIMEOUT_SECONDS = 1
    hanging = Hanging()
    try:
        with Receiver() as answering:
            stuck = WebhookEndpoint.objects.create(url=f"{hanging.url}/hook", secret=SECRET,
                                                   events=["dossier.transitioned"])
            for _ in range(4):
                _submit(world, world.dossier())
            WebhookEndpoint.objects.create(url=answering.url, secret=SECRET,
                                           events=["dossier.transitioned"])
            _submit(world, world.dossier())

            started = time.monotonic()
            run_webhook_deliveries()
            took = time.monotonic() - started

            assert len(answering.received) == 1
    finally:
        hanging.close()
    assert hanging.accepted == 1 and took < 3  # one timeout, not five
    held = WebhookDelivery.objects.filter(endpoint=stuck).order_by("id")
    assert [d.status for d in held] == [DeliveryStatus.PENDING] * 5
    assert [d.attempts for d in held] == [1, 0, 0, 0, 0]  # the others were not tried
    assert len({d.next_attempt_at for d in held}) == 1  # all wait for the receiver's next try
    assert held[0].next_attempt_at > timezone.now()
    assert run_webhook_deliveries() == 0
