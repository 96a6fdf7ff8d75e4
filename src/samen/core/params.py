"""Strict parsing of query parameters on pages: a bad value falls back to the default instead of
answering 500 (``str.isdigit`` accepts '²' and 20-digit numbers; ``Decimal`` accepts 'NaN')."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

YEAR = re.compile(r"[0-9]{4}")


def year(raw: str | None, default: int | None = None) -> int | None:
    """A four-digit year (ASCII digits), else ``default``."""
    if raw and YEAR.fullmatch(raw):
        return int(raw)
    return default


def decimal(raw: str | None, default: Decimal) -> Decimal:
    """A finite decimal number, else ``default``."""
    try:
        value = Decimal(raw) if raw is not None else default
    except (InvalidOperation, ValueError):
        return default
    return value if value.is_finite() else default
