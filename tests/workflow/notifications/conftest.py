"""A real SMTP server on loopback (aiosmtpd) for the end-to-end mail tests."""

import asyncio
import email
import socket
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A free port among the ones given to this suite (18500-18599)."""
    for port in range(18500, 18600):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18500-18599")


class Mailbox:
    """Keeps what the server accepted; refuses the addresses in `refuse`; may stall in RCPT."""

    def __init__(self):
        self.messages = []
        self.refuse = set()
        self.stall_seconds = 0.0
        self.stalled = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if self.stall_seconds:
            seconds, self.stall_seconds = self.stall_seconds, 0.0
            self.stalled.set()
            await asyncio.sleep(seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 10
    settings.SITE_URL = "https://dossierflow.example.vn"
    return smtp_server
