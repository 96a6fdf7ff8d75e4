"""Payments by hand (the administration office): registered idempotently, matched by hand to
an invoice or marked to be paid back."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import IntegrityError, transaction

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.dates import When, check_date, nl_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import MoneyError, format_euro, parse_amount
from samen.inning import queries
from samen.inning.models import (
    Betaling,
)

from .matching import _book, _new_payment


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
