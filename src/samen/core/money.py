"""Money: Decimal amounts in euros, arithmetic rounding and total-preserving allocation.

Pure module (no Django). Every amount in Samen passes through here: rounding happens at one
defined place, half up (Dutch practice), and one amount split over many parties uses the largest
remainder method with a deterministic tie-break by key, so the parts always add up to the whole.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar, cast

K = TypeVar("K", bound=Hashable)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Larger than any amount Samen handles (fits the 15-digit, 2-decimal columns).
MAX_AMOUNT = Decimal(10) ** 13


class MoneyError(ValueError):
    """An amount that is not a valid number of euros."""


def to_decimal(value: object) -> Decimal:
    """Turn a str, int or Decimal into a Decimal; floats are refused (they are not exact)."""
    if isinstance(value, bool | float):
        raise MoneyError(f"use Decimal or str for money, not {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    else:
        raise MoneyError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


def round_half_up(value: object, places: int = 2) -> Decimal:
    """Arithmetic rounding (half up, away from zero for .5) to ``places`` decimals."""
    quantum = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def euro(value: object) -> Decimal:
    """An amount rounded half up to whole cents."""
    return round_half_up(value, 2)


def format_number(value: object, places: int | None = None) -> str:
    """Dutch notation of a number: 1.234.567,89 (dots group thousands, a decimal comma).

    ``places`` fixes the number of decimals (rounded half up); without it the number keeps its
    own decimals and a whole number shows none. The one formatter for numbers shown to people."""
    number = to_decimal(value)
    if places is None:
        places = (
            0
            if number == number.to_integral_value()
            else max(0, -cast(int, number.as_tuple().exponent))
        )
    number = round_half_up(number, places)
    sign = "-" if number < 0 else ""
    whole, _, decimals = f"{abs(number):.{places}f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = ".".join(groups) or "0"
    return f"{sign}{text},{decimals}" if decimals else f"{sign}{text}"


def format_euro(value: object) -> str:
    """Dutch notation: € 1.234.567,89 (minus sign before the amount). The one formatter for
    amounts shown to people: pages, messages, decision titles, PDFs and letters."""
    return f"€ {format_number(euro(value), 2)}"


_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA = re.compile(r"^[+-]?\d+(,\d+)?$")
_POINT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def parse_amount(value: object, *, places: int = 2, negative: bool = False) -> Decimal:
    """The one parser for every amount a person types, read the Dutch way.

    A comma is the decimal separator and dots group thousands in threes ("1.250.000,00",
    "1000,50", "12,50"); a plain "1250000.00" (a machine's notation) is read too. An ambiguous
    "1.250" (thousands or decimals?) is refused with a message asking for "1.250,00" or "1250".
    A leading "€", spaces and non-breaking spaces are ignored. At most ``places`` decimals;
    negative amounts only when ``negative``. Raises MoneyError with a Dutch message.
    """
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if text.startswith("€"):
            text = text[1:]
        elif text.upper().startswith("EUR"):
            text = text[3:]
        if not text or not text.isascii():
            raise MoneyError(f"geen bedrag: {value!r}")
        if _AMBIGUOUS.match(text):
            whole = text.replace(".", "")
            raise MoneyError(
                f"{value!r} is niet eenduidig: schrijf {text},00 of {whole}"
                f" (of {text.replace('.', ',')} als de punt decimalen scheidt)"
            )
        if _GROUPED.match(text):
            text = text.replace(".", "").replace(",", ".")
        elif _COMMA.match(text):
            text = text.replace(",", ".")
        elif not _POINT.match(text):
            raise MoneyError(
                f"geen bedrag: {value!r} (schrijf bijvoorbeeld 1.250.000,00 of 1250000,00)"
            )
        amount = Decimal(text)
    else:
        try:
            amount = to_decimal(value)
        except MoneyError as exc:
            raise MoneyError(f"geen bedrag: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"geen eindig bedrag: {value!r}")
    if abs(amount) >= MAX_AMOUNT:
        raise MoneyError(f"bedrag te groot: {value!r} (hooguit {format_euro(MAX_AMOUNT - CENT)})")
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise MoneyError(f"hooguit {places} decimalen: {value!r}")
    if amount < 0 and not negative:
        raise MoneyError(f"mag niet negatief zijn: {value!r}")
    return amount


def allocate(
    total: object, weights: Mapping[K, object], quantum: Decimal = CENT
) -> dict[K, Decimal]:
    """Split ``total`` over ``weights`` so that the parts add up to ``total`` exactly.

    Largest remainder method: every party first gets its exact share rounded towards zero to the
    quantum; the units left over go one each to the parties with the largest remainders, ties
    broken by key (ascending, compared as strings) so the result is deterministic. Each part is
    within one quantum of its exact share. Weights must be non-negative and not all zero.
    A negative total is allocated as the mirror image of the positive one.
    """
    amount = to_decimal(total)
    if amount != amount.quantize(quantum):
        raise MoneyError(f"total {amount} has more precision than {quantum}")
    if not weights:
        raise MoneyError("nothing to allocate over: no weights")
    exact_weights = {key: to_decimal(weight) for key, weight in weights.items()}
    if any(weight < 0 for weight in exact_weights.values()):
        raise MoneyError("weights must not be negative")
    weight_sum = sum(exact_weights.values(), Decimal(0))
    if weight_sum == 0:
        raise MoneyError("weights add up to zero")
    if amount < 0:
        mirrored = allocate(-amount, weights, quantum)
        return {key: -part for key, part in mirrored.items()}

    units = int(amount / quantum)
    if all(weight == weight.to_integral_value() for weight in exact_weights.values()):
        # Whole-number weights (budgets in euros, inhabitants): the same method in integer
        # arithmetic, exact at any size and several times faster (billing runs call this per
        # invoice).
        counts = _allocate_integers(units, {k: int(w) for k, w in exact_weights.items()})
        return {key: (Decimal(count) * quantum).quantize(quantum) for key, count in counts.items()}
    parts: dict[K, int] = {}
    remainders: list[tuple[Decimal, str, K]] = []
    for key, weight in exact_weights.items():
        # Exact rational share in units: units * weight / weight_sum, split in whole + remainder.
        numerator = units * weight
        whole = int((numerator / weight_sum).to_integral_value(rounding=ROUND_DOWN))
        # Compare remainders exactly: numerator - whole * weight_sum (same denominator for all).
        remainder = numerator - whole * weight_sum
        parts[key] = whole
        remainders.append((remainder, str(key), key))
    left = units - sum(parts.values())
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _, _, key in remainders[:left]:
        parts[key] += 1
    return {key: (Decimal(count) * quantum).quantize(quantum) for key, count in parts.items()}


def _allocate_integers(units: int, weights: Mapping[K, int]) -> dict[K, int]:
    """Largest remainder over whole-number weights: floor shares, then one unit each to the
    largest remainders, ties by key (as strings). Exact integer arithmetic."""
    weight_sum = sum(weights.values())
    parts: dict[K, int] = {}
    remainders: list[tuple[int, str, K]] = []
    for key, weight in weights.items():
        whole, remainder = divmod(units * weight, weight_sum)
        parts[key] = whole
        remainders.append((remainder, str(key), key))
    left = units - sum(parts.values())
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _, _, key in remainders[:left]:
        parts[key] += 1
    return parts


def allocate_units(total: int, weights: Mapping[K, object]) -> dict[K, int]:
    """The same largest-remainder allocation for whole units (inhabitants, counts)."""
    parts = allocate(Decimal(total), weights, quantum=Decimal(1))
    return {key: int(value) for key, value in parts.items()}
