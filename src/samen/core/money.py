"""Money: Decimal amounts in euros, arithmetic rounding and total-preserving allocation.

Pure module (no Django). Every amount in Samen passes through here: rounding happens at one
defined place, half up (Dutch practice), and one amount split over many parties uses the largest
remainder method with a deterministic tie-break by key, so the parts always add up to the whole.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


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


def format_euro(value: object) -> str:
    """Dutch notation: EUR 1.234.567,89 (minus sign before the amount)."""
    amount = euro(value)
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"€ {sign}{'.'.join(groups)},{cents}"


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
