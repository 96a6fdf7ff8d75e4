"""Read models of the subscriptions: tariffs per year with their derivation, the seed's cents
beside the budget-weighted shares, reconciliation per year and service, the what-if, and the
invoices a user may see. Aggregates are done in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from samen.abonnementen import tarieven
from samen.abonnementen.models import (
    Abonnement,
    Arrangement,
    Factuur,
    Factuurregel,
    Vordering,
    Vrijstelling,
)
from samen.accounts.models import Rol
from samen.core import clock, dates
from samen.core.errors import DomainError, Problem
from samen.core.money import allocate, euro
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar

ZERO = Decimal("0.00")


@dataclass
class DienstAandeel:
    code: str
    naam: str
    aanbieder: str
    budget: Decimal
    gewicht: Decimal
    aandeel: Decimal  # budget-weighted share of the adopted tariff, 4 decimals
    genoemd: Decimal | None  # as the source writes it
    verschil: Decimal | None


def shares(arrangement: Arrangement) -> list[DienstAandeel]:
    diensten = list(arrangement.diensten.select_related("aanbieder"))
    bud = {d.code: d.budget for d in diensten}
    w = tarieven.weights(bud)
    s = tarieven.shares(arrangement.tarief, bud)
    return [
        DienstAandeel(
            d.code,
            d.naam,
            str(d.aanbieder),
            d.budget,
            w[d.code],
            s[d.code],
            d.genoemd_per_inwoner,
            (s[d.code] - d.genoemd_per_inwoner) if d.genoemd_per_inwoner is not None else None,
        )
        for d in diensten
    ]


def derivation(arrangement: Arrangement) -> tarieven.Afleiding:
    return tarieven.derivation(arrangement.afleiding_budget, arrangement.afleiding_inwoners)


@dataclass
class TariefJaar:
    jaar: int
    index: Decimal | None
    factor: Decimal | None
    tarief: Decimal | None
    vrijgesteld: dict[str, Decimal]  # exempt price per exempt service code
    probleem: str = ""


def tariffs(arrangement: Arrangement) -> list[TariefJaar]:
    indices = index_map(arrangement)
    bud = budgets(arrangement)
    rows = []
    for jaar in range(arrangement.eerste_jaar, arrangement.laatste_jaar + 1):
        try:
            factor = tarieven.index_factor(indices, arrangement.eerste_jaar, jaar)
        except tarieven.TariffError as exc:
            rows.append(TariefJaar(jaar, indices.get(jaar), None, None, {}, str(exc)))
            continue
        tarief = tarieven.indexed_tariff(arrangement.tarief, indices, arrangement.eerste_jaar, jaar)
        rows.append(
            TariefJaar(
                jaar,
                indices[jaar],
                factor.quantize(Decimal("0.000001")),
                tarief,
                {code: tarieven.exempt_price(tarief, bud, [code]) for code in bud},
            )
        )
    return rows


def exempt_codes_in_use(arrangement: Arrangement) -> set[str]:
    return set(
        Vrijstelling.objects.filter(abonnement__arrangement=arrangement).values_list(
            "dienst__code", flat=True
        )
    )


@dataclass
class Aansluiting:
    dienst: str
    naam: str
    budget: Decimal  # indexed
    gefactureerd: Decimal  # issued invoices, credit notes and supplements for the year
    verschil: Decimal  # invoiced - budget (negative: shortfall)
    vrijgesteld: Decimal  # what exempt municipalities do not pay for this service


def reconcile(arrangement: Arrangement, jaar: int) -> dict:
    """Per service: invoiced vs. the indexed budget, the difference and the exempt share; and
    the checks that every euro adds up (lines = totals; totals = inhabitants x price). An
    arrangement invoicing given amounts: ``reconcile_given``."""
    if not arrangement.per_inwoner:
        return reconcile_given(arrangement, jaar)
    indices = index_map(arrangement)
    try:
        factor = tarieven.index_factor(indices, arrangement.eerste_jaar, jaar)
    except tarieven.TariffError as exc:
        return {"jaar": jaar, "probleem": str(exc), "regels": []}
    tarief = tarieven.indexed_tariff(arrangement.tarief, indices, arrangement.eerste_jaar, jaar)
    bud = budgets(arrangement)
    weights = tarieven.weights(bud)
    issued = Factuur.objects.filter(
        arrangement=arrangement, jaar=jaar, status=Factuur.Status.UITGEGEVEN
    )
    per_dienst = dict(
        Factuurregel.objects.filter(factuur__in=issued)
        .values_list("dienst__code")
        .annotate(s=Sum("bedrag"))
        .values_list("dienst__code", "s")
    )
    # Exempt inhabitants per service, from the yearly invoices (exemption as billed).
    vrij_inwoners: dict[str, int] = {}
    for vrijgesteld, inwoners in (
        issued.filter(soort=Factuur.Soort.FACTUUR)
        .exclude(vrijgesteld="")
        .values_list("vrijgesteld")
        .annotate(n=Sum("inwoners"))
        .values_list("vrijgesteld", "n")
    ):
        for code in vrijgesteld.split(", "):
            vrij_inwoners[code] = vrij_inwoners.get(code, 0) + inwoners
    regels = []
    for d in arrangement.diensten.order_by("volgorde", "id"):
        budget = tarieven.round_half_up(d.budget * factor, 2)
        invoiced = euro(per_dienst.get(d.code) or ZERO)
        exempt = Decimal(vrij_inwoners.get(d.code, 0)) * tarieven.round_half_up(
            tarief * weights[d.code], 2
        )
        regels.append(Aansluiting(d.code, d.naam, budget, invoiced, invoiced - budget, exempt))
    totals = issued.aggregate(
        totaal=Sum("totaal"),
        aantal=Count("id", filter=Q(soort=Factuur.Soort.FACTUUR)),
        inwoners=Sum("inwoners", filter=Q(soort=Factuur.Soort.FACTUUR)),
    )
    gefactureerd = euro(totals["totaal"] or ZERO)
    budget_total = sum((r.budget for r in regels), ZERO)
    return {
        "jaar": jaar,
        "tarief": tarief,
        "factor": factor,
        "regels": regels,
        "budget": budget_total,
        "gefactureerd": gefactureerd,
        "facturen": totals["aantal"] or 0,
        "inwoners": totals["inwoners"] or 0,
        "vrijgesteld": sum((r.vrijgesteld for r in regels), ZERO),
        "verschil": gefactureerd - budget_total,
        "afwijkingen": mismatches(arrangement, jaar),
    }


def reconcile_given(arrangement: Arrangement, jaar: int, budget: Decimal | None = None) -> dict:
    """The reconciliation of a kind that invoices given amounts: per service what was invoiced
    (issued invoices, credit notes and supplements of the year) against its share of
    ``budget`` (the year's amount the caller divided, e.g. an allocation key's budget; without
    it the services' budgets), and the checks that lines add up to totals."""
    issued = Factuur.objects.filter(
        arrangement=arrangement, jaar=jaar, status=Factuur.Status.UITGEGEVEN
    )
    per_dienst = dict(
        Factuurregel.objects.filter(factuur__in=issued)
        .values_list("dienst__code")
        .annotate(s=Sum("bedrag"))
        .values_list("dienst__code", "s")
    )
    bud = budgets(arrangement)
    shares = allocate(budget, bud) if budget is not None and bud else bud
    regels = []
    for d in arrangement.diensten.order_by("volgorde", "id"):
        invoiced = euro(per_dienst.get(d.code) or ZERO)
        share = euro(shares[d.code])
        regels.append(Aansluiting(d.code, d.naam, share, invoiced, invoiced - share, ZERO))
    totals = issued.aggregate(
        totaal=Sum("totaal"),
        aantal=Count("id", filter=Q(soort=Factuur.Soort.FACTUUR)),
        inwoners=Sum("inwoners", filter=Q(soort=Factuur.Soort.FACTUUR)),
    )
    gefactureerd = euro(totals["totaal"] or ZERO)
    budget_total = sum((r.budget for r in regels), ZERO)
    return {
        "jaar": jaar,
        "soort": arrangement.soort,
        "tarief": None,
        "factor": None,
        "regels": regels,
        "budget": budget_total,
        "gefactureerd": gefactureerd,
        "facturen": totals["aantal"] or 0,
        "inwoners": totals["inwoners"] or 0,
        "vrijgesteld": ZERO,
        "verschil": gefactureerd - budget_total,
        "afwijkingen": mismatches(arrangement, jaar),
    }


def mismatches(arrangement: Arrangement, jaar: int | None = None) -> list[dict]:
    """Invoices whose lines do not add up to their total, or (a subscription's yearly invoice)
    whose total is not inhabitants x price: must always be empty (a test fails otherwise). A
    kind that invoices given amounts has no price: its total is the amount given, and its
    lines must add up to it. Compared in Python on the stored amounts (SQLite compares
    decimals as floating point)."""
    per_inwoner = arrangement.per_inwoner
    qs = Factuur.objects.filter(arrangement=arrangement)
    if jaar is not None:
        qs = qs.filter(jaar=jaar)
    sums: dict[int, Decimal] = {}
    for factuur_id, bedrag in (
        Factuurregel.objects.filter(factuur__in=qs).values_list("factuur_id", "bedrag").iterator()
    ):
        sums[factuur_id] = sums.get(factuur_id, ZERO) + bedrag
    result = []
    for pk, uuid, soort, totaal, inwoners, prijs in qs.values_list(
        "pk", "uuid", "soort", "totaal", "inwoners", "prijs"
    ).iterator():
        if sums.get(pk, ZERO) != totaal:
            result.append(
                {
                    "uuid": uuid,
                    "probleem": "regels tellen niet op tot het totaal",
                    "regels": sums.get(pk, ZERO),
                    "totaal": totaal,
                }
            )
        if not per_inwoner:
            continue
        if soort == Factuur.Soort.FACTUUR and Decimal(inwoners) * prijs != totaal:
            result.append({"uuid": uuid, "probleem": "totaal is niet inwoners x prijs"})
    return result


def what_if(arrangement: Arrangement, jaar: int, niet_betalend: set[str] | None = None) -> dict:
    """The tariff that would cover each (indexed) budget when exempt municipalities and the
    municipalities named in ``niet_betalend`` (CBS codes) do not pay."""
    from samen.gemeenten.queries import bevolking_voor_jaar

    niet_betalend = niet_betalend or set()
    indices = index_map(arrangement)
    factor = tarieven.index_factor(indices, arrangement.eerste_jaar, jaar)
    bevolking = bevolking_voor_jaar(jaar)
    peildatum = dt.date(jaar, 1, 1)
    codes = set(
        Abonnement.objects.filter(arrangement=arrangement, van__lte=peildatum)
        .exclude(tot__lt=peildatum)
        .values_list("gemeente__code", flat=True)
    )
    exempt: dict[str, set[str]] = {}
    for code, dienst, tot in Vrijstelling.objects.filter(
        abonnement__arrangement=arrangement, van__lte=peildatum
    ).values_list("abonnement__gemeente__code", "dienst__code", "tot"):
        if tot is None or tot >= peildatum:
            exempt.setdefault(dienst, set()).add(code)
    bud = budgets(arrangement)
    indexed = {c: tarieven.round_half_up(b * factor, 2) for c, b in bud.items()}
    paying = {
        c: sum(
            bevolking.per_gemeente.get(code, 0)
            for code in codes
            if code not in niet_betalend and code not in exempt.get(c, set())
        )
        for c in bud
    }
    rows, total = tarieven.covering_tariff(indexed, paying)
    return {
        "jaar": jaar,
        "tarief": tarieven.indexed_tariff(
            arrangement.tarief, indices, arrangement.eerste_jaar, jaar
        ),
        "regels": rows,
        "dekkend_tarief": total,
        "niet_betalend": sorted(niet_betalend),
    }


def invoices_for(user):
    """The invoices a user may see: a municipality contact its own municipality's (including
    those of predecessors whose receivables it now holds), staff all."""
    qs = Factuur.objects.filter(status=Factuur.Status.UITGEGEVEN).select_related(
        "gemeente", "arrangement", "verwijst_naar"
    )
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser or user.rol in {
        Rol.ADMINISTRATIEKANTOOR,
        Rol.FINANCIEN,
        Rol.PROGRAMMABUREAU,
    }:
        return qs
    if user.rol == Rol.GEMEENTE and user.gemeente_id:
        return qs.filter(
            Q(gemeente_id=user.gemeente_id) | Q(vorderingen__gemeente_id=user.gemeente_id)
        ).distinct()
    return qs.none()


def open_amount(factuur: Factuur, gemeente_id: int | None = None) -> Decimal:
    qs = factuur.vorderingen.all()
    if gemeente_id is not None:
        qs = qs.filter(gemeente_id=gemeente_id)
    return qs.aggregate(s=Sum("bedrag"))["s"] or ZERO


def yearly_totals(arrangement: Arrangement) -> list[dict]:
    rows = (
        Factuur.objects.filter(arrangement=arrangement, status=Factuur.Status.UITGEGEVEN)
        .values("jaar")
        .annotate(
            totaal=Sum("totaal"),
            facturen=Count("id", filter=Q(soort=Factuur.Soort.FACTUUR)),
            correcties=Count("id", filter=~Q(soort=Factuur.Soort.FACTUUR)),
            inwoners=Sum("inwoners", filter=Q(soort=Factuur.Soort.FACTUUR)),
        )
        .order_by("jaar")
    )
    return [dict(row, totaal=euro(row["totaal"] or ZERO)) for row in rows]


# ---------------------------------------------------------------- accounts and the office


def _root_id(factuur: Factuur) -> int:
    return factuur.verwijst_naar_id or factuur.pk


def open_accounts(facturen, gemeente_id: int | None = None) -> dict[int, Decimal]:
    """The open balance of each document's account: the yearly invoice plus its credit notes
    and supplementary invoices, as payments are matched (one query). Keyed by document id; a
    correction shows the balance of the account it belongs to, not its own amount alone."""
    facturen = list(facturen)
    roots = {_root_id(f) for f in facturen}
    if not roots:
        return {}
    qs = Vordering.objects.filter(Q(factuur_id__in=roots) | Q(factuur__verwijst_naar_id__in=roots))
    if gemeente_id is not None:
        qs = qs.filter(gemeente_id=gemeente_id)
    per_root = dict(
        qs.annotate(root=Coalesce("factuur__verwijst_naar_id", "factuur_id"))
        .values("root")
        .annotate(s=Sum("bedrag"))
        .values_list("root", "s")
    )
    return {f.pk: per_root.get(_root_id(f)) or ZERO for f in facturen}


@dataclass
class Rekening:
    """An invoice with its corrections, as one account."""

    factuur: Factuur  # the yearly invoice
    documenten: list[Factuur]  # the invoice and its corrections, in order of number
    totaal: Decimal  # what the documents add up to
    open: Decimal  # what is still open on the account (for this municipality, if given)


def account(factuur: Factuur, gemeente_id: int | None = None) -> Rekening:
    root = factuur.verwijst_naar if factuur.verwijst_naar_id else factuur
    documenten = [root, *root.correcties.filter(status=Factuur.Status.UITGEGEVEN)]
    documenten.sort(key=lambda f: (f.nummerjaar or 0, f.volgnummer or 0))
    return Rekening(
        root,
        documenten,
        sum((f.totaal for f in documenten), ZERO),
        open_accounts([root], gemeente_id)[root.pk],
    )


def afzender(organisatie=None):
    """The office's details as sender (legal name, address, KvK/OIN, VAT number, IBAN): the one
    source for invoices (PDF, e-invoice), reminder letters and the bank statement import.

    ``organisatie`` is an administration office (an ``accounts.Organisatie`` or its id); without
    it, the office of the first arrangement (there is one office today). None when the office
    has not entered its details yet. Issued documents carry the details as they were when
    issued (``vastlegging``); this is what new documents carry."""
    from samen.abonnementen.models import Afzendergegevens

    if organisatie is None:
        first = Arrangement.objects.order_by("eerste_jaar", "id").first()
        if first is None:
            return Afzendergegevens.objects.order_by("id").first()
        organisatie = first.administratiekantoor_id
    organisatie_id = getattr(organisatie, "pk", organisatie)
    return Afzendergegevens.objects.filter(organisatie_id=organisatie_id).first()


# ---------------------------------------------------------------- arrangement data, billing (reads)


#: An invoice or correction date lies no further ahead than this (invoices are sent in advance,
#: within a quarter; a date years ahead is a typing error).
VOORUIT_DAGEN = 90


def check_factuurdatum(
    arrangement: Arrangement,
    value: dt.date | None,
    problems: list[Problem],
    *,
    field: str = "factuurdatum",
    label: str = "De factuurdatum",
    earliest: dt.date | None = None,
) -> dt.date | None:
    """An invoice date within a plausible range: not before 1 January of the year before the
    arrangement's term (yearly invoices are sent in advance) or ``earliest``, not more than
    ``VOORUIT_DAGEN`` days after today, and within the platform's years."""
    low = dt.date(max(arrangement.eerste_jaar - 1, dates.PLATFORM_YEARS.start), 1, 1)
    if earliest is not None:
        low = max(low, earliest)
    return dates.check_date(
        value,
        field=field,
        label=label,
        when=dates.When.ANY,
        problems=problems,
        earliest=low,
        latest=clock.today() + dt.timedelta(days=VOORUIT_DAGEN),
    )


def budgets(arrangement: Arrangement) -> dict[str, Decimal]:
    return {d.code: d.budget for d in arrangement.diensten.all()}


def index_map(arrangement: Arrangement) -> dict[int, Decimal]:
    return dict(arrangement.indices.values_list("jaar", "percentage"))


def tarief(arrangement: Arrangement, jaar: int) -> Decimal:
    """The tariff for ``jaar``: the adopted tariff indexed from the first year of the term."""
    try:
        return tarieven.indexed_tariff(
            arrangement.tarief, index_map(arrangement), arrangement.eerste_jaar, jaar
        )
    except tarieven.TariffError as exc:
        raise DomainError(str(exc), [Problem("jaar", str(exc))]) from exc


def check_billable(arrangement: Arrangement, jaar: int) -> list[Problem]:
    problems = []
    if isinstance(jaar, bool) or not isinstance(jaar, int):
        return [Problem("jaar", f"geen jaartal: {jaar!r}", "invalid")]
    if not arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
        problems.append(
            Problem("jaar", f"{jaar} valt buiten de looptijd {arrangement.looptijd}", "range")
        )
        return problems
    try:
        tarieven.index_factor(index_map(arrangement), arrangement.eerste_jaar, jaar)
    except tarieven.TariffError as exc:
        problems.append(Problem("jaar", str(exc), "missing"))
    if not arrangement.diensten.exists():
        problems.append(Problem("arrangement", "het arrangement heeft geen diensten"))
    return problems


@dataclass
class Regelplan:
    abonnement_id: int
    gemeente_id: int
    code: str
    inwoners: int
    prijs: Decimal
    vrijgesteld: tuple[str, ...]
    totaal: Decimal
    regels: dict[str, Decimal]


def running_subscriptions(arrangement: Arrangement, jaar: int):
    peildatum = dt.date(jaar, 1, 1)
    return Abonnement.objects.filter(arrangement=arrangement, van__lte=peildatum).exclude(
        tot__lt=peildatum
    )


def not_yet_invoiced(arrangement: Arrangement, jaar: int):
    """Running subscriptions whose municipality has no yearly invoice for ``jaar`` yet."""
    invoiced = Factuur.objects.filter(
        arrangement=arrangement, jaar=jaar, soort=Factuur.Soort.FACTUUR
    ).values("gemeente_id")
    return running_subscriptions(arrangement, jaar).exclude(gemeente_id__in=invoiced)


def population(jaar: int):
    try:
        return bevolking_voor_jaar(jaar)
    except PopulationUnavailable as exc:
        raise DomainError(str(exc), [Problem("jaar", str(exc), "missing")]) from exc


def plan(arrangement: Arrangement, jaar: int, bevolking=None, subs=None) -> list[Regelplan]:
    """What a run for ``jaar`` would invoice: every subscription running on 1 January of the
    year (or those of ``subs``), at the municipality's inhabitants by the population rule, at
    the tariff or the exempt price (exemptions in force on 1 January), with lines split by
    budget weights."""
    peildatum = dt.date(jaar, 1, 1)
    bevolking = bevolking or population(jaar)
    bud = budgets(arrangement)
    full = tarief(arrangement, jaar)
    exemptions: dict[int, set[str]] = {}
    for abonnement_id, code, tot in Vrijstelling.objects.filter(
        abonnement__arrangement=arrangement, van__lte=peildatum
    ).values_list("abonnement_id", "dienst__code", "tot"):
        if tot is None or tot >= peildatum:
            exemptions.setdefault(abonnement_id, set()).add(code)
    prices: dict[tuple[str, ...], Decimal] = {(): full}
    result = []
    problems = []
    subs = (
        (subs if subs is not None else running_subscriptions(arrangement, jaar))
        .values_list("id", "gemeente_id", "gemeente__code", "gemeente__naam")
        .order_by("gemeente__code")
    )
    for abonnement_id, gemeente_id, code, naam in subs.iterator(chunk_size=5000):
        inwoners = bevolking.per_gemeente.get(code)
        if inwoners is None:
            problems.append(
                Problem(
                    "gemeente",
                    f"{naam} ({code}) bestaat niet op {peildatum:%d-%m-%Y}: "
                    "verwerk eerst de herindelingen",
                    "unknown",
                )
            )
            continue
        vrij = tuple(sorted(exemptions.get(abonnement_id, ())))
        if vrij not in prices:
            prices[vrij] = tarieven.exempt_price(full, bud, vrij)
        prijs = prices[vrij]
        totaal = tarieven.invoice_total(inwoners, prijs)
        regels = tarieven.invoice_lines(totaal, bud, [c for c in bud if c not in vrij])
        result.append(
            Regelplan(abonnement_id, gemeente_id, code, inwoners, prijs, vrij, totaal, regels)
        )
    if problems:
        raise DomainError("De factuurrun kan niet worden gemaakt.", problems)
    return result
