"""A real SMTP server (aiosmtpd) on a free local port, and Django's SMTP backend pointed at it;
the subscriptions' test arrangement for invoices and reminders."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest

from tests.abonnementen.conftest import arrangement, kantoor, make_arrangement  # noqa: F401


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the server received: one parsed message per delivery (one recipient each)."""

    reply = "250 Message accepted for delivery"

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.reply.startswith("250"):
            self.envelopes.append(envelope)
            self.messages.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
        return self.reply

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def recipients(self) -> set[str]:
        return {r for e in self.envelopes for r in e.rcpt_tos}


def _serve(settings, inbox):
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SAMEN_BASE_URL = "https://samen.example.nl"
    return controller


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = _serve(settings, inbox)
    yield inbox
    controller.stop()


@pytest.fixture
def failing_smtp(settings):
    """A server that refuses every message (554 at DATA)."""
    inbox = Inbox()
    inbox.reply = "554 5.3.0 Mailbox unavailable (test)"
    controller = _serve(settings, inbox)
    yield inbox
    controller.stop()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what waits for the commit (the test itself runs in a transaction that is never
    committed): ``with committed(): change()``."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def person(make_user):
    counter = {"n": 0}

    def make(rol, gemeente=None, **extra):
        counter["n"] += 1
        extra.setdefault("email", f"{rol}{counter['n']}@example.nl")
        return make_user(rol, gemeente=gemeente, **extra)

    return make
