"""Bank statements (CAMT.053 or CSV): read, checked and matched in one transaction; a
statement or file read before changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import format_euro
from samen.inning import afschriften, queries
from samen.inning.models import (
    Bankafschrift,
    Betaling,
)

from . import statement_matching
from .matching import _new_payment, _reverse


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


def import_statement(data: bytes, filename: str, user=None, voorbeeld: bool = False) -> Resultaat:
    """Read a CAMT.053 or CSV bank statement and match its payments (set-based, a constant
    number of SQL statements per statement); all or nothing."""
    return _import(data, filename, user, voorbeeld, statement_matching.match_entries)


@transaction.atomic
def _import(data: bytes, filename: str, user, voorbeeld: bool, match) -> Resultaat:
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
    match(stmt, afschrift, filename, voorbeeld, result, problems)
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


def _match_per_payment(
    stmt: Bankafschrift,
    afschrift: afschriften.Afschrift,
    filename: str,
    voorbeeld: bool,
    result: Resultaat,
    problems: list[Problem],
) -> None:
    """The per-payment path (about ten SQL statements per payment): kept only as the oracle of
    the tests that prove the set-based ``statement_matching.match_entries`` books the same
    rows."""
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
