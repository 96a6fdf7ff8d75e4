"""An injectable clock: services take an ``as_of`` date instead of calling today() inside.

Loaders that replay history (the demo, ``import-statussen``) run under ``replaying(date)`` so
that the same date checks apply as on the day the history happened (``core.dates``)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_replay: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("replay", default=None)


def today() -> dt.date:
    replayed = _replay.get()
    return replayed if replayed is not None else timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()


@contextlib.contextmanager
def replaying(date: dt.date) -> Iterator[dt.date]:
    """Within this block ``today()`` is ``date``: history is entered as on that day."""
    token = _replay.set(date)
    try:
        yield date
    finally:
        _replay.reset(token)


def is_replaying() -> bool:
    return _replay.get() is not None
