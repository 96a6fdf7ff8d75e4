"""The channel (page, API, admin, command) and user of the work in progress."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

_channel: ContextVar[str | None] = ContextVar("samen_audit_channel", default=None)
_user: ContextVar[object | None] = ContextVar("samen_audit_user", default=None)


def current_channel() -> str | None:
    return _channel.get()


def current_user():
    return _user.get()


@contextlib.contextmanager
def acting(channel: str, user=None):
    token_c = _channel.set(channel)
    token_u = _user.set(user)
    try:
        yield
    finally:
        _channel.reset(token_c)
        _user.reset(token_u)
