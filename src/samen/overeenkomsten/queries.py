"""Reads of agreements and their campaigns. Every figure is a fixed number of queries, whatever
the number of municipalities: the statuses of a date (one query), the municipalities of that
date with their province (one), the population rule (``gemeenten.queries.bevolking_voor_jaar``),
the arrangement's services, subscriptions and exemptions (three) and its what-if."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from samen.abonnementen import queries as abonnementen
from samen.abonnementen import tarieven
from samen.abonnementen.models import Abonnement, Vrijstelling
from samen.core import clock
from samen.core.errors import DomainError
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar
from samen.overeenkomsten import campagne
from samen.overeenkomsten.models import Ondertekening, Overeenkomst, Stap, Status

ZERO = Decimal("0")


def current_agreements():
    """The agreements in force: each one's latest version."""
    return (
        Overeenkomst.objects.filter(vervangen_door__isnull=True)
        .select_related("arrangement", "voorziening", "besluit")
        .defer("inhoud")
    )


def population(datum: dt.date) -> dict[str, int]:
    """Inhabitants per CBS code by the population rule for ``datum``'s year (empty when the
    register has no figures for it)."""
    try:
        return bevolking_voor_jaar(datum.year).per_gemeente
    except PopulationUnavailable:
        return {}


def municipalities_on(datum: dt.date) -> list[tuple[int, str, str, str]]:
    """(id, code, name, province) of every municipality of ``datum``: one query."""
    return list(
        Gemeente.objects.op(datum)
        .order_by("naam", "code")
        .values_list("id", "code", "naam", "provincie__naam")
    )


def statuses_on(overeenkomst: Overeenkomst, datum: dt.date, gemeenten=None) -> dict[str, str]:
    """CBS code → status on ``datum`` of every municipality of that date (two queries)."""
    gemeenten = gemeenten if gemeenten is not None else municipalities_on(datum)
    if datum >= clock.today():
        known = dict(
            Ondertekening.objects.filter(overeenkomst=overeenkomst).values_list(
                "gemeente__code", "status"
            )
        )
        return {code: known.get(code, Status.NIET_GESTART) for _, code, _, _ in gemeenten}
    history: dict[str, list[tuple[dt.date, str]]] = {}
    for code, when, status in (
        Stap.objects.filter(ondertekening__overeenkomst=overeenkomst, datum__lte=datum)
        .order_by("datum", "id")
        .values_list("ondertekening__gemeente__code", "datum", "status")
    ):
        history.setdefault(code, []).append((when, status))
    return {code: campagne.status_on(history.get(code, []), datum) for _, code, _, _ in gemeenten}


@dataclass
class Budgetdekking:
    per_groep: dict[str, Decimal]  # share of the budget each group would pay (percent)
    diensten: list[campagne.Dekking]
    aanbieders: dict[str, str]  # service code → provider
    namen: dict[str, str]  # service code → name
    tarief: Decimal  # the adopted tariff (price level of the arrangement)
    dekkend_tarief: Decimal | None  # per paying inhabitant if only the signed ones pay
    what_if_jaar: int | None
    what_if_probleem: str = ""

    @property
    def tekort(self) -> Decimal:
        return sum((d.tekort for d in self.diensten), ZERO)


def budget_coverage(overeenkomst, statuses: dict[str, str], inwoners: dict[str, int]):
    """What each group would pay of the arrangement's budgets at the adopted tariff (at its
    price level), the shortfall per provider when only the signed municipalities pay, and the
    tariff per paying inhabitant that would cover the budgets then (``abonnementen.queries
    .what_if`` for the first year of the term)."""
    arrangement = overeenkomst.arrangement
    if arrangement is None:
        return None
    diensten = list(arrangement.diensten.select_related("aanbieder").order_by("volgorde", "id"))
    budgets = {d.code: d.budget for d in diensten}
    if not budgets:
        return None
    prijs = tarieven.shares(arrangement.tarief, budgets)
    subscribed = set(
        Abonnement.objects.filter(arrangement=arrangement).values_list("gemeente__code", flat=True)
    )
    exempt: dict[str, set[str]] = {}
    for code, dienst in Vrijstelling.objects.filter(
        abonnement__arrangement=arrangement
    ).values_list("abonnement__gemeente__code", "dienst__code"):
        exempt.setdefault(dienst, set()).add(code)
    # A municipality without a subscription (none made yet, or ended by a decline) is counted
    # as it would pay once it signs.
    paying: dict[str, dict[str, int]] = {g: dict.fromkeys(budgets, 0) for g in campagne.GROEPEN}
    for code, status in statuses.items():
        g = campagne.groep(status)
        for d in budgets:
            if code not in exempt.get(d, set()):
                paying[g][d] += inwoners.get(code, 0)
    total = sum(budgets.values(), ZERO)
    per_groep = {}
    for g in campagne.GROEPEN:
        rows = campagne.coverage(budgets, prijs, paying[g])
        per_groep[g] = campagne.percentage(sum((r.gedekt for r in rows), ZERO), total)
    signed = campagne.coverage(budgets, prijs, paying[campagne.GROEP_GETEKEND])
    niet = {c for c, s in statuses.items() if s != Status.GETEKEND} | (subscribed - set(statuses))
    dekkend, jaar, probleem = None, arrangement.eerste_jaar, ""
    try:
        dekkend = abonnementen.what_if(arrangement, jaar, niet_betalend=niet)["dekkend_tarief"]
    except (tarieven.TariffError, PopulationUnavailable, DomainError) as exc:
        probleem = str(exc)
    return Budgetdekking(
        per_groep=per_groep,
        diensten=signed,
        aanbieders={d.code: str(d.aanbieder) for d in diensten},
        namen={d.code: d.naam for d in diensten},
        tarief=arrangement.tarief,
        dekkend_tarief=dekkend,
        what_if_jaar=jaar,
        what_if_probleem=probleem,
    )


@dataclass
class Campagne:
    overeenkomst: Overeenkomst
    peildatum: dt.date
    totalen: campagne.Totalen
    per_provincie: dict[str, campagne.Totalen]
    dagen_over: int
    budget: Budgetdekking | None
    drempel_gehaald: bool | None
    niet_getekend: list[dict] = field(default_factory=list)

    @property
    def aandelen(self) -> dict[str, Decimal]:
        result = {
            "aantal": self.totalen.aandeel_aantal(campagne.GROEP_GETEKEND),
            "inwoners": self.totalen.aandeel_inwoners(campagne.GROEP_GETEKEND),
        }
        if self.budget is not None:
            result["budget"] = self.budget.per_groep[campagne.GROEP_GETEKEND]
        return result


def campaign(
    overeenkomst: Overeenkomst,
    peildatum: dt.date | None = None,
    details=False,
    bevolking: dict | None = None,
):
    """The campaign on ``peildatum`` (today): totals by count, population and budget, per
    province, days left, the threshold and (``details``) the municipalities not signed.
    ``bevolking``: a cache of the population per year, shared with ``series``."""
    today = clock.today()
    peildatum = peildatum or today
    gemeenten = municipalities_on(peildatum)
    statuses = statuses_on(overeenkomst, peildatum, gemeenten)
    cache = bevolking if bevolking is not None else {}
    if peildatum.year not in cache:
        cache[peildatum.year] = population(peildatum)
    inwoners = cache[peildatum.year]
    provincie = {code: prov for _, code, _, prov in gemeenten}
    totalen = campagne.tally(statuses, inwoners)
    budget = budget_coverage(overeenkomst, statuses, inwoners)
    result = Campagne(
        overeenkomst=overeenkomst,
        peildatum=peildatum,
        totalen=totalen,
        per_provincie=campagne.tally_by(statuses, inwoners, provincie),
        dagen_over=campagne.days_left(today, overeenkomst.deadline),
        budget=budget,
        drempel_gehaald=None,
    )
    result.drempel_gehaald = campagne.threshold_met(
        overeenkomst.drempel_soort, overeenkomst.drempel_waarde, result.aandelen
    )
    if details:
        since = dict(
            Ondertekening.objects.filter(overeenkomst=overeenkomst).values_list(
                "gemeente__code", "sinds"
            )
        )
        result.niet_getekend = [
            {
                "code": code,
                "naam": naam,
                "provincie": prov,
                "status": statuses[code],
                "status_label": Status(statuses[code]).label,
                "sinds": since.get(code),
                "inwoners": inwoners.get(code, 0),
            }
            for _, code, naam, prov in gemeenten
            if statuses[code] != Status.GETEKEND
        ]
    return result


@dataclass(frozen=True)
class Punt:
    datum: dt.date
    totalen: campagne.Totalen


def series(
    overeenkomst: Overeenkomst, tot: dt.date | None = None, bevolking: dict | None = None
) -> list[Punt]:
    """The campaign per week from its start up to the deadline (or today, if earlier): the
    steps in one query, the municipalities in one, the population per year of the series
    (``bevolking``: a cache per year shared with ``campaign``)."""
    today = clock.today()
    end = tot or min(max(overeenkomst.deadline, overeenkomst.start), today)
    end = max(end, overeenkomst.start)
    rows = list(
        Stap.objects.filter(ondertekening__overeenkomst=overeenkomst, datum__lte=end)
        .order_by("datum", "id")
        .values_list("ondertekening__gemeente__code", "datum", "status")
    )
    gemeenten = list(
        Gemeente.objects.filter(
            Q(geldig_van__isnull=True) | Q(geldig_van__lte=end),
            Q(geldig_tot__isnull=True) | Q(geldig_tot__gt=overeenkomst.start),
        ).values_list("code", "geldig_van", "geldig_tot")
    )
    per_year = bevolking if bevolking is not None else {}
    dates = campagne.weeks(overeenkomst.start, end)
    points = []
    for datum, known in zip(dates, campagne.sweep(rows, dates), strict=True):
        if datum.year not in per_year:
            per_year[datum.year] = population(datum)
        statuses = {
            code: known.get(code, campagne.NIET_GESTART)
            for code, van, tot_ in gemeenten
            if (van is None or van <= datum) and (tot_ is None or tot_ > datum)
        }
        points.append(Punt(datum, campagne.tally(statuses, per_year[datum.year])))
    return points


def not_signed_ids(overeenkomst: Overeenkomst) -> list[int]:
    """The municipalities of today that have neither signed nor declined (one query)."""
    decided = Ondertekening.objects.filter(
        overeenkomst=overeenkomst,
        gemeente=OuterRef("pk"),
        status__in=[Status.GETEKEND, Status.AFGEWEZEN],
        te_bevestigen=False,
    )
    return list(
        Gemeente.objects.op(clock.today())
        .exclude(Exists(decided))
        .order_by("code")
        .values_list("id", flat=True)
    )


def waiting_for(gemeente) -> object:
    """The open agreements (started, latest version) on which ``gemeente`` has not decided,
    or whose status taken over at a herindeling waits for confirmation (one query)."""
    decided = Ondertekening.objects.filter(
        overeenkomst=OuterRef("pk"),
        gemeente=gemeente,
        status__in=[Status.GETEKEND, Status.AFGEWEZEN],
        te_bevestigen=False,
    )
    return (
        current_agreements()
        .filter(start__lte=clock.today())
        .exclude(Exists(decided))
        .order_by("deadline", "titel")
    )


def signing(overeenkomst: Overeenkomst, gemeente) -> Ondertekening | None:
    return (
        Ondertekening.objects.filter(overeenkomst=overeenkomst, gemeente=gemeente)
        .prefetch_related("stappen__vastgelegd_door")
        .first()
    )


def steps_left(status: str) -> list[str]:
    """The steps a municipality still takes, from its current status."""
    order = [Status.IN_COLLEGE, Status.IN_RAAD, Status.GETEKEND]
    if status in (Status.GETEKEND, Status.AFGEWEZEN):
        return []
    rank = campagne.RANG[status]
    return [str(s.label) for s in order if campagne.RANG[s] > rank]


@dataclass
class Betekenis:
    inwoners: int | None
    bronjaar: int | None
    jaarbedrag: Decimal | None
    prijs: Decimal | None
    vrijgesteld: list[str]
    looptijd: str
    uittreden: str
    uittreden_vanaf: dt.date | None
    stappen: list[str]


def meaning_for(overeenkomst: Overeenkomst, gemeente, status: str) -> Betekenis:
    """ "What does this mean for my municipality": the yearly amount for its population at the
    adopted tariff (less the services it is exempt from), the term, the exit terms, the steps."""
    arrangement = overeenkomst.arrangement
    inwoners = bronjaar = jaarbedrag = prijs = None
    vrijgesteld: list[str] = []
    looptijd = uittreden = ""
    vanaf = None
    if arrangement is not None:
        looptijd = arrangement.looptijd
        try:
            bevolking = bevolking_voor_jaar(arrangement.eerste_jaar)
            inwoners = bevolking.per_gemeente.get(gemeente.code)
            bronjaar = bevolking.bronjaar
        except PopulationUnavailable:
            pass
        budgets = abonnementen.budgets(arrangement)
        vrijgesteld = sorted(
            Vrijstelling.objects.filter(
                abonnement__arrangement=arrangement, abonnement__gemeente=gemeente
            ).values_list("dienst__code", flat=True)
        )
        if budgets:
            prijs = tarieven.exempt_price(arrangement.tarief, budgets, vrijgesteld)
            if inwoners is not None:
                jaarbedrag = tarieven.invoice_total(inwoners, prijs)
    besluit = overeenkomst.besluit or (arrangement.besluit if arrangement else None)
    if besluit is not None:
        uittreden = besluit.uittredingsvoorwaarden
        vanaf = besluit.uittreden_vanaf
    return Betekenis(
        inwoners,
        bronjaar,
        jaarbedrag,
        prijs,
        vrijgesteld,
        looptijd,
        uittreden,
        vanaf,
        steps_left(status),
    )
