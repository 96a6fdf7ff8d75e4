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
import uuid as uuidlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur, Factuurregel, Vordering
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import ZERO, allocate, format_euro, to_decimal
from samen.inning import afschriften
from samen.inning.models import (
    Afdracht,
    Afdrachtperiode,
    Bankafschrift,
    Betaling,
    Betalingsregel,
    Creditverrekening,
    Herinnering,
)

HERINNERING_NA_DAGEN = 14


# ---------------------------------------------------------------- the invoice's account


def root_of(factuur: Factuur) -> Factuur:
    return factuur.verwijst_naar if factuur.verwijst_naar_id else factuur


def family_ids(root: Factuur) -> list[int]:
    return [root.pk, *Factuur.objects.filter(verwijst_naar=root).values_list("pk", flat=True)]


def open_per_holder(root: Factuur, ids: list[int] | None = None) -> dict[int, Decimal]:
    """The open amount of the account per municipality (summed exactly, in Python). ``ids``: the
    family's ids when the caller has them. (A list of ids, not a subquery: with an OR inside, a
    subquery was planned as a nested scan per ledger row on a database without statistics.)"""
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for gemeente_id, bedrag in (
        Vordering.objects.filter(factuur_id__in=family_ids(root) if ids is None else ids)
        .order_by()  # no sort, so no join to the invoices
        .values_list("gemeente_id", "bedrag")
    ):
        result[gemeente_id] += bedrag
    return dict(result)


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


def _book(
    betaling: Betaling,
    root: Factuur,
    user=None,
    per_holder: dict[int, Decimal] | None = None,
    ids: list[int] | None = None,
) -> None:
    """Allocate a (positive) payment over the open lines and book it in the ledger
    (``per_holder``, ``ids``: the account's open amounts and family when the caller has just
    read them)."""
    if ids is None:
        ids = family_ids(root)
    lines = line_state(root, ids)
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
    if per_holder is None:
        per_holder = open_per_holder(root, ids)
    holders = {g: v for g, v in per_holder.items() if v > 0}
    split = (
        allocate(betaling.bedrag, holders)
        if len(holders) > 1
        else {next(iter(holders)): betaling.bedrag}
    )
    Vordering.objects.bulk_create(
        Vordering(
            factuur=root,
            gemeente_id=g,
            bedrag=-part,
            soort=Vordering.Soort.BETALING,
            datum=betaling.boekdatum,
        )
        for g, part in sorted(split.items())
        if part
    )
    betaling.status = Betaling.Status.GEKOPPELD
    betaling.factuur = root
    betaling.gemeente_id = max(holders, key=lambda g: (holders[g], -g))
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
    root = root_of(factuur)
    # one matcher per invoice
    list(Factuur.objects.select_for_update().filter(pk=root.pk).order_by().values_list("pk"))
    ids = family_ids(root)
    per_holder = open_per_holder(root, ids)
    open_ = sum(per_holder.values(), ZERO)
    if open_ <= 0:
        return f"factuur {root.nummer} is al betaald"
    if betaling.bedrag > open_:
        return f"meer dan het openstaande bedrag {format_euro(open_)} van factuur {root.nummer}"
    _book(betaling, root, per_holder=per_holder, ids=ids)
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
        Vordering.objects.bulk_create(
            Vordering(
                factuur_id=original.factuur_id,
                gemeente_id=int(gemeente_id),
                bedrag=Decimal(bedrag),
                soort=Vordering.Soort.TERUGBOEKING,
                datum=reversal.boekdatum,
            )
            for gemeente_id, bedrag in sorted(original.verdeling.items())
        )
    original.status = Betaling.Status.TERUGGEBOEKT
    original.save(update_fields=["status"])
    return reversal


# ---------------------------------------------------------------- bank statements


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
                        f"{t.positie}: terugboeking van {t.bedrag}, "
                        f"de betaling was {original.bedrag}",
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


def _parse_amount(value, problems: list[Problem], name: str = "bedrag") -> Decimal | None:
    try:
        amount = to_decimal(value if not isinstance(value, str) else value.replace(",", "."))
    except ValueError:
        problems.append(Problem(name, f"geen bedrag: {value!r}"))
        return None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        problems.append(Problem(name, "een positief bedrag in hele centen"))
        return None
    return amount


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
    user=None,
) -> Betaling:
    """A payment registered by hand by the administration office; matched like an imported one
    (on the reference of ``factuur`` when given)."""
    problems: list[Problem] = []
    amount = _parse_amount(bedrag, problems)
    if factuur is not None:
        betalingskenmerk = factuur.betalingskenmerk
    ref = betalingskenmerk.replace(" ", "")
    if ref and not kenmerk_mod.is_valid(ref):
        problems.append(Problem("betalingskenmerk", f"geen geldig betalingskenmerk: {ref!r}"))
    if not ref and not omschrijving.strip():
        problems.append(Problem("betalingskenmerk", "geef een betalingskenmerk of omschrijving"))
    bankreferentie = bankreferentie.strip() or f"HAND-{uuidlib.uuid4().hex[:20]}"
    if Betaling.objects.filter(bankreferentie=bankreferentie).exists():
        problems.append(Problem("bankreferentie", f"{bankreferentie} is al geboekt", "unique"))
    if boekdatum is None:
        problems.append(Problem("boekdatum", "verplicht"))
    if problems:
        raise DomainError("De betaling is niet geregistreerd.", problems)
    betaling, reden = _new_payment(
        bankreferentie=bankreferentie,
        boekdatum=boekdatum,
        bedrag=amount,
        kenmerk=" ".join(p for p in (ref, omschrijving.strip()) if p)[:500],
        naam=naam[:200],
        tegenrekening=tegenrekening.replace(" ", "")[:34],
        handmatig=True,
        geregistreerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
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
    root = root_of(factuur)
    Factuur.objects.select_for_update().filter(pk=root.pk).first()
    open_ = open_amount(root)
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


def reminder_text(factuur: Factuur, open_: Decimal, volgnummer: int, kanaal: str) -> str:
    soort = (
        "tweede herinnering"
        if volgnummer == 2
        else ("herinnering" if volgnummer == 1 else f"{volgnummer}e herinnering")
    )
    aanhef = f"Onderwerp: {soort} factuur {factuur.nummer}\n\n" if kanaal == "email" else ""
    return (
        f"{aanhef}Aan het college van burgemeester en wethouders van {factuur.gemeente.naam},\n\n"
        f"Volgens onze administratie staat van factuur {factuur.nummer} van "
        f"{factuur.factuurdatum:%d-%m-%Y} ({factuur.arrangement.naam}, {factuur.jaar}) nog "
        f"{format_euro(open_)} open. De vervaldatum was {factuur.vervaldatum:%d-%m-%Y}.\n\n"
        f"Wij verzoeken u het openstaande bedrag binnen 14 dagen te betalen onder vermelding van "
        f"betalingskenmerk {factuur.betalingskenmerk}. Heeft u inmiddels betaald, dan kunt u "
        f"deze {soort} als niet verzonden beschouwen.\n\n"
        f"Met vriendelijke groet,\n{factuur.arrangement.administratiekantoor.naam}\n"
    )


@transaction.atomic
def send_reminder(
    factuur: Factuur, kanaal: str, datum: dt.date | None = None, user=None
) -> Herinnering:
    datum = datum or timezone.localdate()
    problems = []
    if kanaal not in Herinnering.Kanaal.values:
        problems.append(Problem("kanaal", f"kies uit {', '.join(Herinnering.Kanaal.values)}"))
    root = root_of(factuur)
    Factuur.objects.select_for_update().filter(pk=root.pk).first()
    open_ = open_amount(root)
    if root.vervaldatum is None or root.vervaldatum >= datum:
        problems.append(Problem("factuur", "de factuur is nog niet vervallen", "not-overdue"))
    elif open_ <= 0:
        problems.append(Problem("factuur", "de factuur is betaald", "paid"))
    last = Herinnering.objects.filter(factuur=root).order_by("-volgnummer").first()
    if last is not None and datum < last.datum + dt.timedelta(days=HERINNERING_NA_DAGEN):
        problems.append(
            Problem(
                "datum",
                f"een volgende herinnering pas {HERINNERING_NA_DAGEN} dagen na de vorige "
                f"({last.datum:%d-%m-%Y}), dus vanaf "
                f"{last.datum + dt.timedelta(days=HERINNERING_NA_DAGEN):%d-%m-%Y}",
                "too-soon",
            )
        )
    if problems:
        raise DomainError("De herinnering is niet verstuurd.", problems)
    volgnummer = (last.volgnummer if last else 0) + 1
    herinnering = Herinnering.objects.create(
        factuur=root,
        volgnummer=volgnummer,
        datum=datum,
        kanaal=kanaal,
        open_bedrag=open_,
        tekst=reminder_text(root, open_, volgnummer, kanaal),
        verstuurd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    record(
        Actie.AANMAKEN,
        herinnering,
        na={"factuur": root.nummer, "volgnummer": volgnummer, "kanaal": kanaal, "open": open_},
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
        ids = family_ids(root)
        holders = open_per_holder(root, ids)
        open_ = sum(holders.values(), ZERO)
        refund = None
        if open_ < 0:
            lines = line_state(root, ids)
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


@transaction.atomic
def run_distribution(start: dt.date, eind: dt.date, user=None) -> Afdrachtrun:
    """Pass on, per service to its provider, every payment line booked up to ``eind`` that was
    not passed on before. Running the same period again creates nothing."""
    if eind < start:
        raise DomainError(
            "De afdracht is niet uitgevoerd.", [Problem("eind", "ligt voor het begin")]
        )
    existing = Afdrachtperiode.objects.filter(start=start, eind=eind).first()
    if existing is not None:
        return Afdrachtrun(existing, False, list(existing.afdrachten.select_related("dienst")))
    last = Afdrachtperiode.objects.select_for_update().order_by("-eind").first()
    if last is not None and start <= last.eind:
        raise Conflict(
            "De afdracht is niet uitgevoerd.",
            [
                Problem(
                    "start",
                    f"perioden lopen op volgorde zonder overlap; de laatste liep tot en met "
                    f"{last.eind:%d-%m-%Y}",
                    "conflict",
                )
            ],
        )
    refunds = settle_credit_notes(eind, user=user)
    periode = Afdrachtperiode.objects.create(
        start=start,
        eind=eind,
        uitgevoerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    open_lines = Betalingsregel.objects.filter(afdracht__isnull=True, boekdatum__lte=eind)
    per_dienst: dict[int, list] = defaultdict(lambda: [ZERO, 0, None])
    for dienst_id, aanbieder_id, bedrag in open_lines.values_list(
        "dienst_id", "dienst__aanbieder_id", "bedrag"
    ):
        row = per_dienst[dienst_id]
        row[0] += bedrag
        row[1] += 1
        row[2] = aanbieder_id
    afdrachten = []
    for dienst_id, (bedrag, aantal, aanbieder_id) in sorted(per_dienst.items()):
        afdracht = Afdracht.objects.create(
            periode=periode,
            dienst_id=dienst_id,
            aanbieder_id=aanbieder_id,
            bedrag=bedrag,
            aantal=aantal,
        )
        updated = open_lines.filter(dienst_id=dienst_id).update(afdracht=afdracht)
        if updated != aantal:  # pragma: no cover - guarded by the row lock above
            raise IntegrityError("payment lines changed during the distribution run")
        afdrachten.append(afdracht)
    record(
        Actie.AANMAKEN,
        periode,
        na={
            "start": start,
            "eind": eind,
            "afdrachten": {str(a.dienst_id): a.bedrag for a in afdrachten},
            "terugbetalingen": refunds,
        },
        user=user,
        toelichting="afdracht aan aanbieders",
    )
    return Afdrachtrun(periode, True, afdrachten, refunds)


def last_period_end() -> dt.date | None:
    return Afdrachtperiode.objects.aggregate(m=Max("eind"))["m"]
