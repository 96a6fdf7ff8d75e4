"""Use cases of collection and distribution. Each is one transaction: an import that fails
anywhere stores nothing; a distribution run is all or nothing.

Matching. A payment is matched on the payment reference in its description and on its amount,
against the invoice's *account*: the yearly (or supplementary) invoice together with the
credit notes and supplementary invoices that point to it. Its open amount is the sum of the
receivables ledger over that account (whoever holds it: after a herindeling the successor).
- amount = open amount: matched; amount < open amount: a partial payment, matched;
- amount > open amount, open amount zero (already paid), no or an unknown reference, the
  reference of a credit note: not matched, it waits in the list of unmatched items for a person
  who matches it by hand (up to the open amount) or marks it to be paid back.
A matched payment is divided over the invoice's lines by the total-preserving allocation with
the open amount per line as weights (``Betalingsregel``), and the ledger gets an entry of soort
*betaling* (negative) for the municipality that holds the receivable.

Credit notes. A credit note settles against the same invoice's open amount (its ledger entry
lowers the account's open amount, so a later payment is matched against the lower amount and
divided over the lowered lines). When the invoice was paid already, so that the account's open
amount turns negative, the office refunds the difference: the distribution run settles such
credit notes first with a refund (a ``Betaling`` of soort *terugbetaling*, negative, divided
over the lines that were paid more than is now invoiced) and a ledger entry of soort
*terugboeking*; the negative payment lines are passed on in the next period, so that a
provider's afdracht of that period is lower or negative.

Reversals. A bank reversal of a matched payment undoes its allocation with new lines and ledger
entries (soort *terugboeking*) that point to the original; of an unmatched payment it closes the
item; of a payment that is not known it is an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur, Vordering
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.dates import When, check_date, nl_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import ZERO, MoneyError, allocate, format_euro, parse_amount
from samen.inning import afschriften, queries
from samen.inning.models import (
    Afdracht,
    Afdrachtkoppeling,
    Afdrachtperiode,
    Bankafschrift,
    Betaling,
    Betalingsregel,
    Creditverrekening,
    Herinnering,
)

HERINNERING_NA_DAGEN = 14


def _book_ledger(
    root: Factuur, rows: list[tuple], amounts: dict[int, Decimal], datum: dt.date, soort: str
) -> None:
    """Book ``amounts`` (signed) on ``datum`` for the municipalities that held the receivable on
    that date, and when it was moved on by a herindeling after that date (booked before this
    entry arrived), a correcting transfer pair per move, on the herindeling's date: so that the
    predecessor's and the successor's balances are both right."""
    _final, moves = queries.follow(rows, amounts, datum)
    entries = [
        Vordering(factuur=root, gemeente_id=g, bedrag=part, soort=soort, datum=datum)
        for g, part in sorted(amounts.items())
        if part
    ]
    for when, van, naar, part in moves:
        entries.append(
            Vordering(
                factuur=root,
                gemeente_id=van,
                bedrag=-part,
                soort=Vordering.Soort.OVERDRACHT,
                datum=when,
            )
        )
        entries.append(
            Vordering(
                factuur=root,
                gemeente_id=naar,
                bedrag=part,
                soort=Vordering.Soort.OVERDRACHT,
                datum=when,
            )
        )
    Vordering.objects.bulk_create(entries)


def _book(
    betaling: Betaling,
    root: Factuur,
    user=None,
    rows: list[tuple] | None = None,
    ids: list[int] | None = None,
) -> None:
    """Allocate a (positive) payment over the open lines and book it in the ledger for whoever
    held the receivable on the payment's date (``rows``, ``ids``: the account's ledger and
    family when the caller has just read them)."""
    if ids is None:
        ids = queries.family_ids(root)
    lines = queries.line_state(root, ids)
    weights = {d: max(s.open, ZERO) for d, s in lines.items()}
    if not any(weights.values()):
        weights = {d: s.gefactureerd for d, s in lines.items() if s.gefactureerd > 0}
    parts = allocate(betaling.bedrag, weights)
    Betalingsregel.objects.bulk_create(
        Betalingsregel(
            betaling=betaling,
            factuurregel_id=lines[d].factuurregel_id,
            dienst_id=d,
            bedrag=part,
            boekdatum=betaling.boekdatum,
        )
        for d, part in sorted(parts.items())
        if part
    )
    if rows is None:
        rows = queries.ledger_rows(ids)
    then = {g: v for g, v in queries.holders(rows, betaling.boekdatum).items() if v > 0}
    if not then:  # paid before the invoice was booked: whoever holds it now
        then = {g: v for g, v in queries.holders(rows).items() if v > 0}
    split = (
        allocate(betaling.bedrag, then) if len(then) > 1 else {next(iter(then)): betaling.bedrag}
    )
    _book_ledger(
        root,
        rows,
        {g: -part for g, part in split.items() if part},
        betaling.boekdatum,
        Vordering.Soort.BETALING,
    )
    betaling.status = Betaling.Status.GEKOPPELD
    betaling.factuur = root
    betaling.gemeente_id = max(then, key=lambda g: (then[g], -g))
    betaling.reden = ""
    betaling.verdeling = {str(g): str(part) for g, part in sorted(split.items()) if part}
    betaling.save(update_fields=["status", "factuur", "gemeente", "reden", "verdeling"])


def _match(betaling: Betaling) -> str:
    """Try to match a new payment; returns the reason it stays unmatched ('' when matched)."""
    refs = sorted({k for k in afschriften.kenmerken(betaling.kenmerk) if kenmerk_mod.is_valid(k)})
    if not refs:
        return "geen geldig betalingskenmerk in de omschrijving"
    if len(refs) > 1:
        return "meer dan één betalingskenmerk: " + ", ".join(refs)
    jaar, nummer = kenmerk_mod.parse(refs[0])
    factuur = (
        Factuur.objects.select_related("verwijst_naar")
        .filter(nummerjaar=jaar, volgnummer=nummer, status=Factuur.Status.UITGEGEVEN)
        .first()
    )
    if factuur is None:
        return f"onbekend betalingskenmerk {refs[0]}"
    betaling.factuur = factuur
    if factuur.soort == Factuur.Soort.CREDITNOTA:
        return f"kenmerk van creditnota {factuur.nummer}"
    root = queries.root_of(factuur)
    # one matcher per invoice
    list(Factuur.objects.select_for_update().filter(pk=root.pk).order_by().values_list("pk"))
    ids = queries.family_ids(root)
    rows = queries.ledger_rows(ids)
    open_ = sum(queries.holders(rows).values(), ZERO)
    if open_ <= 0:
        return f"factuur {root.nummer} is al betaald"
    if betaling.bedrag > open_:
        return f"meer dan het openstaande bedrag {format_euro(open_)} van factuur {root.nummer}"
    _book(betaling, root, rows=rows, ids=ids)
    return ""


def _new_payment(**kwargs) -> tuple[Betaling, str]:
    betaling = Betaling(status=Betaling.Status.ONGEMATCHT, **kwargs)
    betaling.save()
    reden = _match(betaling)
    if reden:
        betaling.status = Betaling.Status.ONGEMATCHT
        betaling.reden = reden[:300]
        betaling.save(update_fields=["status", "reden", "factuur"])
    return betaling, reden


def _reverse(original: Betaling, **kwargs) -> Betaling:
    """Book a bank reversal of ``original``."""
    reversal = Betaling.objects.create(
        soort=Betaling.Soort.TERUGBOEKING,
        status=Betaling.Status.VERWERKT,
        origineel=original,
        factuur=original.factuur,
        gemeente=original.gemeente,
        bedrag=-original.bedrag,
        **kwargs,
    )
    if original.status == Betaling.Status.GEKOPPELD:
        Betalingsregel.objects.bulk_create(
            Betalingsregel(
                betaling=reversal,
                factuurregel_id=r.factuurregel_id,
                dienst_id=r.dienst_id,
                bedrag=-r.bedrag,
                boekdatum=reversal.boekdatum,
            )
            for r in original.regels.all()
        )
        # back to whoever holds the receivable on the reversal's date (the booking followed
        # through the herindelingen since the payment), moved on by later ones
        root = original.factuur
        rows = queries.ledger_rows(queries.family_ids(root))
        booked = {int(g): Decimal(bedrag) for g, bedrag in original.verdeling.items()}
        there, _moves = queries.follow(rows, booked, original.boekdatum, until=reversal.boekdatum)
        _book_ledger(
            root,
            rows,
            {g: amount for g, amount in there.items() if amount},
            reversal.boekdatum,
            Vordering.Soort.TERUGBOEKING,
        )
    original.status = Betaling.Status.TERUGGEBOEKT
    original.save(update_fields=["status"])
    return reversal


# ---------------------------------------------------------------- bank statements


def _check_statement(afschrift: afschriften.Afschrift, filename: str) -> None:
    """A statement is of the office's account (when the office's details are known), and every
    date in it lies in the past within the platform's years; problems name file, entry and
    field."""
    problems: list[Problem] = []
    accounts = queries.office_accounts()
    if accounts and afschrift.rekening and afschrift.rekening not in accounts:
        problems.append(
            Problem(
                "rekening",
                f"het afschrift is van rekening {afschrift.rekening}, niet van de rekening van "
                f"het administratiekantoor ({', '.join(sorted(accounts))})",
                "conflict",
                file=filename,
            )
        )
    found: list[Problem] = []
    check_date(
        afschrift.datum,
        field="datum",
        label="De datum van het afschrift",
        when=When.PAST,
        problems=found,
    )
    for p in found:
        problems.append(Problem(p.name, p.reason, "range", file=filename))
    for t in afschrift.transacties:
        found = []
        check_date(
            t.boekdatum, field="boekdatum", label="De boekdatum", when=When.PAST, problems=found
        )
        for p in found:
            problems.append(
                Problem(
                    "BookgDt" if afschrift.formaat == "camt053" else "boekdatum",
                    f"{t.positie}: {p.reason}",
                    "range",
                    file=filename,
                )
            )
    if problems:
        raise DomainError("Het bankafschrift is niet ingelezen; er is niets opgeslagen.", problems)


@dataclass
class Resultaat:
    bankafschrift: Bankafschrift
    al_ingelezen: bool = False
    gekoppeld: int = 0
    ongematcht: int = 0
    teruggeboekt: int = 0
    overgeslagen: int = 0
    meldingen: list[str] = field(default_factory=list)

    @property
    def bericht(self) -> str:
        if self.al_ingelezen:
            return f"{self.bankafschrift}: al ingelezen; er is niets veranderd."
        return (
            f"{self.bankafschrift}: {self.gekoppeld} gekoppeld, {self.ongematcht} niet gekoppeld, "
            f"{self.teruggeboekt} teruggeboekt, {self.overgeslagen} overgeslagen."
        )


@transaction.atomic
def import_statement(data: bytes, filename: str, user=None, voorbeeld: bool = False) -> Resultaat:
    """Read a CAMT.053 or CSV bank statement and match its payments; all or nothing."""
    sha = hashlib.sha256(data).hexdigest()
    same_file = Bankafschrift.objects.filter(sha256=sha).first()
    if same_file is not None:
        return Resultaat(same_file, al_ingelezen=True)
    afschrift = afschriften.parse(data, filename)
    _check_statement(afschrift, filename)
    existing = Bankafschrift.objects.filter(
        identificatie=afschrift.identificatie, rekening=afschrift.rekening
    ).first()
    if existing is not None:
        raise Conflict(
            f"Afschrift {afschrift.identificatie} van {afschrift.rekening} is al ingelezen "
            f"(uit {existing.bestandsnaam}) en dit bestand is anders; er is niets veranderd.",
            [
                Problem(
                    "bestand", "afschrift al ingelezen met andere inhoud", "conflict", file=filename
                )
            ],
        )
    stmt = Bankafschrift.objects.create(
        identificatie=afschrift.identificatie,
        rekening=afschrift.rekening,
        formaat=afschrift.formaat,
        bestandsnaam=filename[:255],
        sha256=sha,
        datum=afschrift.datum,
        posten=len(afschrift.transacties),
        ingelezen_door=user if getattr(user, "is_authenticated", False) else None,
        voorbeeld=voorbeeld,
    )
    result = Resultaat(stmt, overgeslagen=afschrift.overgeslagen)
    problems: list[Problem] = []
    seen: set[str] = set()
    known = set(
        Betaling.objects.filter(
            bankreferentie__in=[t.bankreferentie for t in afschrift.transacties]
        ).values_list("bankreferentie", flat=True)
    )
    for t in afschrift.transacties:
        if t.bankreferentie in seen:
            problems.append(
                Problem(
                    "bankreferentie",
                    f"{t.positie}: {t.bankreferentie} komt twee keer voor",
                    "unique",
                    file=filename,
                )
            )
            continue
        seen.add(t.bankreferentie)
        if t.bankreferentie in known:
            result.overgeslagen += 1
            result.meldingen.append(f"{t.positie}: {t.bankreferentie} was al geboekt")
            continue
        common = {
            "bankafschrift": stmt,
            "positie": t.positie,
            "bankreferentie": t.bankreferentie,
            "eind_tot_eind": t.eind_tot_eind,
            "boekdatum": t.boekdatum,
            "kenmerk": t.omschrijving,
            "tegenrekening": t.tegenrekening,
            "naam": t.naam,
            "voorbeeld": voorbeeld,
            "geregistreerd_door": stmt.ingelezen_door,
        }
        if t.terugboeking:
            original = (
                Betaling.objects.filter(
                    soort=Betaling.Soort.BETALING, eind_tot_eind=t.eind_tot_eind
                )
                .exclude(eind_tot_eind="")
                .order_by("-boekdatum", "-id")
                .first()
            )
            if original is None:
                problems.append(
                    Problem(
                        "EndToEndId",
                        f"{t.positie}: terugboeking van een onbekende betaling ({t.eind_tot_eind})",
                        "unknown",
                        file=filename,
                    )
                )
                continue
            if original.status in {Betaling.Status.TERUGGEBOEKT}:
                problems.append(
                    Problem(
                        "EndToEndId",
                        f"{t.positie}: betaling {original.bankreferentie} is al teruggeboekt",
                        "conflict",
                        file=filename,
                    )
                )
                continue
            if original.bedrag != t.bedrag:
                problems.append(
                    Problem(
                        "Amt",
                        f"{t.positie}: terugboeking van {format_euro(t.bedrag)}, "
                        f"de betaling was {format_euro(original.bedrag)}",
                        file=filename,
                    )
                )
                continue
            _reverse(original, **common)
            result.teruggeboekt += 1
            continue
        betaling, reden = _new_payment(bedrag=t.bedrag, **common)
        if reden:
            result.ongematcht += 1
            result.meldingen.append(f"{t.positie}: niet gekoppeld: {reden}")
        else:
            result.gekoppeld += 1
    if problems:
        raise DomainError("Het bankafschrift is niet ingelezen; er is niets opgeslagen.", problems)
    Bankafschrift.objects.filter(pk=stmt.pk).update(
        gekoppeld=result.gekoppeld,
        ongematcht=result.ongematcht,
        teruggeboekt=result.teruggeboekt,
        overgeslagen=result.overgeslagen,
    )
    stmt.refresh_from_db()
    record(
        Actie.AANMAKEN,
        stmt,
        na={
            "bestand": filename,
            "sha256": sha,
            "gekoppeld": result.gekoppeld,
            "ongematcht": result.ongematcht,
            "teruggeboekt": result.teruggeboekt,
            "overgeslagen": result.overgeslagen,
        },
        user=user,
        toelichting="bankafschrift ingelezen",
    )
    return result


# ---------------------------------------------------------------- by hand


def _amount(value, problems: list[Problem], name: str = "bedrag") -> Decimal | None:
    """An amount a person typed (the Dutch way: "12,50", "1.250,00"; "1250.00" too), positive,
    in whole cents."""
    try:
        amount = parse_amount(value if isinstance(value, str) else str(value))
    except MoneyError as exc:
        problems.append(Problem(name, str(exc)))
        return None
    if amount <= 0:
        problems.append(Problem(name, "een positief bedrag"))
        return None
    return amount


def _request_hash(**values) -> str:
    text = json.dumps({k: str(v) for k, v in sorted(values.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _repeat(existing: Betaling, request_hash: str) -> Betaling:
    """The same registration again (its idempotency key): the first payment, unchanged; the same
    key for another payment is refused."""
    if existing.verzoek_sha256 != request_hash:
        raise Conflict(
            "De betaling is niet geregistreerd.",
            [
                Problem(
                    "idempotentiesleutel",
                    f"deze sleutel is al gebruikt voor een andere registratie (betaling "
                    f"{existing.bankreferentie} van {format_euro(existing.bedrag)} op "
                    f"{nl_date(existing.boekdatum)})",
                    "conflict",
                )
            ],
        )
    existing.nieuw = False
    return existing


@transaction.atomic
def register_payment(
    *,
    bedrag,
    boekdatum: dt.date,
    betalingskenmerk: str = "",
    factuur: Factuur | None = None,
    omschrijving: str = "",
    naam: str = "",
    tegenrekening: str = "",
    bankreferentie: str = "",
    idempotentiesleutel: str = "",
    user=None,
) -> Betaling:
    """A payment registered by hand by the administration office; matched like an imported one
    (on the reference of ``factuur`` when given). A registration carries an idempotency key
    (or its own bank reference): the same request again returns the first payment
    (``nieuw`` False) instead of booking it twice, under concurrency too (a unique constraint);
    the same key with another request is a conflict."""
    problems: list[Problem] = []
    amount = _amount(bedrag, problems)
    if factuur is not None:
        betalingskenmerk = factuur.betalingskenmerk
    ref = betalingskenmerk.replace(" ", "")
    if ref and not kenmerk_mod.is_valid(ref):
        problems.append(Problem("betalingskenmerk", f"geen geldig betalingskenmerk: {ref!r}"))
    if not ref and not omschrijving.strip():
        problems.append(Problem("betalingskenmerk", "geef een betalingskenmerk of omschrijving"))
    if boekdatum is None:
        problems.append(Problem("boekdatum", "verplicht"))
    check_date(
        boekdatum, field="boekdatum", label="De boekdatum", when=When.PAST, problems=problems
    )
    key = (idempotentiesleutel or "").strip()[:200]
    bankreferentie = bankreferentie.strip()[:120]
    if not key and not bankreferentie:
        problems.append(
            Problem(
                "idempotentiesleutel",
                "verplicht: een sleutel per registratie (Idempotency-Key) of een bankreferentie, "
                "zodat een herhaald verzoek één keer boekt",
            )
        )
    if problems:
        raise DomainError("De betaling is niet geregistreerd.", problems)
    request_hash = _request_hash(
        bedrag=amount,
        boekdatum=boekdatum,
        kenmerk=ref,
        omschrijving=omschrijving.strip(),
        naam=naam.strip(),
        tegenrekening=tegenrekening.replace(" ", ""),
        bankreferentie=bankreferentie,
    )
    if key:
        existing = Betaling.objects.filter(idempotentiesleutel=key).first()
        if existing is not None:
            return _repeat(existing, request_hash)
        bankreferentie = bankreferentie or "HAND-" + hashlib.sha256(key.encode()).hexdigest()[:24]
    if Betaling.objects.filter(bankreferentie=bankreferentie).exists():
        # the same key booked by a request that committed after the look-up above
        existing = Betaling.objects.filter(idempotentiesleutel=key).first() if key else None
        if existing is not None:
            return _repeat(existing, request_hash)
        raise Conflict(
            "De betaling is niet geregistreerd.",
            [Problem("bankreferentie", f"{bankreferentie} is al geboekt", "unique")],
        )
    try:
        with transaction.atomic():
            betaling, reden = _new_payment(
                bankreferentie=bankreferentie,
                boekdatum=boekdatum,
                bedrag=amount,
                kenmerk=" ".join(p for p in (ref, omschrijving.strip()) if p)[:500],
                naam=naam[:200],
                tegenrekening=tegenrekening.replace(" ", "")[:34],
                handmatig=True,
                idempotentiesleutel=key,
                verzoek_sha256=request_hash,
                geregistreerd_door=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # the same request at the same moment: the other one booked it
        existing = Betaling.objects.filter(idempotentiesleutel=key).first() if key else None
        if existing is None:
            raise Conflict(
                "De betaling is niet geregistreerd.",
                [Problem("bankreferentie", f"{bankreferentie} is al geboekt", "unique")],
            ) from None
        return _repeat(existing, request_hash)
    record(
        Actie.AANMAKEN,
        betaling,
        na={
            "bedrag": amount,
            "boekdatum": boekdatum,
            "kenmerk": ref,
            "status": betaling.status,
            "factuur": betaling.factuur.nummer if betaling.factuur_id else None,
        },
        user=user,
        toelichting="betaling met de hand geregistreerd" + (f"; {reden}" if reden else ""),
    )
    betaling.nieuw = True
    return betaling


@transaction.atomic
def match_by_hand(betaling: Betaling, factuur: Factuur, user=None) -> Betaling:
    betaling = Betaling.objects.select_for_update().get(pk=betaling.pk)
    problems = []
    if betaling.status != Betaling.Status.ONGEMATCHT or betaling.soort != Betaling.Soort.BETALING:
        problems.append(
            Problem("betaling", f"de post is {betaling.get_status_display()}", "conflict")
        )
    if not factuur.uitgegeven or factuur.soort == Factuur.Soort.CREDITNOTA:
        problems.append(Problem("factuur", "koppel aan een uitgegeven factuur, geen creditnota"))
    if problems:
        raise DomainError("De betaling is niet gekoppeld.", problems)
    root = queries.root_of(factuur)
    Factuur.objects.select_for_update().filter(pk=root.pk).first()
    open_ = queries.open_amount(root)
    if open_ <= 0:
        raise DomainError(
            "De betaling is niet gekoppeld.",
            [Problem("factuur", f"factuur {root.nummer} is al betaald", "conflict")],
        )
    if betaling.bedrag > open_:
        raise DomainError(
            "De betaling is niet gekoppeld.",
            [
                Problem(
                    "factuur",
                    f"de betaling ({format_euro(betaling.bedrag)}) is meer dan het openstaande "
                    f"bedrag {format_euro(open_)}; markeer haar als terug te betalen",
                    "conflict",
                )
            ],
        )
    voor = {"status": betaling.status, "reden": betaling.reden}
    _book(betaling, root)
    record(
        Actie.WIJZIGEN,
        betaling,
        voor=voor,
        na={"status": betaling.status, "factuur": root.nummer},
        user=user,
        toelichting="met de hand gekoppeld",
    )
    return betaling


@transaction.atomic
def mark_refund(betaling: Betaling, reden: str = "", user=None) -> Betaling:
    betaling = Betaling.objects.select_for_update().get(pk=betaling.pk)
    if betaling.status != Betaling.Status.ONGEMATCHT:
        raise DomainError(
            "De betaling is niet gemarkeerd.",
            [Problem("betaling", f"de post is {betaling.get_status_display()}", "conflict")],
        )
    voor = {"status": betaling.status, "reden": betaling.reden}
    betaling.status = Betaling.Status.TERUGBETALEN
    betaling.reden = (reden.strip() or betaling.reden)[:300]
    betaling.save(update_fields=["status", "reden"])
    record(
        Actie.WIJZIGEN,
        betaling,
        voor=voor,
        na={"status": betaling.status, "reden": betaling.reden},
        user=user,
        toelichting="gemarkeerd als terug te betalen",
    )
    return betaling


# ---------------------------------------------------------------- reminders


@transaction.atomic
def send_reminder(
    factuur: Factuur, kanaal: str, datum: dt.date | None = None, user=None
) -> Herinnering:
    datum = datum or clock.today()
    problems = []
    if kanaal not in Herinnering.Kanaal.values:
        problems.append(Problem("kanaal", f"kies uit {', '.join(Herinnering.Kanaal.values)}"))
    if (
        check_date(
            datum,
            field="datum",
            label="De datum van de herinnering",
            when=When.PAST,
            problems=problems,
        )
        is None
    ):
        raise DomainError("De herinnering is niet verstuurd.", problems)
    root = queries.root_of(factuur)
    Factuur.objects.select_for_update().filter(pk=root.pk).first()
    open_ = queries.open_amount(root)
    if root.vervaldatum is None or root.vervaldatum >= datum:
        problems.append(Problem("factuur", "de factuur is nog niet vervallen", "not-overdue"))
    elif open_ <= 0:
        problems.append(Problem("factuur", "de factuur is betaald", "paid"))
    afzender = queries.office_details(root.arrangement.administratiekantoor_id)
    if afzender is None:
        problems.append(
            Problem(
                "afzendergegevens",
                f"het administratiekantoor {root.arrangement.administratiekantoor.naam} heeft nog "
                "geen afzendergegevens (naam, IBAN): een herinnering gaat niet uit zonder het "
                "rekeningnummer",
                "conflict",
            )
        )
    last = Herinnering.objects.filter(factuur=root).order_by("-volgnummer").first()
    if last is not None and datum < queries.plus_days(last.datum, HERINNERING_NA_DAGEN):
        problems.append(
            Problem(
                "datum",
                f"een volgende herinnering pas {HERINNERING_NA_DAGEN} dagen na de vorige "
                f"({nl_date(last.datum)}), dus vanaf "
                f"{nl_date(queries.plus_days(last.datum, HERINNERING_NA_DAGEN))}",
                "too-soon",
            )
        )
    if problems:
        raise DomainError("De herinnering is niet verstuurd.", problems)
    volgnummer = (last.volgnummer if last else 0) + 1
    houders = queries.current_holders([root]).get(root.pk) or [root.gemeente.naam]
    herinnering = Herinnering.objects.create(
        factuur=root,
        volgnummer=volgnummer,
        datum=datum,
        kanaal=kanaal,
        open_bedrag=open_,
        tekst=queries.reminder_text(root, open_, volgnummer, kanaal, houders, afzender),
        verstuurd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    record(
        Actie.AANMAKEN,
        herinnering,
        na={
            "factuur": root.nummer,
            "volgnummer": volgnummer,
            "kanaal": kanaal,
            "open": open_,
            "aan": houders,
        },
        user=user,
        toelichting="herinnering verstuurd",
    )
    return herinnering


# ---------------------------------------------------------------- credit notes


def settle_credit_notes(tot: dt.date, user=None) -> int:
    """Settle the credit notes issued up to ``tot`` that are not settled yet (see the module's
    docstring); returns the number of refunds."""
    refunds = 0
    notes = (
        Factuur.objects.filter(
            soort=Factuur.Soort.CREDITNOTA,
            status=Factuur.Status.UITGEGEVEN,
            factuurdatum__lte=tot,
        )
        .exclude(pk__in=Creditverrekening.objects.values("creditnota_id"))
        .select_related("verwijst_naar")
        .order_by("factuurdatum", "id")
    )
    for note in notes:
        root = note.verwijst_naar
        ids = queries.family_ids(root)
        holders = queries.open_per_holder(root, ids)
        open_ = sum(holders.values(), ZERO)
        refund = None
        if open_ < 0:
            lines = queries.line_state(root, ids)
            excess = {d: max(s.betaald - s.gefactureerd, ZERO) for d, s in lines.items()}
            parts = allocate(open_, excess)
            origineel = (
                Betaling.objects.filter(factuur=root, status=Betaling.Status.GEKOPPELD)
                .order_by("-boekdatum", "-id")
                .first()
            )
            refund = Betaling.objects.create(
                soort=Betaling.Soort.TERUGBETALING,
                status=Betaling.Status.TERUGBETALEN,
                bankreferentie=f"CREDIT-{note.nummer}",
                boekdatum=note.factuurdatum,
                bedrag=open_,
                kenmerk=f"terugbetaling creditnota {note.nummer} op factuur {root.nummer}",
                factuur=root,
                gemeente_id=min(holders, key=lambda g: (holders[g], g)),
                origineel=origineel,
                reden=f"creditnota {note.nummer} na betaling van factuur {root.nummer}",
            )
            Betalingsregel.objects.bulk_create(
                Betalingsregel(
                    betaling=refund,
                    factuurregel_id=lines[d].factuurregel_id,
                    dienst_id=d,
                    bedrag=part,
                    boekdatum=refund.boekdatum,
                )
                for d, part in sorted(parts.items())
                if part
            )
            negative = {g: -v for g, v in holders.items() if v < 0}
            split = allocate(-open_, negative)
            Vordering.objects.bulk_create(
                Vordering(
                    factuur=root,
                    gemeente_id=g,
                    bedrag=part,
                    soort=Vordering.Soort.TERUGBOEKING,
                    datum=refund.boekdatum,
                )
                for g, part in sorted(split.items())
                if part
            )
            refunds += 1
            record(
                Actie.AANMAKEN,
                refund,
                na={"creditnota": note.nummer, "bedrag": open_},
                user=user,
                toelichting="creditnota na betaling: terug te betalen",
            )
        Creditverrekening.objects.create(creditnota=note, terugbetaling=refund, datum=tot)
    return refunds


# ---------------------------------------------------------------- distribution


@dataclass
class Afdrachtrun:
    periode: Afdrachtperiode
    nieuw: bool
    afdrachten: list[Afdracht]
    terugbetalingen: int = 0


def _lock_distribution() -> None:
    """One distribution run or reversal at a time (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_153_001])


@transaction.atomic
def run_distribution(start: dt.date, eind: dt.date, user=None) -> Afdrachtrun:
    """Pass on, per service to its provider, every payment line booked up to ``eind`` that is
    held (not passed on, or held again after a reversal). Running the same period again creates
    nothing. What was paid out on reversed afdrachten is settled in the service's afdracht."""
    _lock_distribution()
    plan = queries.plan_distribution(start, eind)
    if plan.bestaand is not None:
        existing = plan.bestaand
        return Afdrachtrun(existing, False, list(existing.afdrachten.select_related("dienst")))
    refunds = settle_credit_notes(eind, user=user)
    periode = Afdrachtperiode.objects.create(
        start=start,
        eind=eind,
        uitgevoerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    per_dienst: dict[int, list] = defaultdict(list)
    totals: dict[int, list] = defaultdict(lambda: [ZERO, 0, None])
    for pk, dienst_id, aanbieder_id, bedrag in (
        queries.held_lines()
        .filter(boekdatum__lte=eind)
        .order_by()
        .values_list("pk", "dienst_id", "dienst__aanbieder_id", "bedrag")
    ):
        per_dienst[dienst_id].append(pk)
        row = totals[dienst_id]
        row[0] += bedrag
        row[1] += 1
        row[2] = aanbieder_id
    unsettled = queries.unsettled()
    if unsettled:
        from samen.abonnementen.models import Dienst

        for dienst_id, aanbieder_id in Dienst.objects.filter(
            pk__in=set(unsettled) - set(totals)
        ).values_list("pk", "aanbieder_id"):
            totals[dienst_id][2] = aanbieder_id
    afdrachten = []
    for dienst_id, (bedrag, aantal, aanbieder_id) in sorted(totals.items()):
        afdracht = Afdracht.objects.create(
            periode=periode,
            dienst_id=dienst_id,
            aanbieder_id=aanbieder_id,
            bedrag=bedrag,
            aantal=aantal,
            verrekend=unsettled.get(dienst_id, ZERO),
        )
        Afdrachtkoppeling.objects.bulk_create(
            (
                Afdrachtkoppeling(betalingsregel_id=pk, afdracht=afdracht)
                for pk in per_dienst[dienst_id]
            ),
            batch_size=1000,
        )
        afdrachten.append(afdracht)
    record(
        Actie.AANMAKEN,
        periode,
        na={
            "start": start,
            "eind": eind,
            "afdrachten": {str(a.dienst_id): a.bedrag for a in afdrachten},
            "verrekend": {str(a.dienst_id): a.verrekend for a in afdrachten if a.verrekend},
            "terugbetalingen": refunds,
        },
        user=user,
        toelichting="afdracht aan aanbieders",
    )
    return Afdrachtrun(periode, True, afdrachten, refunds)


@transaction.atomic
def reverse_distribution(periode: Afdrachtperiode, reden: str, user=None) -> Afdrachtrun:
    """Reverse a mistaken distribution run (the administration office, with a reason): a
    reversal period whose afdrachten are the originals' negated and point to them; the payment
    lines passed on in the run get a new link to the reversal, so that they are held again (the
    old links stay). What was paid out is settled in each provider's next afdracht. A period is
    reversed once."""
    _lock_distribution()
    periode = Afdrachtperiode.objects.get(pk=periode.pk)
    problems = []
    if not (reden or "").strip():
        problems.append(Problem("reden", "verplicht: waarom deze afdracht wordt teruggedraaid"))
    if periode.terugdraaiing_van_id is not None:
        problems.append(Problem("periode", "dit is zelf een terugdraaiing", "conflict"))
    elif periode.terugdraaiingen.exists():
        problems.append(Problem("periode", f"{periode} is al teruggedraaid", "conflict"))
    if problems:
        raise DomainError("De afdracht is niet teruggedraaid.", problems)
    terug = Afdrachtperiode.objects.create(
        start=periode.start,
        eind=periode.eind,
        terugdraaiing_van=periode,
        reden=reden.strip()[:300],
        uitgevoerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    afdrachten = []
    for a in periode.afdrachten.order_by("id"):
        negated = Afdracht.objects.create(
            periode=terug,
            dienst_id=a.dienst_id,
            aanbieder_id=a.aanbieder_id,
            bedrag=-a.bedrag,
            aantal=a.aantal,
            origineel=a,
        )
        Afdrachtkoppeling.objects.bulk_create(
            (
                Afdrachtkoppeling(betalingsregel_id=pk, afdracht=negated)
                for pk in a.koppelingen.values_list("betalingsregel_id", flat=True)
            ),
            batch_size=1000,
        )
        afdrachten.append(negated)
    record(
        Actie.AANMAKEN,
        terug,
        na={
            "teruggedraaid": str(periode),
            "reden": terug.reden,
            "afdrachten": {str(a.dienst_id): a.bedrag for a in afdrachten},
        },
        user=user,
        toelichting="afdracht teruggedraaid",
    )
    return Afdrachtrun(terug, True, afdrachten)
