"""Which interpreters to offer a request to, best first (pure: no Django, no database).

A candidate is proposed only when qualified for the request's interpreter type, active, and
free for the whole requested time (no active assignment overlapping it). The order:

1. the user's preferred interpreters first;
2. travel distance from the interpreter's home municipality to the place (remote requests
   match nationally: distance does not count);
3. the load so far this month (hours booked), least first;
4. the interpreter's id, so that the order is total and deterministic.

Interpreters of the back-up pool (achterwacht) are only proposed when ``achterwacht=True``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kandidaat:
    id: int
    kwalificaties: frozenset[str]
    woongemeente: str
    achterwacht: bool = False
    actief: bool = True
    #: (begin, end) of the interpreter's active assignments (half-open intervals).
    bezet: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    #: hours booked so far this month
    belasting_uren: float = 0.0


@dataclass(frozen=True)
class Verzoek:
    tolktype: str
    begin: dt.datetime
    eind: dt.datetime
    plaats: str | None  # CBS code; None for remote
    op_afstand: bool = False
    voorkeur: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Voorstel:
    tolk_id: int
    afstand_km: float | None
    belasting_uren: float
    voorkeur: bool


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    """Half-open intervals: an assignment ending at 10:00 does not overlap one starting then."""
    return a[0] < b[1] and b[0] < a[1]


def is_free(kandidaat: Kandidaat, begin: dt.datetime, eind: dt.datetime) -> bool:
    return not any(overlaps((begin, eind), slot) for slot in kandidaat.bezet)


def qualifies(kandidaat: Kandidaat, verzoek: Verzoek, *, achterwacht: bool = False) -> bool:
    return (
        kandidaat.actief
        and verzoek.tolktype in kandidaat.kwalificaties
        and (achterwacht or not kandidaat.achterwacht)
        and is_free(kandidaat, verzoek.begin, verzoek.eind)
    )


def propose(
    verzoek: Verzoek,
    kandidaten: Iterable[Kandidaat],
    distance: Mapping[str, float] | None = None,
    *,
    achterwacht: bool = False,
    limit: int | None = None,
) -> list[Voorstel]:
    """The qualified, free candidates, best first. ``distance`` maps a home municipality's code
    to its distance to the place (km); unknown distances sort last."""
    distance = distance or {}
    result = []
    for k in kandidaten:
        if not qualifies(k, verzoek, achterwacht=achterwacht):
            continue
        km = None if verzoek.op_afstand else distance.get(k.woongemeente)
        result.append(Voorstel(k.id, km, k.belasting_uren, k.id in verzoek.voorkeur))

    def key(v: Voorstel):
        far = (
            float("inf") if v.afstand_km is None and not verzoek.op_afstand else (v.afstand_km or 0)
        )
        return (not v.voorkeur, far, v.belasting_uren, v.tolk_id)

    result.sort(key=key)
    return result[:limit] if limit is not None else result
