"""Pure rules of the bodies: size classes of municipalities and the quorum (no Django)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# The proposal asks for "gemeentesecretarissen uit een mix van gemeenten, van groot tot klein".
# Size classes by inhabitants (lower bound inclusive), smallest first.
GROOTTEKLASSEN: tuple[tuple[str, str, int], ...] = (
    ("klein", "klein (minder dan 20.000 inwoners)", 0),
    ("middelgroot", "middelgroot (20.000 tot 50.000 inwoners)", 20_000),
    ("groot", "groot (50.000 tot 100.000 inwoners)", 50_000),
    ("zeer-groot", "zeer groot (100.000 inwoners of meer)", 100_000),
)
KLASSE_NAMEN = tuple(code for code, _label, _ondergrens in GROOTTEKLASSEN)
KLASSE_LABELS = {code: label for code, label, _ondergrens in GROOTTEKLASSEN}


def grootteklasse(inwoners: int) -> str:
    """The size class of a municipality of ``inwoners`` inhabitants."""
    if inwoners < 0:
        raise ValueError("inwoners must not be negative")
    klasse = KLASSE_NAMEN[0]
    for code, _label, ondergrens in GROOTTEKLASSEN:
        if inwoners >= ondergrens:
            klasse = code
    return klasse


def ontbrekende_klassen(aanwezige: set[str]) -> list[str]:
    """The size classes (in order) no member's municipality falls in."""
    return [k for k in KLASSE_NAMEN if k not in aanwezige]


GEEN = "geen"
MEER_DAN_HELFT = "meer-dan-helft"
AANDEEL = "aandeel"
AANTAL = "aantal"


@dataclass(frozen=True)
class Quorum:
    benodigd: int  # members with a vote that must be present
    stemgerechtigd: int
    aanwezig: int

    @property
    def gehaald(self) -> bool:
        return self.aanwezig >= self.benodigd


def benodigd(regel: str, waarde: Decimal | None, stemgerechtigd: int) -> int:
    """How many voting members must be present under ``regel`` for a body of ``stemgerechtigd``
    voting members. A share is rounded up (at least half of 7 is 4); a number larger than the
    body cannot be met (it is returned as is, so the check fails and says why)."""
    if stemgerechtigd < 0:
        raise ValueError("stemgerechtigd must not be negative")
    if regel == GEEN:
        return 0
    if regel == MEER_DAN_HELFT:
        return stemgerechtigd // 2 + 1
    if waarde is None:
        raise ValueError(f"quorum rule {regel} needs a value")
    if regel == AANDEEL:
        if not Decimal(0) < waarde <= Decimal(1):
            raise ValueError("a share lies in (0, 1]")
        return math.ceil(waarde * stemgerechtigd)
    if regel == AANTAL:
        if waarde < 1 or waarde != waarde.to_integral_value():
            raise ValueError("a number of members is a whole number of at least 1")
        return int(waarde)
    raise ValueError(f"unknown quorum rule {regel}")


def quorum(regel: str, waarde: Decimal | None, stemgerechtigd: int, aanwezig: int) -> Quorum:
    if not 0 <= aanwezig <= stemgerechtigd:
        raise ValueError("present members lie between 0 and the voting members")
    return Quorum(benodigd(regel, waarde, stemgerechtigd), stemgerechtigd, aanwezig)
