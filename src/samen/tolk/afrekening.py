"""The price of an assignment and the monthly statements (pure: Decimal arithmetic only).

An assignment costs hours × hourly tariff + travel hours × travel tariff + kilometres ×
kilometre tariff, rounded half-up to the cent once, per assignment. A statement groups the
priced assignments of a month per payer (a municipality or another payer) and domain; its total
is the sum of its assignments' amounts, exactly, so that what is invoiced reconciles to the
cent with what was priced."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SIXTY = Decimal(60)


@dataclass(frozen=True)
class Tarief:
    uurtarief: Decimal
    reisuurtarief: Decimal
    kilometertarief: Decimal


@dataclass(frozen=True)
class Regel:
    """One priced assignment as a statement sees it: no personal data, a reference only."""

    referentie: str
    betaler: str  # "gemeente" (with gemeente) or another payer
    gemeente: str | None  # CBS code of the paying municipality
    domein: str
    maand: tuple[int, int]  # (year, month)
    bedrag: Decimal


@dataclass(frozen=True)
class Overzicht:
    betaler: str
    gemeente: str | None
    domein: str
    maand: tuple[int, int]
    regels: tuple[Regel, ...]
    totaal: Decimal


def price(uren: Decimal, reistijd_minuten: int, reisafstand_km: Decimal, tarief: Tarief) -> Decimal:
    """The amount of one completed assignment, to the cent (half-up)."""
    if uren < 0 or reistijd_minuten < 0 or reisafstand_km < 0:
        raise ValueError("hours, travel time and distance are never negative")
    raw = (
        uren * tarief.uurtarief
        + Decimal(reistijd_minuten) / SIXTY * tarief.reisuurtarief
        + reisafstand_km * tarief.kilometertarief
    )
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def statements(regels: Iterable[Regel]) -> list[Overzicht]:
    """One statement per (payer, municipality, domain, month), ordered by those keys."""
    groups: dict[tuple, list[Regel]] = defaultdict(list)
    for r in regels:
        groups[(r.betaler, r.gemeente or "", r.domein, r.maand)].append(r)
    result = []
    for (betaler, gemeente, domein, maand), rows in sorted(groups.items()):
        rows.sort(key=lambda r: r.referentie)
        result.append(
            Overzicht(
                betaler=betaler,
                gemeente=gemeente or None,
                domein=domein,
                maand=maand,
                regels=tuple(rows),
                totaal=sum((r.bedrag for r in rows), Decimal("0.00")),
            )
        )
    return result


def reconcile(
    regels: Iterable[Regel], invoiced: dict[tuple[str, str | None, tuple[int, int]], Decimal]
) -> dict[tuple[str, str | None, tuple[int, int]], Decimal]:
    """Per (payer, municipality, month): priced minus invoiced. Empty when all reconcile."""
    priced: dict[tuple[str, str | None, tuple[int, int]], Decimal] = defaultdict(Decimal)
    for r in regels:
        priced[(r.betaler, r.gemeente, r.maand)] += r.bedrag
    differences = {}
    for key in set(priced) | set(invoiced):
        diff = priced.get(key, Decimal(0)) - invoiced.get(key, Decimal(0))
        if diff != 0:
            differences[key] = diff
    return differences
