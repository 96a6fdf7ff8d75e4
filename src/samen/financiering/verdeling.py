"""Pure arithmetic of the financing forms (no Django): an allocation key's shares and a
region's contribution divided over its members. Shares are exact: they add up to the amount
divided, to the cent (``core.money.allocate``, largest remainder)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from samen.core.money import allocate


@dataclass(frozen=True)
class Aandeel:
    code: str  # CBS code of the municipality
    inwoners: int
    extra: int  # extra weight in inhabitant equivalents
    sleutel: int  # inwoners + extra
    bedrag: Decimal


def key_shares(
    budget: Decimal, inwoners: Mapping[str, int], extra: Mapping[str, int] | None = None
) -> list[Aandeel]:
    """``budget`` divided over the municipalities of ``inwoners`` by inhabitants plus their
    extra weight; every municipality with a key above zero gets a share, sorted by code."""
    extra = extra or {}
    unknown = set(extra) - set(inwoners)
    if unknown:
        raise ValueError(f"extra weight for unknown municipalities: {sorted(unknown)}")
    if any(v < 0 for v in inwoners.values()) or any(v < 0 for v in extra.values()):
        raise ValueError("weights must not be negative")
    keys = {code: n + extra.get(code, 0) for code, n in inwoners.items()}
    keys = {code: k for code, k in keys.items() if k > 0}
    parts = allocate(budget, keys)
    return [
        Aandeel(code, inwoners[code], extra.get(code, 0), keys[code], parts[code])
        for code in sorted(keys)
    ]


def region_shares(bijdrage: Decimal, inwoners: Mapping[str, int]) -> list[Aandeel]:
    """A region's contribution divided over its members by population."""
    return key_shares(bijdrage, inwoners)
