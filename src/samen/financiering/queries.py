"""Reads of the financing forms: the key's inputs and shares, the regions' shares, the
compensations, and the reconciliation of what was invoiced against what was divided."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from samen.abonnementen import queries as abonnementen_queries
from samen.abonnementen.models import Arrangement, Factuur
from samen.core.errors import DomainError, Problem
from samen.financiering import verdeling
from samen.financiering.models import Compensatie, Regio, Verdeelsleutel
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar

ZERO = Decimal("0.00")


def population(jaar: int, problems: list[Problem] | None = None):
    try:
        return bevolking_voor_jaar(jaar)
    except PopulationUnavailable as exc:
        if problems is None:
            raise DomainError(str(exc), [Problem("jaar", str(exc), "missing")]) from exc
        problems.append(Problem("jaar", str(exc), "missing"))
        return None


def invoiced(arrangement: Arrangement, jaar: int) -> bool:
    return Factuur.objects.filter(
        arrangement=arrangement, jaar=jaar, status=Factuur.Status.UITGEGEVEN
    ).exists()


@dataclass
class Regel:
    gemeente: Gemeente
    inwoners: int
    extra: int
    sleutel: int
    bedrag: Decimal
    reden: str = ""
    bron: str = ""


@dataclass
class Verdeling:
    bedrag: Decimal
    bronjaar: int
    toelichting: str
    regels: list[Regel] = field(default_factory=list)
    regio: Regio | None = None

    @property
    def sleuteltotaal(self) -> int:
        return sum(r.sleutel for r in self.regels)

    @property
    def totaal(self) -> Decimal:
        return sum((r.bedrag for r in self.regels), ZERO)


def _gemeenten(codes) -> dict[str, Gemeente]:
    return {g.code: g for g in Gemeente.objects.filter(code__in=codes)}


def key_shares(sleutel: Verdeelsleutel) -> Verdeling:
    """Every municipality of 1 January of the key's year with its inhabitants (THE population
    rule), extra weight and exact share of the budget."""
    bevolking = population(sleutel.jaar)
    gewichten = {g.gemeente.code: g for g in sleutel.gewichten.select_related("gemeente").all()}
    aandelen = verdeling.key_shares(
        sleutel.budget,
        bevolking.per_gemeente,
        {code: g.gewicht for code, g in gewichten.items()},
    )
    gemeenten = _gemeenten(bevolking.per_gemeente)
    return Verdeling(
        sleutel.budget,
        bevolking.bronjaar,
        bevolking.toelichting,
        [
            Regel(
                gemeenten[a.code],
                a.inwoners,
                a.extra,
                a.sleutel,
                a.bedrag,
                gewichten[a.code].reden if a.code in gewichten else "",
                gewichten[a.code].bron if a.code in gewichten else "",
            )
            for a in aandelen
        ],
    )


def region_shares(regio: Regio, bevolking=None) -> Verdeling:
    bevolking = bevolking or population(regio.jaar)
    leden = {g.code: g for g in regio.leden.all()}
    aandelen = verdeling.region_shares(
        regio.bijdrage, {code: bevolking.per_gemeente.get(code, 0) for code in leden}
    )
    return Verdeling(
        regio.bijdrage,
        bevolking.bronjaar,
        bevolking.toelichting,
        [Regel(leden[a.code], a.inwoners, 0, a.sleutel, a.bedrag) for a in aandelen],
        regio,
    )


def region_shares_for_year(arrangement: Arrangement, jaar: int) -> list[Verdeling]:
    regios = list(
        Regio.objects.filter(arrangement=arrangement, jaar=jaar).prefetch_related("leden")
    )
    if not regios:
        return []
    bevolking = population(jaar)
    return [region_shares(r, bevolking) for r in regios]


def keys():
    return Verdeelsleutel.objects.select_related("arrangement").order_by("-jaar")


def regions():
    return (
        Regio.objects.select_related("arrangement")
        .prefetch_related("leden")
        .order_by("-jaar", "naam")
    )


def compensations():
    return Compensatie.objects.select_related("gemeente").order_by("-jaar", "gemeente__naam")


def compensation_totals() -> list[dict]:
    """Per year the total paid to the centre municipalities (amounts only: no per-use
    figures are kept anywhere)."""
    return list(Compensatie.objects.values("jaar").annotate(totaal=Sum("bedrag")).order_by("-jaar"))


def reconcile_key(sleutel: Verdeelsleutel) -> dict:
    """What was invoiced for the key's year against its budget, per service and in total."""
    return abonnementen_queries.reconcile_given(sleutel.arrangement, sleutel.jaar, sleutel.budget)


def reconcile_regions(arrangement: Arrangement, jaar: int) -> dict:
    bijdragen = Regio.objects.filter(arrangement=arrangement, jaar=jaar).aggregate(
        s=Sum("bijdrage")
    )["s"]
    return abonnementen_queries.reconcile_given(arrangement, jaar, bijdragen)


def key_snapshot(sleutel: Verdeelsleutel) -> dict:
    return {
        "jaar": sleutel.jaar,
        "budget": str(sleutel.budget),
        "bron": sleutel.bron,
        "gewichten": {
            g.gemeente.code: g.gewicht for g in sleutel.gewichten.select_related("gemeente")
        },
    }


def region_snapshot(regio: Regio) -> dict:
    return {
        "jaar": regio.jaar,
        "naam": regio.naam,
        "bijdrage": str(regio.bijdrage),
        "bron": regio.bron,
        "leden": sorted(regio.leden.values_list("code", flat=True)),
    }


def _still_to_invoice(arrangement: Arrangement, jaar: int, gemeenten: set[int]) -> int:
    done = set(
        Factuur.objects.filter(
            arrangement=arrangement, jaar=jaar, periode="", soort=Factuur.Soort.FACTUUR
        ).values_list("gemeente_id", flat=True)
    )
    return len(gemeenten - done)


def key_to_invoice(sleutel: Verdeelsleutel) -> int:
    """How many municipalities of the key have no invoice yet (0: invoicing creates nothing)."""
    gemeenten = {a.gemeente.pk for a in key_shares(sleutel).regels if a.bedrag > 0}
    return _still_to_invoice(sleutel.arrangement, sleutel.jaar, gemeenten)


def regions_to_invoice(arrangement: Arrangement, jaar: int) -> int:
    """How many member municipalities of the year's regions have no invoice yet."""
    gemeenten = {
        a.gemeente.pk
        for v in region_shares_for_year(arrangement, jaar)
        for a in v.regels
        if a.bedrag > 0
    }
    return _still_to_invoice(arrangement, jaar, gemeenten)
