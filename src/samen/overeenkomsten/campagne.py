"""The arithmetic of a signing campaign, without Django: the order of the steps, the status of
each municipality on a date, the totals by count, population and budget, the threshold, the
series over time and the budget each provider misses when only the signed municipalities pay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

NIET_GESTART = "niet_gestart"
IN_COLLEGE = "in_college"
IN_RAAD = "in_raad"
GETEKEND = "getekend"
AFGEWEZEN = "afgewezen"

#: How far a step has come; a decline is the least advanced (nothing will be signed).
RANG: dict[str, int] = {AFGEWEZEN: -1, NIET_GESTART: 0, IN_COLLEGE: 1, IN_RAAD: 2, GETEKEND: 3}
FINAAL = frozenset({GETEKEND, AFGEWEZEN})

#: The groups of the campaign's totals.
GROEP_GETEKEND = "getekend"
GROEP_BEZIG = "bezig"
GROEP_NIET_GESTART = "niet_gestart"
GROEP_AFGEWEZEN = "afgewezen"
GROEPEN = (GROEP_GETEKEND, GROEP_BEZIG, GROEP_NIET_GESTART, GROEP_AFGEWEZEN)

ZERO = Decimal("0")
HUNDRED = Decimal("100")


class StepError(ValueError):
    pass


def groep(status: str) -> str:
    if status == GETEKEND:
        return GROEP_GETEKEND
    if status in (IN_COLLEGE, IN_RAAD):
        return GROEP_BEZIG
    if status == AFGEWEZEN:
        return GROEP_AFGEWEZEN
    if status == NIET_GESTART:
        return GROEP_NIET_GESTART
    raise StepError(f"unknown status {status!r}")


def may_follow(current: str, new: str, correctie: bool = False) -> bool:
    """Steps only go forward (a decline may end any unfinished one); a correction may set any
    other status. A final step (signed, declined) changes only by correction."""
    if new not in RANG or current not in RANG:
        return False
    if correctie:
        return new != current
    if current in FINAAL:
        return False
    if new == AFGEWEZEN:
        return True
    return RANG[new] > RANG[current]


def least_advanced(statuses: Iterable[str]) -> str:
    """The status a successor starts at after a herindeling: the least advanced of them."""
    values = list(statuses)
    if not values:
        return NIET_GESTART
    return min(values, key=lambda s: RANG[s])


def status_on(history: Sequence[tuple[dt.date, str]], datum: dt.date) -> str:
    """The status on ``datum`` of a history in the order it was recorded (date, status):
    the last row dated on or before ``datum``; none: not started."""
    result = NIET_GESTART
    best: dt.date | None = None
    for when, status in history:
        if when <= datum and (best is None or when >= best):
            best, result = when, status
    return result


@dataclass
class Telling:
    aantal: int = 0
    inwoners: int = 0


@dataclass
class Totalen:
    per_groep: dict[str, Telling] = field(default_factory=lambda: {g: Telling() for g in GROEPEN})

    @property
    def aantal(self) -> int:
        return sum(t.aantal for t in self.per_groep.values())

    @property
    def inwoners(self) -> int:
        return sum(t.inwoners for t in self.per_groep.values())

    def aandeel_aantal(self, g: str) -> Decimal:
        return percentage(self.per_groep[g].aantal, self.aantal)

    def aandeel_inwoners(self, g: str) -> Decimal:
        return percentage(self.per_groep[g].inwoners, self.inwoners)


def percentage(part: object, whole: object, places: int = 1) -> Decimal:
    """``part`` as a percentage of ``whole``, half up; 0 when the whole is 0."""
    p, w = Decimal(str(part)), Decimal(str(whole))
    if w == 0:
        return Decimal("0").quantize(Decimal(1).scaleb(-places))
    return (p * HUNDRED / w).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def tally(statuses: Mapping[str, str], inwoners: Mapping[str, int]) -> Totalen:
    """Totals by group of the municipalities in ``statuses`` (CBS code → status)."""
    result = Totalen()
    for code, status in statuses.items():
        t = result.per_groep[groep(status)]
        t.aantal += 1
        t.inwoners += inwoners.get(code, 0)
    return result


def tally_by(
    statuses: Mapping[str, str], inwoners: Mapping[str, int], key: Mapping[str, str]
) -> dict[str, Totalen]:
    """Totals per value of ``key`` (e.g. the province of each CBS code)."""
    parts: dict[str, dict[str, str]] = {}
    for code, status in statuses.items():
        parts.setdefault(key.get(code, ""), {})[code] = status
    return {k: tally(v, inwoners) for k, v in sorted(parts.items())}


def weeks(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every seventh day from ``start`` up to ``end``, and ``end`` itself."""
    if end < start:
        return [start]
    result = []
    d = start
    while d < end:
        result.append(d)
        d += dt.timedelta(days=7)
    result.append(end)
    return result


def days_left(today: dt.date, deadline: dt.date) -> int:
    """Days until the deadline (the deadline's day counts); 0 once it has passed."""
    return max(0, (deadline - today).days)


@dataclass(frozen=True)
class Dekking:
    dienst: str
    budget: Decimal
    gedekt: Decimal  # what the signed municipalities pay at the adopted price
    tekort: Decimal  # budget - covered, never negative

    @property
    def aandeel(self) -> Decimal:
        return percentage(self.gedekt, self.budget)


def coverage(
    budgets: Mapping[str, Decimal],
    prijs: Mapping[str, Decimal],
    betalende_inwoners: Mapping[str, int],
) -> list[Dekking]:
    """Per service: what its paying inhabitants pay at its share of the adopted tariff, and the
    shortfall against its budget."""
    rows = []
    for code, budget in budgets.items():
        paid = (Decimal(betalende_inwoners.get(code, 0)) * prijs.get(code, ZERO)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        gedekt = min(paid, budget)
        rows.append(Dekking(code, budget, gedekt, budget - gedekt))
    return rows


def threshold_met(
    soort: str, waarde: Decimal | None, aandelen: Mapping[str, Decimal]
) -> bool | None:
    """Whether the signed share reaches the threshold (``aandelen``: aantal, inwoners, budget
    as percentages); ``None`` when there is no threshold or its share is unknown."""
    if soort == "geen" or waarde is None:
        return None
    share = aandelen.get(soort)
    if share is None:
        return None
    return share >= waarde


def sweep(
    rows: Sequence[tuple[str, dt.date, str]], dates: Sequence[dt.date]
) -> list[dict[str, str]]:
    """The status per code on each of ``dates`` (ascending) from ``rows`` (code, date, status)
    in the order recorded: one pass over the rows, the same answer as ``status_on`` per code."""
    ordered = sorted(range(len(rows)), key=lambda i: (rows[i][1], i))
    current: dict[str, str] = {}
    result = []
    i = 0
    for datum in dates:
        while i < len(ordered) and rows[ordered[i]][1] <= datum:
            code, _, status = rows[ordered[i]]
            current[code] = status
            i += 1
        result.append(dict(current))
    return result
