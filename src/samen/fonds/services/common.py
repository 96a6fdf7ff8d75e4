"""What the fund's services share: reading typed amounts and years, and the lock on an
activity's row under which every check of its money happens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from samen.core.dates import PLATFORM_YEARS, When, check_date
from samen.core.errors import Problem
from samen.core.money import MoneyError, parse_amount
from samen.fonds.models import Activiteit


def _amount(
    value, name: str, problems: list[Problem], places: int = 2, positive: bool = False
) -> Decimal | None:
    """An amount a person typed, read by the one parser (``core.money.parse_amount``: Dutch
    notation, or a machine's "1250000.00"); a problem is listed instead of raised, so that every
    invalid field is named at once. ``positive`` refuses zero too."""
    try:
        amount = parse_amount(value, places=places)
    except MoneyError as exc:
        problems.append(Problem(name, str(exc)))
        return None
    if positive and amount == 0:
        problems.append(Problem(name, "moet groter zijn dan € 0,00", "zero"))
        return None
    return amount


def _year(value, name: str, problems: list[Problem]) -> int | None:
    """A year typed by a person or a client: ASCII digits within the platform's years."""
    text = str(value).strip() if value is not None else ""
    low, high = PLATFORM_YEARS.start, PLATFORM_YEARS.stop - 1
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif text.isascii() and text.isdigit() and len(text) <= 4:
        year = int(text)
    else:
        problems.append(
            Problem(name, f"geen jaartal: {value!r} (een jaar van {low} tot en met {high})")
        )
        return None
    if year not in PLATFORM_YEARS:
        problems.append(Problem(name, f"jaar {year} buiten {low}–{high}", "range"))
        return None
    return year


def _lock(activiteit: Activiteit) -> Activiteit:
    """The activity's row, locked until the transaction ends: every check of its budget,
    authorisation, commitments and spending and the change it guards happen under this lock,
    so two requests at once cannot both pass a check that only one of them may pass."""
    return Activiteit.objects.select_for_update().get(pk=activiteit.pk)


def _check_datum(datum, field: str, label: str, problems: list[Problem]) -> dt.date | None:
    if not isinstance(datum, dt.date):
        problems.append(Problem(field, f"geen datum: {datum!r}", "required"))
        return None
    return check_date(datum, field=field, label=label, when=When.PAST, problems=problems)
