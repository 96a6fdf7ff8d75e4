"""Business case arithmetic (pure): yearly benefit nationally and for one municipality.

benefit = volume per year x hours saved per case x hourly rate - yearly costs, as a range
(low with the fewest hours saved, high with the most). For a municipality the volume is taken
pro rata to its share of the national population (the population rule of the register).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from samen.core.money import euro, round_half_up, to_decimal


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"range low {self.low} > high {self.high}")


@dataclass(frozen=True)
class Benefit:
    volume: Decimal  # cases per year (may be fractional for a municipality)
    hours: Range  # hours saved per year
    gross: Range  # euros saved per year before costs
    costs: Decimal
    net: Range


def benefit(
    volume_per_year: object,
    hours_min: object,
    hours_max: object,
    hourly_rate: object,
    yearly_costs: object = 0,
    share: object = 1,
) -> Benefit:
    """Yearly benefit for ``share`` of the national volume (1 = nationally)."""
    volume = to_decimal(volume_per_year) * to_decimal(share)
    h_min, h_max = to_decimal(hours_min), to_decimal(hours_max)
    if h_min < 0 or h_max < h_min:
        raise ValueError("hours saved must be a non-negative range")
    rate = to_decimal(hourly_rate)
    costs = euro(to_decimal(yearly_costs) * to_decimal(share))
    hours = Range(round_half_up(volume * h_min, 1), round_half_up(volume * h_max, 1))
    gross = Range(euro(volume * h_min * rate), euro(volume * h_max * rate))
    return Benefit(
        volume=round_half_up(volume, 1),
        hours=hours,
        gross=gross,
        costs=costs,
        net=Range(gross.low - costs, gross.high - costs),
    )


def population_share(inhabitants: int, national: int) -> Decimal:
    if national <= 0:
        raise ValueError("national population must be positive")
    return Decimal(inhabitants) / Decimal(national)
