"""Reads of accounts (state changes are in ``services.py``)."""

from __future__ import annotations

from samen.accounts.models import Herstelcode


def unused(user) -> int:
    """The number of recovery codes of ``user`` not used yet."""
    return Herstelcode.objects.filter(gebruiker=user, gebruikt_op__isnull=True).count()
