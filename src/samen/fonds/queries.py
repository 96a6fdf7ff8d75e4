"""Read models of the fund: current budgets, reconciliation of stated totals, contributions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, OuterRef, Subquery, Sum

from samen.fonds import contributions
from samen.fonds.models import Begrotingsregel, Bijdrage, Fonds, GenoemdTotaal
from samen.gemeenten.queries import bevolking_voor_jaar


def current_budget(fonds: Fonds, jaar: int):
    """The latest version of every activity's budget for the year (one query)."""
    latest = (
        Begrotingsregel.objects.filter(activiteit=OuterRef("activiteit"), jaar=jaar)
        .order_by("-versie")
        .values("versie")[:1]
    )
    return (
        Begrotingsregel.objects.filter(activiteit__compartiment__fonds=fonds, jaar=jaar)
        .filter(versie=Subquery(latest))
        .select_related("activiteit__compartiment")
        .order_by("activiteit__soort", "activiteit__id")
    )


@dataclass
class Aansluiting:
    label: str
    genoemd: Decimal
    berekend: Decimal
    bron: str

    @property
    def verschil(self) -> Decimal:
        return self.genoemd - self.berekend

    @property
    def klopt(self) -> bool:
        return self.verschil == 0


def reconcile(fonds: Fonds, jaar: int) -> list[Aansluiting]:
    """Every stated total against the sum of its lines; differences are reported."""
    lines = list(current_budget(fonds, jaar))
    result = []
    for stated in GenoemdTotaal.objects.filter(fonds=fonds, jaar=jaar):
        computed = sum(
            (r.bedrag for r in lines if not stated.soort or r.activiteit.soort == stated.soort),
            Decimal("0.00"),
        )
        result.append(Aansluiting(stated.label, stated.bedrag, computed, stated.bron))
    return result


def contributions_for(fonds: Fonds, jaar: int):
    return (
        Bijdrage.objects.filter(regeling__fonds=fonds, regeling__jaar=jaar)
        .select_related("gemeente", "gemeente__provincie")
        .order_by("gemeente__naam")
    )


def totals(fonds: Fonds, jaar: int) -> dict:
    agg = Bijdrage.objects.filter(regeling__fonds=fonds, regeling__jaar=jaar).aggregate(
        bedrag=Sum("bedrag"), inwoners=Sum("inwoners")
    )
    bedrag = (agg["bedrag"] or Decimal(0)).quantize(Decimal("0.01"))
    return {"bedrag": bedrag, "inwoners": agg["inwoners"] or 0}


def what_if(totaal, jaar: int) -> dict:
    bevolking = bevolking_voor_jaar(jaar)
    shares = contributions.shares_of_total(totaal, bevolking.per_gemeente)
    return {
        "per_inwoner": contributions.per_inhabitant(totaal, bevolking.per_gemeente),
        "aandelen": shares,
        "bevolking": bevolking,
    }


def latest_year(fonds: Fonds) -> int | None:
    return fonds.bijdrageregelingen.aggregate(m=Max("jaar"))["m"]
