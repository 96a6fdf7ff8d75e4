"""Tariffs of an arrangement priced per inhabitant: derivation, indexation, budget weights,
exempt prices, invoice lines and the what-if. Pure module (no Django): every figure is a Decimal
and every rounding is written down here.

- The tariff is adopted, not re-derived: the derivation (total budget / inhabitants) is shown
  beside it, rounded half up to whole cents.
- tariff(Y) = round_half_up(base x prod_{t=first..Y} (1 + i(t)/100), 2); the product is exact.
- A service's budget weight is its budget / the sum of the budgets (exact fraction).
- The exempt price is tariff(Y) minus, per exempt service, round_half_up(tariff(Y) x weight, 2).
- An invoice's lines split its total with the core's total-preserving allocation over the budget
  weights of the services it pays for; never per-service cents x inhabitants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from samen.core.money import allocate, round_half_up, to_decimal


class TariffError(ValueError):
    """A tariff that cannot be computed (an index missing for a year, a year before the base)."""


@dataclass(frozen=True)
class Afleiding:
    """How the adopted tariff was arrived at (stored figures, recomputed for display)."""

    budget: Decimal
    inwoners: int
    exact: Decimal  # budget / inhabitants, 4 decimals (as the seed writes it)
    afgerond: Decimal  # to whole cents, half up


def derivation(budget: object, inwoners: int) -> Afleiding:
    if inwoners <= 0:
        raise TariffError("geen inwoners om door te delen")
    total = to_decimal(budget)
    quotient = total / Decimal(inwoners)
    return Afleiding(total, inwoners, round_half_up(quotient, 4), round_half_up(quotient, 2))


def index_factor(indices: Mapping[int, object], first_year: int, year: int) -> Decimal:
    """prod_{t=first_year..year} (1 + i(t)/100), exact (never rounded on the way)."""
    if year < first_year:
        raise TariffError(f"{year} ligt voor het eerste jaar van de regeling ({first_year})")
    factor = Decimal(1)
    missing = [t for t in range(first_year, year + 1) if t not in indices]
    if missing:
        raise TariffError(
            "indexcijfer ontbreekt voor " + ", ".join(str(t) for t in missing),
        )
    for t in range(first_year, year + 1):
        factor *= Decimal(1) + to_decimal(indices[t]) / Decimal(100)
    return factor


def indexed_tariff(
    base: object, indices: Mapping[int, object], first_year: int, year: int
) -> Decimal:
    return round_half_up(to_decimal(base) * index_factor(indices, first_year, year), 2)


def indexed_budget(
    budget: object, indices: Mapping[int, object], first_year: int, year: int
) -> Decimal:
    return round_half_up(to_decimal(budget) * index_factor(indices, first_year, year), 2)


def weights(budgets: Mapping[str, object]) -> dict[str, Decimal]:
    """Each service's budget as a fraction of the sum (exact to Decimal precision)."""
    exact = {code: to_decimal(b) for code, b in budgets.items()}
    total = sum(exact.values(), Decimal(0))
    if total <= 0:
        raise TariffError("de budgetten tellen op tot nul")
    return {code: b / total for code, b in exact.items()}


def shares(tariff: object, budgets: Mapping[str, object], places: int = 4) -> dict[str, Decimal]:
    """The budget-weighted shares of the tariff per service (for display, 4 decimals)."""
    t = to_decimal(tariff)
    return {code: round_half_up(t * w, places) for code, w in weights(budgets).items()}


def exempt_price(tariff: object, budgets: Mapping[str, object], exempt: Iterable[str]) -> Decimal:
    """tariff minus, per exempt service, round_half_up(tariff x that service's weight, 2)."""
    t = to_decimal(tariff)
    w = weights(budgets)
    price = t
    for code in sorted(set(exempt)):
        if code not in w:
            raise TariffError(f"onbekende dienst: {code}")
        price -= round_half_up(t * w[code], 2)
    return price


def invoice_total(inwoners: int, price: object) -> Decimal:
    """inhabitants x price: exact in cents (an integer times a price in cents)."""
    return round_half_up(Decimal(inwoners) * to_decimal(price), 2)


def invoice_lines(
    total: object, budgets: Mapping[str, object], paid: Iterable[str]
) -> dict[str, Decimal]:
    """Split an invoice total over the services it pays for, by their budgets (exact)."""
    paid_budgets = {code: budgets[code] for code in paid}
    if not paid_budgets:
        raise TariffError("een factuur zonder diensten")
    return allocate(total, paid_budgets)


@dataclass(frozen=True)
class Dekking:
    """What-if per service: the tariff share that would cover its budget."""

    dienst: str
    budget: Decimal
    betalende_inwoners: int
    nodig_per_inwoner: Decimal  # 4 decimals, half up
    nodig_afgerond: Decimal  # whole cents, rounded up so that it covers


def covering_tariff(
    budgets: Mapping[str, object], betalende_inwoners: Mapping[str, int]
) -> tuple[list[Dekking], Decimal]:
    """Per service, the price per paying inhabitant that covers its budget; and the tariff
    (sum of the per-service amounts rounded up to cents) that would cover every budget."""
    rows = []
    total = Decimal("0.00")
    for code, budget in budgets.items():
        n = betalende_inwoners.get(code, 0)
        b = to_decimal(budget)
        if n <= 0:
            raise TariffError(f"niemand betaalt voor {code}")
        exact = b / Decimal(n)
        up = exact.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
        rows.append(Dekking(code, b, n, round_half_up(exact, 4), up))
        total += up
    return rows, total
