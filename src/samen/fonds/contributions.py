"""Contribution arithmetic (pure): one total split over municipalities by inhabitants with the
total-preserving allocation, or an amount per inhabitant rounded once per municipality."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from samen.core.money import allocate, euro, to_decimal


def shares_of_total(total: object, inhabitants: Mapping[str, int]) -> dict[str, Decimal]:
    """The parts always add up to ``total`` exactly (largest remainder, ties by CBS code)."""
    return allocate(euro(total), inhabitants)


def shares_per_inhabitant(
    per_inhabitant: object, inhabitants: Mapping[str, int]
) -> dict[str, Decimal]:
    """Each municipality pays round_half_up(rate x inhabitants); the total is their sum."""
    rate = to_decimal(per_inhabitant)
    return {code: euro(rate * n) for code, n in inhabitants.items()}


def per_inhabitant(total: object, inhabitants: Mapping[str, int], places: int = 4) -> Decimal:
    count = sum(inhabitants.values())
    if count <= 0:
        raise ValueError("no inhabitants")
    return (to_decimal(total) / count).quantize(Decimal(1).scaleb(-places))
