"""The arithmetic of a weighted vote, without Django: votes per municipality from the table of
population classes, weighted totals per option, percentages, turnout, quorum and majority, and
the outcome. Exact: weights are whole votes, shares are ``Decimal`` rounded half-up once at the
end, so the same ballots always give the same result whatever the order they were cast in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

VOOR = "voor"
TEGEN = "tegen"
ONTHOUDING = "onthouding"
JA_NEE = (VOOR, TEGEN, ONTHOUDING)

AANGENOMEN = "aangenomen"
VERWORPEN = "verworpen"
GEEN_QUORUM = "geen_quorum"
GEKOZEN = "gekozen"  # an alternative won
GEEN_KEUZE = "geen_keuze"  # no alternative has the majority (or a tie)

HUNDRED = Decimal(100)
PLACES = Decimal("0.01")


class TallyError(ValueError):
    pass


# ---------------------------------------------------------------- the vote-weight table


@dataclass(frozen=True)
class Klasse:
    """From ``vanaf`` inhabitants (inclusive) a municipality has ``stemmen`` votes."""

    vanaf: int
    stemmen: int


def check_klassen(klassen: Sequence[Klasse]) -> list[str]:
    """What is wrong with a table of classes (empty when it is usable)."""
    problems: list[str] = []
    if not klassen:
        return ["de tabel heeft geen klassen"]
    ordered = sorted(klassen, key=lambda k: k.vanaf)
    if ordered[0].vanaf != 0:
        problems.append("de eerste klasse begint niet bij 0 inwoners")
    seen: set[int] = set()
    for k in ordered:
        if k.vanaf in seen:
            problems.append(f"twee klassen beginnen bij {k.vanaf} inwoners")
        seen.add(k.vanaf)
        if k.stemmen < 1:
            problems.append(f"de klasse vanaf {k.vanaf} inwoners heeft minder dan 1 stem")
        if k.vanaf < 0:
            problems.append("een klasse begint onder 0 inwoners")
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if upper.stemmen < lower.stemmen:
            problems.append(f"de klasse vanaf {upper.vanaf} inwoners heeft minder stemmen")
    return problems


def stemmen_voor(inwoners: int, klassen: Sequence[Klasse]) -> int:
    """The votes of a municipality of ``inwoners`` inhabitants under the table."""
    if inwoners < 0:
        raise TallyError("negatief aantal inwoners")
    problems = check_klassen(klassen)
    if problems:
        raise TallyError("; ".join(problems))
    best = None
    for k in sorted(klassen, key=lambda k: k.vanaf):
        if inwoners >= k.vanaf:
            best = k
    assert best is not None  # the first class starts at 0
    return best.stemmen


def gewichten(inwoners: Mapping[str, int], klassen: Sequence[Klasse]) -> dict[str, int]:
    return {code: stemmen_voor(n, klassen) for code, n in inwoners.items()}


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Regel:
    """Quorum: the share of all votes (weight) that must have taken part, abstentions included.
    Majority: the share of the votes cast for or against (abstentions not counted) that the
    winning option needs; ``strikt`` means more than that share, otherwise at least it."""

    quorum: Fraction = Fraction(0)
    meerderheid: Fraction = Fraction(1, 2)
    strikt: bool = True

    def __post_init__(self) -> None:
        if not (0 <= self.quorum <= 1) or not (
            0 <= self.meerderheid < 1 or (self.meerderheid == 1 and not self.strikt)
        ):
            raise TallyError("quorum en meerderheid liggen tussen 0 en 1")


GEWONE_MEERDERHEID = Regel()
TWEE_DERDE = Regel(quorum=Fraction(1, 2), meerderheid=Fraction(2, 3), strikt=False)


# ---------------------------------------------------------------- the count


@dataclass(frozen=True)
class Uitslag:
    opties: tuple[str, ...]
    totalen: dict[str, int]  # weight per option
    aantallen: dict[str, int]  # municipalities per option
    percentages: dict[str, Decimal]  # of the weight cast, abstentions included
    stemgerechtigd_aantal: int
    stemgerechtigd_gewicht: int
    uitgebracht_aantal: int
    uitgebracht_gewicht: int
    quorum_gehaald: bool
    uitkomst: str
    winnaar: str | None = None
    opkomst: Decimal = field(default=Decimal(0))  # share of the municipalities, in percent
    opkomst_gewicht: Decimal = field(default=Decimal(0))  # share of the weight, in percent


def percentage(deel: int, geheel: int) -> Decimal:
    if geheel == 0:
        return Decimal("0.00")
    return (Decimal(deel) * HUNDRED / Decimal(geheel)).quantize(PLACES, ROUND_HALF_UP)


def tel(
    stemmen: Iterable[tuple[str, str]],
    gewicht: Mapping[str, int],
    opties: Sequence[str] = JA_NEE,
    regel: Regel = GEWONE_MEERDERHEID,
) -> Uitslag:
    """Count ballots ``(municipality, option)``; ``gewicht`` holds every entitled municipality's
    votes. Yes/no/abstain when ``opties`` is ``JA_NEE``; otherwise alternatives (with
    ``TEGEN`` "against all" and ``ONTHOUDING`` allowed too). One ballot per municipality."""
    if len(set(opties)) != len(opties) or not opties:
        raise TallyError("de opties zijn leeg of dubbel")
    totalen = dict.fromkeys(opties, 0)
    aantallen = dict.fromkeys(opties, 0)
    gezien: set[str] = set()
    for code, keuze in stemmen:
        if code in gezien:
            raise TallyError(f"gemeente {code} heeft twee stemmen")
        if code not in gewicht:
            raise TallyError(f"gemeente {code} is niet stemgerechtigd")
        if keuze not in totalen:
            raise TallyError(f"onbekende keuze {keuze!r}")
        if gewicht[code] < 0:
            raise TallyError("negatief stemgewicht")
        gezien.add(code)
        totalen[keuze] += gewicht[code]
        aantallen[keuze] += 1
    totaal_gewicht = sum(gewicht.values())
    uitgebracht = sum(totalen.values())
    quorum = Fraction(uitgebracht) >= regel.quorum * totaal_gewicht and uitgebracht > 0
    onthouden = totalen.get(ONTHOUDING, 0)
    beslissend = uitgebracht - onthouden  # for, against or an alternative

    def genoeg(w: int) -> bool:
        if beslissend == 0:
            return False
        share = Fraction(w, beslissend)
        return share > regel.meerderheid if regel.strikt else share >= regel.meerderheid

    winnaar = None
    if not quorum:
        uitkomst = GEEN_QUORUM
    elif tuple(opties) == JA_NEE:
        uitkomst = AANGENOMEN if genoeg(totalen[VOOR]) else VERWORPEN
        winnaar = VOOR if uitkomst == AANGENOMEN else None
    else:
        kandidaten = [o for o in opties if o not in (TEGEN, ONTHOUDING)]
        hoogste = max((totalen[o] for o in kandidaten), default=0)
        top = [o for o in kandidaten if totalen[o] == hoogste]
        if len(top) == 1 and genoeg(hoogste):
            uitkomst, winnaar = GEKOZEN, top[0]
        else:
            uitkomst = GEEN_KEUZE
    return Uitslag(
        opties=tuple(opties),
        totalen=totalen,
        aantallen=aantallen,
        percentages={o: percentage(totalen[o], uitgebracht) for o in opties},
        stemgerechtigd_aantal=len(gewicht),
        stemgerechtigd_gewicht=totaal_gewicht,
        uitgebracht_aantal=len(gezien),
        uitgebracht_gewicht=uitgebracht,
        quorum_gehaald=quorum,
        uitkomst=uitkomst,
        winnaar=winnaar,
        opkomst=percentage(len(gezien), len(gewicht)),
        opkomst_gewicht=percentage(uitgebracht, totaal_gewicht),
    )
