"""Plausible ranges for every date a person or client enters (one place, Dutch messages).

Each date has a meaning, and its meaning gives it a range relative to the project's clock
(``core.clock.today()``) on the day of entry:

- ``PAST``: something that happened (a phase change, a payment, a reminder sent, an invoice
  date): not after today;
- ``PLANNED``: something planned (an implementation date, a deadline): not before today;
- ``ANY``: a reference date or a period bound: only within the platform's years.

Every date lies within ``PLATFORM_YEARS`` whatever its meaning. Pure module apart from the
clock: the checks return ``Problem`` rows so that a service can list every invalid field.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from samen.core import clock
from samen.core.errors import DomainError, Problem

#: The years in which anything in Samen can happen: the CBS register starts in 2012 (figures for
#: 1 January 2013 onwards exist as 2012 year-end), the platform plans no further than 2050.
PLATFORM_YEARS = range(2000, 2051)
EARLIEST = dt.date(PLATFORM_YEARS.start, 1, 1)
LATEST = dt.date(PLATFORM_YEARS.stop - 1, 12, 31)


class When(enum.Enum):
    PAST = "past"
    PLANNED = "planned"
    ANY = "any"


def nl_date(value: dt.date) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def bounds(when: When = When.ANY, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or clock.today()
    if when is When.PAST:
        return EARLIEST, min(today, LATEST)
    if when is When.PLANNED:
        return max(today, EARLIEST), LATEST
    return EARLIEST, LATEST


def check_date(
    value: dt.date | None,
    *,
    field: str,
    label: str,
    when: When = When.ANY,
    problems: list[Problem],
    today: dt.date | None = None,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
) -> dt.date | None:
    """Append a problem naming the field and the allowed range when ``value`` lies outside it.

    ``earliest``/``latest`` narrow the range further (e.g. "after the previous phase change").
    Returns the value when it is acceptable, else None. ``None`` itself passes (a field may be
    optional: the caller decides whether it is required)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    low, high = bounds(when, today)
    if earliest is not None:
        low = max(low, earliest)
    if latest is not None:
        high = min(high, latest)
    if low <= value <= high:
        return value
    if when is When.PAST and value > high and high == min(today or clock.today(), LATEST):
        reason = f"{label} ligt in de toekomst ({nl_date(value)}); uiterlijk {nl_date(high)}"
    elif when is When.PLANNED and value < low and low == max(today or clock.today(), EARLIEST):
        reason = f"{label} ligt in het verleden ({nl_date(value)}); vanaf {nl_date(low)}"
    else:
        reason = (
            f"{label} moet liggen tussen {nl_date(low)} en {nl_date(high)} (niet {nl_date(value)})"
        )
    problems.append(Problem(field, reason, code="range"))
    return None


def require_date(value: dt.date | None, *, message: str, **kwargs: Any) -> dt.date | None:
    """``check_date`` for a single date: raise a DomainError with its problem."""
    problems: list[Problem] = []
    result = check_date(value, problems=problems, **kwargs)
    if problems:
        raise DomainError(message, problems)
    return result


def parse_date(text: str) -> dt.date | None:
    """An ISO date (2024-01-31) or a Dutch one (31-01-2024); None when it is neither."""
    text = (text or "").strip()
    if not text or not text.isascii():
        return None
    try:
        return (
            dt.date.fromisoformat(text)
            if len(text) == 10 and text[4] == "-"
            else (dt.datetime.strptime(text, "%d-%m-%Y").date())
        )
    except ValueError:
        return None
