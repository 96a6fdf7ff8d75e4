"""Read models of the register, including the one rule for "population for year Y"."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable

from django.db.models import Count, Max, Min, OuterRef, Prefetch, Subquery, Sum

from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente, Herindeling, Inwonertal, Overgang

DEFAULT_OFFSET = 1


class PopulationUnavailable(LookupError):
    pass


def links() -> list[rules.Link]:
    return [
        rules.Link(datum, voorganger, opvolger, inwoners)
        for datum, voorganger, opvolger, inwoners in Overgang.objects.values_list(
            "herindeling__datum", "voorganger__code", "opvolger__code", "inwoners_overgegaan"
        )
    ]


def loaded_years() -> tuple[int | None, int | None]:
    agg = Inwonertal.objects.aggregate(eerste=Min("jaar"), laatste=Max("jaar"))
    return agg["eerste"], agg["laatste"]


@dataclass
class Bevolking:
    """The population used for year ``jaar``: one figure per municipality of 1 January ``jaar``."""

    jaar: int
    peildatum: dt.date  # the municipalities of this date
    bronjaar: int  # the 1 January whose CBS figures were used
    gevraagd_bronjaar: int
    per_gemeente: dict[str, int]
    herkomst: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def totaal(self) -> int:
        return sum(self.per_gemeente.values())

    @property
    def toelichting(self) -> str:
        text = (
            f"Inwoners op 1 januari {self.bronjaar} (CBS), omgerekend naar de gemeenten "
            f"van {self.peildatum:%d-%m-%Y}."
        )
        if self.bronjaar != self.gevraagd_bronjaar:
            text += (
                f" Cijfers voor 1 januari {self.gevraagd_bronjaar} zijn er nog niet; "
                f"het laatst beschikbare jaar ({self.bronjaar}) is gebruikt."
            )
        return text


def bevolking_voor_jaar(jaar: int, offset: int = DEFAULT_OFFSET) -> Bevolking:
    """THE rule: population on 1 January of ``jaar - offset``, mapped onto the municipalities
    that exist on 1 January ``jaar`` (predecessors summed into their successor, a split
    municipality divided by the inhabitants that went to each part). Past the last loaded year
    the latest year is used, and the result says so."""
    if offset < 0:
        raise ValueError("offset must not be negative")
    eerste, laatste = loaded_years()
    if laatste is None:
        raise PopulationUnavailable("er zijn nog geen inwonertallen geladen")
    gevraagd = jaar - offset
    bronjaar = min(gevraagd, laatste)
    if bronjaar < eerste:
        raise PopulationUnavailable(f"geen inwonertallen voor 1 januari {gevraagd}")
    peildatum = dt.date(jaar, 1, 1)
    brondatum = dt.date(bronjaar, 1, 1)
    counts = dict(Inwonertal.objects.filter(jaar=bronjaar).values_list("gemeente__code", "aantal"))
    totals, herkomst = rules.map_counts(counts, links(), brondatum, peildatum)
    bestaand = set(Gemeente.objects.op(peildatum).values_list("code", flat=True))
    missing = bestaand - set(totals)
    extra = set(totals) - bestaand
    if missing or extra:
        raise PopulationUnavailable(
            "register inconsistent for "
            f"{jaar}: no population for {sorted(missing)}, unmapped {sorted(extra)}"
        )
    return Bevolking(
        jaar=jaar,
        peildatum=peildatum,
        bronjaar=bronjaar,
        gevraagd_bronjaar=gevraagd,
        per_gemeente=totals,
        herkomst=herkomst,
    )


def opvolgers(code: str, peildatum: dt.date) -> list[Gemeente]:
    codes = rules.successors(code, links(), peildatum)
    return list(Gemeente.objects.filter(code__in=codes).order_by("code"))


def voorgangers(code: str, peildatum: dt.date | None = None) -> list[Gemeente]:
    codes = rules.predecessors(code, links(), peildatum)
    return list(Gemeente.objects.filter(code__in=codes).order_by("code"))


def gemeenten_op(peildatum: dt.date):
    """Municipalities of a date with their province and latest population, in two queries."""
    return (
        Gemeente.objects.op(peildatum)
        .select_related("provincie")
        .annotate(laatste_jaar=Max("inwonertallen__jaar"))
    )


def gemeente_detail(code: str) -> Gemeente:
    return gemeente_detail_queryset().get(code=code)


def gemeente_detail_queryset():
    population = Inwonertal.objects.filter(gemeente=OuterRef("pk")).order_by("-jaar")
    return (
        Gemeente.objects.select_related("provincie")
        .annotate(
            inwoners=Subquery(population.values("aantal")[:1]),
            inwoners_jaar=Subquery(population.values("jaar")[:1]),
        )
        .prefetch_related(
            Prefetch("inwonertallen", queryset=Inwonertal.objects.order_by("jaar")),
            Prefetch(
                "overgangen_als_voorganger",
                queryset=Overgang.objects.select_related("opvolger", "herindeling"),
            ),
            Prefetch(
                "overgangen_als_opvolger",
                queryset=Overgang.objects.select_related("voorganger", "herindeling"),
            ),
        )
    )


def herindelingen_van(gemeente: Gemeente) -> list[Herindeling]:
    return list(
        Herindeling.objects.filter(overgangen__voorganger=gemeente)
        .union(Herindeling.objects.filter(overgangen__opvolger=gemeente))
        .order_by("datum")
    )


def totaal_op(jaar: int) -> tuple[int, int]:
    """(number of municipalities, inhabitants) on 1 January ``jaar`` as loaded from CBS."""
    agg = Inwonertal.objects.filter(jaar=jaar).aggregate(n=Count("id"), inwoners=Sum("aantal"))
    return agg["n"], agg["inwoners"] or 0


def shipped_data_hash(data: Traversable, names: Iterable[str]) -> str:
    """The SHA-256 of the register's data files ``names`` in ``data`` (the CBS figures and
    herindelingen shipped with the code): ``load-register`` loads them again when it changes."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((data / name).read_bytes())
    return digest.hexdigest()
