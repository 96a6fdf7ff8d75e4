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


@dataclass
class ControleRegel:
    activiteit: object
    begroot: Decimal
    geautoriseerd: Decimal
    verplicht: Decimal
    gerealiseerd: Decimal
    prognose: Decimal
    waarschuwing: str


def interim_control(fonds: Fonds, peildatum) -> list[ControleRegel]:
    """Per activity for the year of ``peildatum``: budget, authorised, committed, realised to
    date and the forecast to year end from the spending pace; a warning where it will overrun."""
    import datetime as dt

    from samen.fonds import services

    jaar = peildatum.year
    start = dt.date(jaar, 1, 1)
    elapsed = Decimal((peildatum - start).days + 1) / Decimal(
        (dt.date(jaar, 12, 31) - start).days + 1
    )
    budgets = {r.activiteit_id: r.bedrag for r in current_budget(fonds, jaar)}
    result = []
    for activiteit in fonds.compartimenten.all().prefetch_related("activiteiten").order_by("code"):
        for a in activiteit.activiteiten.all():
            from samen.fonds.models import Realisatie

            spent = (
                Realisatie.objects.filter(
                    activiteit=a, datum__gte=start, datum__lte=peildatum
                ).aggregate(s=Sum("bedrag"))["s"]
                or Decimal(0)
            ).quantize(Decimal("0.01"))
            auth = services.authorised(a, jaar)
            forecast = (spent / elapsed).quantize(Decimal("0.01")) if elapsed else spent
            warning = ""
            if forecast > auth:
                warning = f"prognose {forecast} boven de autorisatie {auth}"
            result.append(
                ControleRegel(
                    a,
                    budgets.get(a.pk, Decimal("0.00")),
                    auth,
                    services.committed(a, jaar),
                    spent,
                    forecast,
                    warning,
                )
            )
    return result


def accountability(fonds: Fonds, jaar: int) -> dict:
    """The yearly accountability report: budgeted, authorised, committed and realised per
    compartment and activity, the difference budget − realised and the entered note."""
    from samen.fonds import services
    from samen.fonds.models import Toelichting

    budgets = {r.activiteit_id: r.bedrag for r in current_budget(fonds, jaar)}
    notes = dict(
        Toelichting.objects.filter(activiteit__compartiment__fonds=fonds, jaar=jaar).values_list(
            "activiteit_id", "tekst"
        )
    )
    compartments = []
    totals = dict.fromkeys(("begroot", "geautoriseerd", "verplicht", "gerealiseerd"), Decimal(0))
    for comp in fonds.compartimenten.order_by("code").prefetch_related("activiteiten"):
        rows = []
        for a in comp.activiteiten.all():
            row = {
                "activiteit": a,
                "begroot": budgets.get(a.pk, Decimal("0.00")),
                "geautoriseerd": services.authorised(a, jaar),
                "verplicht": services.committed(a, jaar),
                "gerealiseerd": services.realised(a, jaar),
            }
            row["verschil"] = row["begroot"] - row["gerealiseerd"]
            row["toelichting"] = notes.get(a.pk, "")
            for key in totals:
                totals[key] += row[key]
            rows.append(row)
        compartments.append({"compartiment": comp, "rows": rows})
    return {"fonds": fonds, "jaar": jaar, "compartimenten": compartments, "totalen": totals}


def multi_year(fonds: Fonds, eerste_jaar: int, jaren: int = 4) -> list[dict]:
    """The four-year budget: per activity the current version for each year, with totals."""
    years = list(range(eerste_jaar, eerste_jaar + jaren))
    lines = {}
    for jaar in years:
        for r in current_budget(fonds, jaar):
            lines.setdefault(r.activiteit, {})[jaar] = r.bedrag
    rows = [
        {"activiteit": a, "bedragen": [per_year.get(j, Decimal("0.00")) for j in years]}
        for a, per_year in sorted(lines.items(), key=lambda item: item[0].naam)
    ]
    totals = [sum((row["bedragen"][i] for row in rows), Decimal("0.00")) for i in range(jaren)]
    return {"jaren": years, "rows": rows, "totalen": totals}
