"""Read models of the fund: current budgets, reconciliation of stated totals, contributions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, OuterRef, Subquery, Sum

from samen.core.money import format_euro
from samen.fonds import contributions
from samen.fonds.models import (
    Activiteit,
    Autorisatie,
    Begrotingsregel,
    Bijdrage,
    Fonds,
    GenoemdTotaal,
    Realisatie,
    Termijn,
)
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


# --- balances of an activity's year (read by the services' checks and the pages) ------------


def next_version(activiteit: Activiteit, jaar: int) -> int:
    """The next version number of an activity's budget for a year."""
    m = Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).aggregate(m=Max("versie"))
    return (m["m"] or 0) + 1


def total(qs, field="bedrag") -> Decimal:
    """The sum of ``field`` over ``qs`` in cents (0.00 when empty)."""
    return (qs.aggregate(s=Sum(field))["s"] or Decimal(0)).quantize(Decimal("0.01"))


def budget_of(activiteit: Activiteit, jaar: int) -> Decimal:
    regel = (
        Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).order_by("-versie").first()
    )
    return regel.bedrag if regel else Decimal("0.00")


def free_to_authorise(activiteit: Activiteit, jaar: int) -> Decimal:
    """Budget minus the commitments running into that year."""
    return budget_of(activiteit, jaar) - committed(activiteit, jaar)


def authorised(activiteit: Activiteit, jaar: int) -> Decimal:
    return total(
        Autorisatie.objects.filter(
            activiteit=activiteit, jaar=jaar, status=Autorisatie.Status.VASTGESTELD
        )
    )


def is_authorised(activiteit: Activiteit, jaar: int) -> bool:
    """Whether the board has adopted an authorisation for the activity's year."""
    return Autorisatie.objects.filter(
        activiteit=activiteit, jaar=jaar, status=Autorisatie.Status.VASTGESTELD
    ).exists()


def committed(activiteit: Activiteit, jaar: int) -> Decimal:
    return total(Termijn.objects.filter(verplichting__activiteit=activiteit, jaar=jaar))


def realised(activiteit: Activiteit, jaar: int) -> Decimal:
    return total(Realisatie.objects.filter(activiteit=activiteit, datum__year=jaar))


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


def authorisation_title(voorstel) -> str:
    """The title of the board's decision on an authorisation proposal (amount as € 1.234,56)."""
    return f"Autorisatie {voorstel.activiteit.naam} {voorstel.jaar}: {format_euro(voorstel.bedrag)}"


def latest_year(fonds: Fonds) -> int | None:
    return fonds.bijdrageregelingen.aggregate(m=Max("jaar"))["m"]


def latest_year_with_data(fonds: Fonds, upto: int | None = None) -> int | None:
    """The latest year (up to ``upto``) in which the fund has a budget, an authorisation, a
    commitment or spending: what a page shows when it is opened without a year (the current
    year would show tables of zeros)."""
    from samen.fonds.models import Autorisatie, Realisatie, Termijn

    where = {"jaar__lte": upto} if upto is not None else {}
    years = [
        Begrotingsregel.objects.filter(activiteit__compartiment__fonds=fonds, **where).aggregate(
            m=Max("jaar")
        )["m"],
        Autorisatie.objects.filter(activiteit__compartiment__fonds=fonds, **where).aggregate(
            m=Max("jaar")
        )["m"],
        Termijn.objects.filter(
            verplichting__activiteit__compartiment__fonds=fonds, **where
        ).aggregate(m=Max("jaar"))["m"],
    ]
    spending = Realisatie.objects.filter(activiteit__compartiment__fonds=fonds)
    if upto is not None:
        spending = spending.filter(datum__year__lte=upto)
    last = spending.aggregate(m=Max("datum"))["m"]
    years.append(last.year if last else None)
    years = [y for y in years if y is not None]
    return max(years) if years else None


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

    jaar = peildatum.year
    start = dt.date(jaar, 1, 1)
    elapsed = Decimal((peildatum - start).days + 1) / Decimal(
        (dt.date(jaar, 12, 31) - start).days + 1
    )
    budgets = {r.activiteit_id: r.bedrag for r in current_budget(fonds, jaar)}
    result = []
    for activiteit in fonds.compartimenten.all().prefetch_related("activiteiten").order_by("code"):
        for a in activiteit.activiteiten.all():
            spent = (
                Realisatie.objects.filter(
                    activiteit=a, datum__gte=start, datum__lte=peildatum
                ).aggregate(s=Sum("bedrag"))["s"]
                or Decimal(0)
            ).quantize(Decimal("0.01"))
            auth = authorised(a, jaar)
            done = committed(a, jaar)
            forecast = (spent / elapsed).quantize(Decimal("0.01")) if elapsed else spent
            warnings = []
            if done > auth:
                warnings.append(
                    f"verplicht {format_euro(done)} boven de autorisatie {format_euro(auth)}"
                )
            if forecast > auth:
                warnings.append(
                    f"prognose {format_euro(forecast)} boven de autorisatie {format_euro(auth)}"
                )
            result.append(
                ControleRegel(
                    a,
                    budgets.get(a.pk, Decimal("0.00")),
                    auth,
                    done,
                    spent,
                    forecast,
                    "; ".join(warnings),
                )
            )
    return result


@dataclass
class JaarControle:
    activiteit: object
    jaar: int
    begroot: Decimal
    geautoriseerd: Decimal
    verplicht: Decimal
    toets: str  # "autorisatie" or "begroting": what the commitments of the year are held to
    waarschuwing: str


def commitments_per_year(fonds: Fonds, na: int) -> list[JaarControle]:
    """Committed against authorised per activity for every year after ``na`` (the year of the
    interim control, whose own table holds that year) with a commitment or an authorisation,
    in a fixed number of queries. A year that is authorised is held to its authorisation; a
    year not yet authorised to its budget (as entering a commitment does). A warning where the
    commitments exceed it, which the services refuse but older data may contain."""
    vanaf = na + 1
    from samen.fonds.models import Autorisatie, Termijn

    auth, done, budgets = {}, {}, {}
    for row in (
        Autorisatie.objects.filter(
            activiteit__compartiment__fonds=fonds,
            jaar__gte=vanaf,
            status=Autorisatie.Status.VASTGESTELD,
        )
        .values("activiteit_id", "jaar")
        .annotate(s=Sum("bedrag"))
    ):
        auth[row["activiteit_id"], row["jaar"]] = row["s"]
    for row in (
        Termijn.objects.filter(verplichting__activiteit__compartiment__fonds=fonds, jaar__gte=vanaf)
        .values("verplichting__activiteit_id", "jaar")
        .annotate(s=Sum("bedrag"))
    ):
        done[row["verplichting__activiteit_id"], row["jaar"]] = row["s"]
    keys = sorted(set(auth) | set(done), key=lambda k: (k[1], k[0]))
    for jaar in sorted({j for _, j in keys}):
        for r in current_budget(fonds, jaar):
            budgets[r.activiteit_id, jaar] = r.bedrag
    from samen.fonds.models import Activiteit

    names = Activiteit.objects.in_bulk({a for a, _ in keys})
    zero = Decimal("0.00")
    result = []
    for key in keys:
        a, jaar = key
        geautoriseerd, verplicht = auth.get(key, zero), done.get(key, zero)
        begroot = budgets.get(key, zero)
        held_to_authorisation = key in auth
        grens = geautoriseerd if held_to_authorisation else begroot
        warning = ""
        if verplicht > grens:
            what = "de autorisatie" if held_to_authorisation else "de begroting"
            warning = f"verplicht {format_euro(verplicht)} boven {what} {format_euro(grens)}"
        result.append(
            JaarControle(
                names[a],
                jaar,
                begroot,
                geautoriseerd,
                verplicht,
                "autorisatie" if held_to_authorisation else "begroting",
                warning,
            )
        )
    return result


def accountability(fonds: Fonds, jaar: int) -> dict:
    """The yearly accountability report: budgeted, authorised, committed and realised per
    compartment and activity, the difference budget − realised and the entered note."""
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
                "geautoriseerd": authorised(a, jaar),
                "verplicht": committed(a, jaar),
                "gerealiseerd": realised(a, jaar),
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
