"""Read models of collection and distribution: the payments and statements a user may see,
the unmatched items, overdue invoices, and the reconciliation collected = distributed + held.
Amounts are summed exactly (Decimal in Python over value rows) where SQLite would sum floats."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from samen.abonnementen.models import Afzendergegevens, Dienst, Factuur, Factuurregel, Vordering
from samen.accounts.models import Rol
from samen.core import clock
from samen.core.dates import check_date, nl_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import ZERO, allocate, format_euro
from samen.inning.models import (
    Afdracht,
    Afdrachtkoppeling,
    Afdrachtperiode,
    Betaling,
    Betalingsregel,
    Creditverrekening,
    Herinnering,
)

KANTOOR_ROLES = {Rol.ADMINISTRATIEKANTOOR, Rol.FINANCIEN}


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_office(user) -> bool:
    return _signed_in(user) and (user.is_superuser or user.rol in KANTOOR_ROLES)


def payments_for(user):
    """A municipality contact sees the payments booked on its receivables (including those of
    predecessors' invoices it holds now); the office and finance all."""
    qs = Betaling.objects.select_related(
        "factuur", "gemeente", "bankafschrift", "origineel"
    ).order_by("-boekdatum", "-id")
    if not _signed_in(user):
        return qs.none()
    if is_office(user):
        return qs
    if user.rol == Rol.GEMEENTE and user.gemeente_id:
        return qs.filter(
            Q(gemeente_id=user.gemeente_id) | Q(factuur__gemeente_id=user.gemeente_id)
        ).exclude(status__in=[Betaling.Status.ONGEMATCHT])
    return qs.none()


def afdrachten_for(user):
    """A provider sees its own afdrachten; the office and finance all."""
    qs = Afdracht.objects.select_related(
        "periode", "dienst__arrangement", "aanbieder", "origineel"
    ).order_by("periode__start", "dienst__arrangement_id", "dienst__volgorde", "id")
    if not _signed_in(user):
        return qs.none()
    if is_office(user):
        return qs
    if user.rol == Rol.AANBIEDER and user.organisatie_id:
        return qs.filter(aanbieder_id=user.organisatie_id)
    return qs.none()


def unmatched():
    return (
        Betaling.objects.filter(
            status__in=[Betaling.Status.ONGEMATCHT, Betaling.Status.TERUGBETALEN]
        )
        .select_related("factuur", "gemeente", "bankafschrift")
        .order_by("status", "boekdatum", "id")
    )


def _sum_of(entries):
    return Coalesce(
        Subquery(
            entries.order_by()
            .annotate(k=Value(1))
            .values("k")
            .annotate(s=Sum("bedrag"))
            .values("s")[:1],
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _open_subquery():
    """The open amount of an invoice's account (the invoice and its corrections): two
    subqueries that each use an index (ledger entries by invoice; corrections by the invoice
    they point to), not one with an OR that makes the database scan the ledger per invoice."""
    own = _sum_of(Vordering.objects.filter(factuur_id=OuterRef("pk")))
    corrections = _sum_of(Vordering.objects.filter(factuur__verwijst_naar_id=OuterRef("pk")))
    return ExpressionWrapper(
        own + corrections, output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def _accounts_with_an_open_amount() -> list[int]:
    """The invoices whose account (the invoice and its corrections) has an open amount of more
    than half a cent: one grouped aggregate over the ledger, not a subquery per invoice."""
    totals = (
        Vordering.objects.annotate(account=Coalesce("factuur__verwijst_naar_id", "factuur_id"))
        .values("account")
        .annotate(s=Sum("bedrag"))
        .values_list("account", "s")
    )
    return [account for account, total in totals if total is not None and total > HALF_CENT]


HALF_CENT = Decimal("0.005")


def overdue(peildatum: dt.date | None = None):
    """Yearly and supplementary invoices past their due date with an open amount, annotated with
    ``open`` (more than half a cent: robust against SQLite summing as floating point), the number
    of reminders and the date of the last one."""
    peildatum = peildatum or clock.today()
    return (
        Factuur.objects.filter(
            status=Factuur.Status.UITGEGEVEN,
            soort__in=[Factuur.Soort.FACTUUR, Factuur.Soort.AANVULLEND],
            verwijst_naar__isnull=True,
            vervaldatum__lt=peildatum,
            pk__in=_accounts_with_an_open_amount(),
        )
        .annotate(open=_open_subquery())
        .annotate(
            herinneringen_n=Coalesce(
                Subquery(
                    Herinnering.objects.filter(factuur=OuterRef("pk"))
                    .order_by()
                    .values("factuur")
                    .annotate(n=Sum(Value(1)))
                    .values("n")[:1]
                ),
                Value(0),
            ),
            laatste_herinnering=Subquery(
                Herinnering.objects.filter(factuur=OuterRef("pk"))
                .order_by("-datum")
                .values("datum")[:1]
            ),
        )
        .select_related("gemeente", "arrangement__administratiekantoor")
        .order_by("vervaldatum", "nummerjaar", "volgnummer")
    )


# ---------------------------------------------------------------- reconciliation


@dataclass
class Aansluitregel:
    dienst_id: int
    dienst: str
    arrangement: str
    aanbieder: str
    geind: Decimal = ZERO  # all payment lines (payments - reversals - refunds)
    afgedragen: Decimal = ZERO  # all afdrachten
    vastgehouden: Decimal = ZERO  # payment lines not passed on yet
    afgedragen_regels: Decimal = ZERO  # payment lines that were passed on

    @property
    def verschil(self) -> Decimal:
        return self.geind - self.afgedragen - self.vastgehouden

    @property
    def klopt(self) -> bool:
        return self.verschil == 0 and self.afgedragen == self.afgedragen_regels


@dataclass
class Aansluiting:
    regels: list[Aansluitregel] = field(default_factory=list)
    ontvangen: Decimal = ZERO  # every payment, reversal and refund
    niet_toegewezen: Decimal = ZERO  # payments on no invoice line (unmatched, to be paid back)
    vordering_betaald: Decimal = ZERO  # the receivables ledger's payment entries (negated)
    afwijkingen: list[str] = field(default_factory=list)

    @property
    def geind(self) -> Decimal:
        return sum((r.geind for r in self.regels), ZERO)

    @property
    def afgedragen(self) -> Decimal:
        return sum((r.afgedragen for r in self.regels), ZERO)

    @property
    def vastgehouden(self) -> Decimal:
        return sum((r.vastgehouden for r in self.regels), ZERO)

    @property
    def klopt(self) -> bool:
        return not self.afwijkingen


def passed_on_lines() -> set[int]:
    """The payment lines passed on now: their latest link is to an afdracht that is not a
    reversal (one pass over the links, in order)."""
    latest: dict[int, int | None] = {}
    for regel_id, origineel_id in (
        Afdrachtkoppeling.objects.order_by("id")
        .values_list("betalingsregel_id", "afdracht__origineel_id")
        .iterator(chunk_size=5000)
    ):
        latest[regel_id] = origineel_id
    return {regel_id for regel_id, origineel_id in latest.items() if origineel_id is None}


def reconcile(aanbieder_id: int | None = None) -> Aansluiting:
    """Collected = distributed + held, per service and provider, to the cent; and every payment
    is either on invoice lines or held unassigned; and the payment lines equal what the
    receivables ledger booked as paid."""
    diensten = Dienst.objects.select_related("aanbieder", "arrangement").order_by(
        "arrangement_id", "volgorde", "id"
    )
    if aanbieder_id is not None:
        diensten = diensten.filter(aanbieder_id=aanbieder_id)
    rows = {
        d.pk: Aansluitregel(d.pk, d.naam, d.arrangement.naam, d.aanbieder.naam) for d in diensten
    }
    passed = passed_on_lines()
    for pk, dienst_id, bedrag in Betalingsregel.objects.filter(dienst_id__in=rows).values_list(
        "pk", "dienst_id", "bedrag"
    ):
        row = rows[dienst_id]
        row.geind += bedrag
        if pk in passed:
            row.afgedragen_regels += bedrag
        else:
            row.vastgehouden += bedrag
    for dienst_id, bedrag in Afdracht.objects.filter(dienst_id__in=rows).values_list(
        "dienst_id", "bedrag"
    ):
        rows[dienst_id].afgedragen += bedrag
    result = Aansluiting(
        regels=[r for r in rows.values() if r.geind or r.afgedragen or r.vastgehouden]
    )
    for r in result.regels:
        if r.verschil:
            result.afwijkingen.append(f"{r.dienst}: verschil {format_euro(r.verschil)}")
        if r.afgedragen != r.afgedragen_regels:
            result.afwijkingen.append(
                f"{r.dienst}: afgedragen {format_euro(r.afgedragen)}, regels "
                f"{format_euro(r.afgedragen_regels)}"
            )
    if aanbieder_id is None:
        with_lines = set(Betalingsregel.objects.values_list("betaling_id", flat=True).distinct())
        per_payment: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for betaling_id, bedrag in Betalingsregel.objects.values_list("betaling_id", "bedrag"):
            per_payment[betaling_id] += bedrag
        for pk, bedrag, bankreferentie in Betaling.objects.values_list(
            "pk", "bedrag", "bankreferentie"
        ):
            result.ontvangen += bedrag
            if pk not in with_lines:
                result.niet_toegewezen += bedrag
            elif per_payment[pk] != bedrag:
                result.afwijkingen.append(
                    f"betaling {bankreferentie}: regels {format_euro(per_payment[pk])}, bedrag "
                    f"{format_euro(bedrag)}"
                )
        if result.ontvangen != result.geind + result.niet_toegewezen:
            result.afwijkingen.append(
                f"ontvangen {format_euro(result.ontvangen)} is niet geïnd "
                f"{format_euro(result.geind)} + niet toegewezen "
                f"{format_euro(result.niet_toegewezen)}"
            )
        for bedrag in Vordering.objects.filter(
            soort__in=[Vordering.Soort.BETALING, Vordering.Soort.TERUGBOEKING]
        ).values_list("bedrag", flat=True):
            result.vordering_betaald -= bedrag
        if result.vordering_betaald != result.geind:
            result.afwijkingen.append(
                f"de vorderingen zijn met {format_euro(result.vordering_betaald)} verminderd, "
                f"geïnd is {format_euro(result.geind)}"
            )
    return result


def statements(user, periode: Afdrachtperiode | None = None):
    """Afdrachten per period for a user (a provider its own), grouped for the page."""
    qs = afdrachten_for(user)
    if periode is not None:
        qs = qs.filter(periode=periode)
    grouped: dict[int, dict] = {}
    for a in qs:
        g = grouped.setdefault(
            a.periode_id, {"periode": a.periode, "afdrachten": [], "totaal": ZERO}
        )
        g["afdrachten"].append(a)
        g["totaal"] += a.bedrag
        g["te_betalen"] = g.get("te_betalen", ZERO) + a.te_betalen
    return list(grouped.values())


def statement_detail(afdracht: Afdracht) -> list[dict]:
    """What an afdracht consists of: per invoice, the payment lines passed on."""
    rows = (
        Betalingsregel.objects.filter(koppelingen__afdracht=afdracht)
        .values(
            "betaling__soort",
            "betaling__factuur__nummerjaar",
            "betaling__factuur__volgnummer",
            "betaling__gemeente__naam",
            "boekdatum",
            "bedrag",
        )
        .order_by("boekdatum", "id")
    )
    return list(rows)


# ---------------------------------------------------------------- helpers of the services (reads)


def plus_days(value: dt.date, days: int) -> dt.date:
    """``value`` + ``days``, capped at the last date Python knows (whatever is stored, a page
    never fails on an OverflowError)."""
    try:
        return value + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def office_accounts() -> set[str]:
    """The accounts of the administration offices (their ``Afzendergegevens``): the one source
    for the IBAN on invoices, letters and the statements that are read."""
    return {
        iban.replace(" ", "").upper()
        for iban in Afzendergegevens.objects.values_list("iban", flat=True)
        if iban
    }


def office_details(kantoor_id: int | None) -> Afzendergegevens | None:
    if kantoor_id is None:
        return None
    return Afzendergegevens.objects.filter(organisatie_id=kantoor_id).first()


def current_holders(roots: list[Factuur]) -> dict[int, list[str]]:
    """Per account (root invoice id): the names of the municipalities that hold an open amount
    now, largest first (three queries for all, on indexed columns with lists of ids)."""
    from samen.gemeenten.models import Gemeente

    ids = [f.pk for f in roots]
    totals: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    family = dict(
        Factuur.objects.filter(verwijst_naar_id__in=ids).values_list("pk", "verwijst_naar_id")
    )
    family.update({pk: pk for pk in ids})
    for factuur_id, gemeente_id, bedrag in (
        Vordering.objects.filter(factuur_id__in=list(family))
        .order_by()
        .values_list("factuur_id", "gemeente_id", "bedrag")
    ):
        totals[family[factuur_id]][gemeente_id] += bedrag
    names = dict(
        Gemeente.objects.filter(pk__in={g for per in totals.values() for g in per}).values_list(
            "pk", "naam"
        )
    )
    result = {}
    for root_id, per in totals.items():
        positive = sorted(((v, g) for g, v in per.items() if v > 0), key=lambda x: (-x[0], x[1]))
        result[root_id] = [names[g] for _v, g in positive]
    return result


@dataclass
class Plandienst:
    dienst_id: int
    dienst: str
    aanbieder_id: int
    aanbieder: str
    bedrag: Decimal = ZERO
    aantal: int = 0
    verrekend: Decimal = ZERO  # reversed afdrachten already paid out, settled here

    @property
    def te_betalen(self) -> Decimal:
        return self.bedrag + self.verrekend


@dataclass
class Afdrachtplan:
    """What a distribution run for a period would pass on (nothing is written)."""

    start: dt.date
    eind: dt.date
    bestaand: Afdrachtperiode | None = None  # the same period ran already: nothing to do
    diensten: list[Plandienst] = field(default_factory=list)
    creditnotas: int = 0  # credit notes to settle first (refunds may follow)

    @property
    def aantal(self) -> int:
        return sum(d.aantal for d in self.diensten)

    @property
    def totaal(self) -> Decimal:
        return sum((d.bedrag for d in self.diensten), ZERO)

    @property
    def per_aanbieder(self) -> list[dict]:
        grouped: dict[int, dict] = {}
        for d in self.diensten:
            g = grouped.setdefault(
                d.aanbieder_id,
                {"aanbieder": d.aanbieder, "bedrag": ZERO, "verrekend": ZERO, "aantal": 0},
            )
            g["bedrag"] += d.bedrag
            g["verrekend"] += d.verrekend
            g["aantal"] += d.aantal
        for g in grouped.values():
            g["te_betalen"] = g["bedrag"] + g["verrekend"]
        return sorted(grouped.values(), key=lambda g: g["aanbieder"])


def active_periods():
    """Distribution periods that count: not a reversal and not reversed."""
    return Afdrachtperiode.objects.filter(
        terugdraaiing_van__isnull=True, terugdraaiingen__isnull=True
    )


def held_lines():
    """Payment lines not passed on: no link to an afdracht, or their latest link is to a
    reversal's afdracht."""
    latest = Afdrachtkoppeling.objects.filter(betalingsregel=OuterRef("pk")).order_by("-id")
    return Betalingsregel.objects.annotate(
        laatste_afdracht=Subquery(latest.values("afdracht_id")[:1]),
        laatste_origineel=Subquery(latest.values("afdracht__origineel_id")[:1]),
    ).filter(Q(laatste_afdracht__isnull=True) | Q(laatste_origineel__isnull=False))


def unsettled() -> dict[int, Decimal]:
    """Per service: reversed afdrachten (negative: assumed paid out) not yet settled in a later
    afdracht."""
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for dienst_id, bedrag, verrekend, origineel_id in Afdracht.objects.values_list(
        "dienst_id", "bedrag", "verrekend", "origineel_id"
    ):
        if origineel_id is not None:
            result[dienst_id] += bedrag
        else:
            result[dienst_id] -= verrekend
    return {d: v for d, v in result.items() if v}


def plan_distribution(start: dt.date | None, eind: dt.date | None) -> Afdrachtplan:
    """Check a period and show what its run would pass on; raises DomainError when the period
    cannot run. A period ends before today (what was collected in it is known), starts after
    the last period that counts, and lies within the platform's years."""
    problems: list[Problem] = []
    if start is None:
        problems.append(Problem("start", "verplicht: een datum (JJJJ-MM-DD of DD-MM-JJJJ)"))
    if eind is None:
        problems.append(Problem("eind", "verplicht: een datum (JJJJ-MM-DD of DD-MM-JJJJ)"))
    check_date(start, field="start", label="Het begin van de periode", problems=problems)
    today = clock.today()
    if eind is not None and eind >= today:
        problems.append(
            Problem(
                "eind",
                f"een periode eindigt vóór vandaag ({nl_date(today)}): wat er in een periode "
                f"is geïnd, is pas daarna bekend (niet {nl_date(eind)})",
                "range",
            )
        )
    else:
        check_date(eind, field="eind", label="Het einde van de periode", problems=problems)
    if start is not None and eind is not None and eind < start:
        problems.append(Problem("eind", "ligt voor het begin"))
    if problems:
        raise DomainError("De afdracht is niet uitgevoerd.", problems)
    plan = Afdrachtplan(start, eind)
    plan.bestaand = active_periods().filter(start=start, eind=eind).first()
    if plan.bestaand is not None:
        return plan
    last = active_periods().order_by("-eind").first()
    if last is not None and start <= last.eind:
        raise Conflict(
            "De afdracht is niet uitgevoerd.",
            [
                Problem(
                    "start",
                    f"perioden lopen op volgorde zonder overlap; de laatste liep tot en met "
                    f"{nl_date(last.eind)}",
                    "conflict",
                )
            ],
        )
    from samen.abonnementen.models import Dienst

    rows: dict[int, Plandienst] = {}
    lines = held_lines().filter(boekdatum__lte=eind).order_by()
    for dienst_id, bedrag in lines.values_list("dienst_id", "bedrag"):
        row = rows.setdefault(dienst_id, Plandienst(dienst_id, "", 0, ""))
        row.bedrag += bedrag
        row.aantal += 1
    for dienst_id, amount in unsettled().items():
        rows.setdefault(dienst_id, Plandienst(dienst_id, "", 0, "")).verrekend = amount
    for d in Dienst.objects.filter(pk__in=rows).select_related("aanbieder"):
        row = rows[d.pk]
        row.dienst, row.aanbieder_id, row.aanbieder = d.naam, d.aanbieder_id, d.aanbieder.naam
    plan.diensten = [rows[k] for k in sorted(rows)]
    plan.creditnotas = (
        Factuur.objects.filter(
            soort=Factuur.Soort.CREDITNOTA,
            status=Factuur.Status.UITGEGEVEN,
            factuurdatum__lte=eind,
        )
        .exclude(pk__in=Creditverrekening.objects.values("creditnota_id"))
        .count()
    )
    return plan


# ---------------------------------------------------------------- the invoice's account (reads)


def root_of(factuur: Factuur) -> Factuur:
    return factuur.verwijst_naar if factuur.verwijst_naar_id else factuur


def family_ids(root: Factuur) -> list[int]:
    return [root.pk, *Factuur.objects.filter(verwijst_naar=root).values_list("pk", flat=True)]


def ledger_rows(ids: list[int]) -> list[tuple]:
    """The account's ledger entries: (municipality, amount, date, kind, herindeling). (A list
    of ids, not a subquery: with an OR inside, a subquery was planned as a nested scan per
    ledger row on a database without statistics.)"""
    return list(
        Vordering.objects.filter(factuur_id__in=ids)
        .order_by()  # no sort, so no join to the invoices
        .values_list("gemeente_id", "bedrag", "datum", "soort", "herindeling_id")
    )


def holders(rows: list[tuple], as_of: dt.date | None = None) -> dict[int, Decimal]:
    """The open amount per municipality (summed exactly), on ``as_of`` or now."""
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for gemeente_id, bedrag, datum, _soort, _h in rows:
        if as_of is None or datum <= as_of:
            result[gemeente_id] += bedrag
    return dict(result)


def open_per_holder(
    root: Factuur, ids: list[int] | None = None, as_of: dt.date | None = None
) -> dict[int, Decimal]:
    """The open amount of the account per municipality, now or on ``as_of``."""
    return holders(ledger_rows(family_ids(root) if ids is None else ids), as_of)


def transfers(rows: list[tuple]) -> list[dict]:
    """The herindelingen that moved this account: date, from (amounts) and to (amounts)."""
    found: dict[int, dict] = {}
    for gemeente_id, bedrag, datum, soort, herindeling_id in rows:
        if soort != Vordering.Soort.OVERDRACHT or herindeling_id is None:
            continue
        t = found.setdefault(
            herindeling_id, {"datum": datum, "van": defaultdict(lambda: ZERO), "naar": {}}
        )
        if bedrag < 0:
            t["van"][gemeente_id] += -bedrag
        else:
            t["naar"][gemeente_id] = t["naar"].get(gemeente_id, ZERO) + bedrag
    return sorted(found.values(), key=lambda t: t["datum"])


def follow(
    rows: list[tuple], amounts: dict[int, Decimal], since: dt.date, until: dt.date | None = None
) -> tuple[dict[int, Decimal], list[tuple]]:
    """Where ledger amounts held by municipalities on ``since`` went through the herindelingen
    booked after it (up to ``until``): (the holders at the end, the moves as (date, from, to,
    amount)). A herindeling moves a predecessor's amount to its successors pro rata to what each
    received."""
    moved = transfers(rows)
    final: dict[int, Decimal] = defaultdict(lambda: ZERO)
    moves: list[tuple] = []
    pending = [(g, amount, since, 0) for g, amount in sorted(amounts.items()) if amount]
    while pending:
        g, amount, after, depth = pending.pop(0)
        step = next(
            (
                t
                for t in moved
                if t["datum"] > after
                and (until is None or t["datum"] <= until)
                and t["van"].get(g)
                and g not in t["naar"]
                and any(v > 0 for v in t["naar"].values())
            ),
            None,
        )
        if step is None or depth > 20:
            final[g] += amount
            continue
        naar = {k: v for k, v in step["naar"].items() if v > 0}
        parts = allocate(amount, naar) if len(naar) > 1 else {next(iter(naar)): amount}
        for to, part in sorted(parts.items()):
            if part:
                moves.append((step["datum"], g, to, part))
                pending.append((to, part, step["datum"], depth + 1))
    return dict(final), moves


def open_amount(root: Factuur) -> Decimal:
    return sum(open_per_holder(root).values(), ZERO)


@dataclass
class Regelstand:
    factuurregel_id: int
    dienst_id: int
    gefactureerd: Decimal
    betaald: Decimal

    @property
    def open(self) -> Decimal:
        return self.gefactureerd - self.betaald


def line_state(root: Factuur, ids: list[int] | None = None) -> dict[int, Regelstand]:
    """Per service (dienst id): invoiced over the account, paid on the root's line. Two queries,
    each on an indexed column with a list of ids (no join for the planner to get wrong on tables
    without statistics)."""
    family = (
        Factuurregel.objects.filter(factuur_id__in=family_ids(root) if ids is None else ids)
        .order_by()
        .values_list("pk", "factuur_id", "dienst_id", "bedrag")
    )
    rows = list(family)
    lines = {
        dienst_id: Regelstand(pk, dienst_id, ZERO, ZERO)
        for pk, factuur_id, dienst_id, _bedrag in rows
        if factuur_id == root.pk
    }
    for _pk, _factuur_id, dienst_id, bedrag in rows:
        if dienst_id in lines:
            lines[dienst_id].gefactureerd += bedrag
    paid = Betalingsregel.objects.filter(
        factuurregel_id__in=[s.factuurregel_id for s in lines.values()]
    ).order_by()
    for dienst_id, bedrag in paid.values_list("dienst_id", "bedrag"):
        lines[dienst_id].betaald += bedrag
    return lines


def reminder_text(
    factuur: Factuur,
    open_: Decimal,
    volgnummer: int,
    kanaal: str,
    houders: list[str] | None = None,
    afzender: Afzendergegevens | None = None,
) -> str:
    """The reminder for ``factuur`` (the account's root): addressed to whoever holds the
    receivable now (``houders``: their names; after a herindeling the successor), naming the
    invoice and, when it was the predecessor's, whose it was; with the office's name, IBAN and
    the payment reference (``afzender``: the office's ``Afzendergegevens``)."""
    soort = (
        "tweede herinnering"
        if volgnummer == 2
        else ("herinnering" if volgnummer == 1 else f"{volgnummer}e herinnering")
    )
    houders = houders or [factuur.gemeente.naam]
    aanhef = f"Onderwerp: {soort} factuur {factuur.nummer}\n\n" if kanaal == "email" else ""
    van = ""
    if houders != [factuur.gemeente.naam]:
        van = (
            f" Deze factuur is gericht aan de gemeente {factuur.gemeente.naam}; bij de "
            f"herindeling is de vordering overgegaan naar {' en '.join(houders)}."
        )
    naam = afzender.juridische_naam if afzender else factuur.arrangement.administratiekantoor.naam
    rekening = (
        f"naar rekening {afzender.iban} ten name van {afzender.juridische_naam}"
        if afzender
        else "(rekeningnummer ontbreekt: vul de afzendergegevens van het administratiekantoor in)"
    )
    return (
        f"{aanhef}Aan het college van burgemeester en wethouders van {' en '.join(houders)},\n\n"
        f"Volgens onze administratie staat van factuur {factuur.nummer} van "
        f"{factuur.factuurdatum:%d-%m-%Y} ({factuur.arrangement.naam}, {factuur.jaar}) nog "
        f"{format_euro(open_)} open. De vervaldatum was {factuur.vervaldatum:%d-%m-%Y}.{van}\n\n"
        f"Wij verzoeken u het openstaande bedrag binnen 14 dagen over te maken {rekening}, onder "
        f"vermelding van betalingskenmerk {factuur.betalingskenmerk}. Heeft u inmiddels betaald, "
        f"dan kunt u deze {soort} als niet verzonden beschouwen.\n\n"
        f"Met vriendelijke groet,\n{naam}\n"
    )


def last_period_end() -> dt.date | None:
    last = active_periods().order_by("-eind").first()
    return last.eind if last else None
