"""What the portfolio's services share: reading typed amounts and numbers within their
column's limits, who did something as the public may see it, quarters and publication moments."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

from samen.core.actors import role_label
from samen.core.dates import When, check_date, nl_date
from samen.core.errors import DomainError, Problem
from samen.core.money import CENT, MoneyError, format_euro, format_number, parse_amount

_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


_role_label = role_label  # one implementation for every app: samen.core.actors


def _limit(model, name: str) -> Decimal:
    """The first value a DecimalField of ``model`` cannot hold (PostgreSQL refuses it)."""
    field = model._meta.get_field(name)
    return Decimal(10) ** (field.max_digits - field.decimal_places)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(value, name: str, problems: list[Problem], maximum: Decimal) -> Decimal | None:
    """An amount in euros typed by a person (or sent by a client): core.money.parse_amount, so
    "1.250.000,00", "1250000,00" and "1250000.00" are read alike. A float (YAML, JSON) is read
    by its shortest notation."""
    if _empty(value):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = parse_amount(value)
    except MoneyError as exc:
        problems.append(Problem(name, str(exc)))
        return None
    if result >= maximum:
        problems.append(Problem(name, f"te groot: hooguit {format_euro(maximum - CENT)}"))
        return None
    return result


def _number(
    value, name: str, problems: list[Problem], maximum: Decimal, places: int = 2
) -> Decimal | None:
    """A decimal number that is not an amount (hours, fte, a score, a weight): a decimal comma
    or point, no thousands separators, ASCII digits, at most ``places`` decimals."""
    if _empty(value):
        return None
    if isinstance(value, bool):
        problems.append(Problem(name, f"geen getal: {value!r}"))
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    else:
        text = str(value).strip()
        if not text.isascii() or not _NUMBER.fullmatch(text):
            problems.append(Problem(name, f"geen getal: {value!r} (schrijf bijvoorbeeld 2,5)"))
            return None
        result = Decimal(text.replace(",", "."))
    if not result.is_finite():
        problems.append(Problem(name, f"geen eindig getal: {value!r}"))
        return None
    if abs(result) >= maximum:
        problems.append(Problem(name, f"te groot: hooguit {format_number(maximum - 1)}"))
        return None
    if result != result.quantize(Decimal(1).scaleb(-places)):
        problems.append(Problem(name, f"hooguit {places} decimalen: {format_number(result)}"))
        return None
    return result


def _already_published(what: str, moment: dt.datetime | None) -> str:
    """A second publication changes nothing, and says so."""
    when = f" op {nl_date(timezone.localtime(moment).date())}" if moment else ""
    return f"{what} is al gepubliceerd{when}; er is niets gewijzigd."


def _publication_moment(at: dt.datetime | None, message: str) -> None:
    """A publication moment given by a loader replaying history: not in the future of the day
    it replays, within the platform's years."""
    if at is None:
        return
    problems: list[Problem] = []
    check_date(
        timezone.localtime(at).date() if timezone.is_aware(at) else at,
        field="gepubliceerd_op",
        label="Het moment van publicatie",
        when=When.PAST,
        problems=problems,
    )
    if problems:
        raise DomainError(message, problems)


def _quarter(date: dt.date) -> tuple[int, int]:
    return date.year, (date.month - 1) // 3 + 1
