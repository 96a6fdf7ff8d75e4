"""State changes of the financing forms: one transaction each, every problem listed, one audit
record per change. Entered by finance or the administration office; invoicing through
``abonnementen.services.invoice_amounts`` (the allocation key and the regional compensation;
the centre municipalities' compensation is a gemeentefonds payment: recorded, not invoiced)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction

from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Arrangement
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import dates
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import MoneyError, format_euro, parse_amount
from samen.core.text import check_xml_text
from samen.financiering import queries
from samen.financiering.models import Compensatie, Regio, Sleutelgewicht, Verdeelsleutel
from samen.gemeenten.models import Gemeente

#: The centre municipalities that run the special shelters (honour-related violence, loverboys,
#: human trafficking) and are compensated from the gemeentefonds (seed, item C).
CENTRUMGEMEENTEN = ("GM0080", "GM0855")  # Leeuwarden, Tilburg
MAX_BEDRAG = Decimal("999999999999.99")


def _permitted(user, permission: str, message: str, who: str) -> None:
    """Refuse a user without ``permission`` (403); ``user=None`` is the demo loader or a
    command and stays allowed."""
    if user is not None and not allowed(user, permission):
        raise DomainError(message, [Problem("rol", who, "forbidden")], 403)


def _enter(user, message: str) -> None:
    _permitted(
        user, "financiering.beheren", message, "alleen financiën of het administratiekantoor"
    )


def _invoice(user, message: str) -> None:
    _permitted(user, "financiering.factureren", message, "alleen het administratiekantoor")


def _amount(value, field: str, label: str, problems: list[Problem]) -> Decimal | None:
    try:
        amount = parse_amount(value) if not isinstance(value, Decimal) else value
    except (MoneyError, ValueError, TypeError) as exc:
        problems.append(Problem(field, f"{label}: {exc}", "invalid"))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        problems.append(Problem(field, f"{label}: in hele centen", "invalid"))
    elif not Decimal("0.01") <= amount <= MAX_BEDRAG:
        problems.append(Problem(field, f"{label}: groter dan nul", "range"))
    return amount


def _text(value: str, field: str, label: str, problems: list[Problem], required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.append(Problem(field, f"{label} is verplicht", "required"))
    elif len(value) > 300:
        problems.append(Problem(field, f"{label}: hooguit 300 tekens", "invalid"))
    check_xml_text(value, field=field, label=label, problems=problems)
    return value


def _year(jaar, field: str, problems: list[Problem]) -> int | None:
    if isinstance(jaar, bool) or not isinstance(jaar, int):
        problems.append(Problem(field, f"geen jaartal: {jaar!r}", "invalid"))
        return None
    if jaar not in dates.PLATFORM_YEARS:
        problems.append(Problem(field, f"{jaar} ligt buiten de jaren van het platform", "range"))
        return None
    return jaar


def _arrangement(arrangement: Arrangement, soort: str, jaar, problems: list[Problem]) -> None:
    if arrangement.soort != soort:
        problems.append(Problem("arrangement", f"het arrangement is geen {soort}", "invalid"))
    elif isinstance(jaar, int) and not arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
        problems.append(
            Problem("jaar", f"{jaar} valt buiten de looptijd {arrangement.looptijd}", "range")
        )


# ---------------------------------------------------------------- allocation key


@transaction.atomic
def set_key(
    arrangement: Arrangement,
    jaar: int,
    budget,
    bron: str,
    gewichten: Iterable[Mapping] = (),
    toelichting: str = "",
    voorbeeld: bool = False,
    user=None,
) -> Verdeelsleutel:
    """Enter the key for ``jaar``: the budget and the extra weights per municipality (each
    ``{"gemeente": Gemeente, "gewicht": int, "reden": str, "bron": str}``). Replaces an
    earlier entry of the year as long as nothing of it is invoiced."""
    _enter(user, "De verdeelsleutel is niet vastgelegd.")
    problems: list[Problem] = []
    jaar = _year(jaar, "jaar", problems)
    _arrangement(arrangement, Arrangement.Soort.VERDEELSLEUTEL, jaar, problems)
    amount = _amount(budget, "budget", "Het budget", problems)
    bron = _text(bron, "bron", "De bron", problems)
    check_xml_text(toelichting, field="toelichting", label="De toelichting", problems=problems)
    rows = []
    seen = set()
    for i, g in enumerate(gewichten):
        field = f"gewichten[{i}]"
        gemeente = g.get("gemeente")
        gewicht = g.get("gewicht")
        if not isinstance(gemeente, Gemeente):
            problems.append(Problem(field, "onbekende gemeente", "invalid"))
            continue
        if gemeente.pk in seen:
            problems.append(Problem(field, "een gemeente staat er twee keer in", "duplicate"))
        seen.add(gemeente.pk)
        if isinstance(gewicht, bool) or not isinstance(gewicht, int) or not 0 < gewicht <= 10**8:
            problems.append(Problem(field, "een gewicht tussen 1 en 100.000.000", "range"))
        if jaar and not gemeente.bestaat_op(dt.date(jaar, 1, 1)):
            problems.append(Problem(field, f"{gemeente.naam} bestaat niet op 1 januari {jaar}"))
        reden = _text(g.get("reden", ""), field, "De reden", problems)
        gbron = _text(g.get("bron", ""), field, "De bron van het gewicht", problems)
        rows.append((gemeente, gewicht, reden, gbron))
    if jaar and not problems:
        queries.population(jaar, problems)
    existing = Verdeelsleutel.objects.filter(arrangement=arrangement, jaar=jaar).first()
    if existing and queries.invoiced(arrangement, jaar):
        problems.append(
            Problem("jaar", "de sleutel van dit jaar is al gefactureerd; hij blijft", "conflict")
        )
    if problems:
        raise DomainError("De verdeelsleutel is niet vastgelegd.", problems)
    voor = queries.key_snapshot(existing) if existing else None
    if existing:
        existing.delete()
    sleutel = Verdeelsleutel.objects.create(
        arrangement=arrangement,
        jaar=jaar,
        budget=amount,
        bron=bron,
        toelichting=(toelichting or "").strip(),
        voorbeeld=voorbeeld,
        vastgelegd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    Sleutelgewicht.objects.bulk_create(
        Sleutelgewicht(verdeelsleutel=sleutel, gemeente=g, gewicht=w, reden=r, bron=b)
        for g, w, r, b in rows
    )
    record(
        Actie.WIJZIGEN if existing else Actie.AANMAKEN,
        sleutel,
        voor=voor,
        na=queries.key_snapshot(sleutel),
        user=user,
        toelichting=f"verdeelsleutel {jaar}: {format_euro(amount)}",
    )
    return sleutel


def invoice_key(sleutel: Verdeelsleutel, user=None, factuurdatum: dt.date | None = None):
    """Invoice the key's shares, one invoice per municipality (idempotent)."""
    _invoice(user, "Er is niets gefactureerd.")
    return abonnementen.invoice_amounts(
        sleutel.arrangement,
        sleutel.jaar,
        _key_amounts(sleutel),
        user=user,
        factuurdatum=factuurdatum,
    )


def _key_amounts(sleutel: Verdeelsleutel) -> list:
    aandelen = queries.key_shares(sleutel)
    return [
        abonnementen.Bedrag(
            a.gemeente.pk,
            a.bedrag,
            f"Aandeel volgens de verdeelsleutel {sleutel.jaar}: {a.sleutel} van "
            f"{aandelen.sleuteltotaal} (inwoners {a.inwoners} + gewicht {a.extra})",
            inwoners=a.inwoners,
            bronjaar=aandelen.bronjaar,
        )
        for a in aandelen.regels
        if a.bedrag > 0
    ]


# ---------------------------------------------------------------- centre municipalities


@transaction.atomic
def record_compensation(
    gemeente: Gemeente,
    jaar: int,
    bedrag,
    grondslag: str,
    circulaire: str,
    bron: str,
    voorbeeld: bool = False,
    user=None,
) -> Compensatie:
    """Record a centre municipality's yearly decentralisation payment (not invoiced)."""
    _enter(user, "De compensatie is niet vastgelegd.")
    problems: list[Problem] = []
    if not isinstance(gemeente, Gemeente):
        problems.append(Problem("gemeente", "onbekende gemeente"))
    elif gemeente.code not in CENTRUMGEMEENTEN:
        problems.append(
            Problem("gemeente", f"{gemeente.naam} is geen centrumgemeente voor deze opvang")
        )
    jaar = _year(jaar, "jaar", problems)
    amount = _amount(bedrag, "bedrag", "Het bedrag", problems)
    grondslag = _text(grondslag, "grondslag", "De grondslag", problems)
    circulaire = _text(circulaire, "circulaire", "De circulaire", problems)
    bron = _text(bron, "bron", "De bron", problems)
    if problems:
        raise DomainError("De compensatie is niet vastgelegd.", problems)
    try:
        with transaction.atomic():
            c = Compensatie.objects.create(
                gemeente=gemeente,
                jaar=jaar,
                bedrag=amount,
                grondslag=grondslag,
                circulaire=circulaire,
                bron=bron,
                voorbeeld=voorbeeld,
                vastgelegd_door=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:
        raise Conflict(
            "De compensatie is niet vastgelegd.",
            [Problem("jaar", f"voor {gemeente.naam} {jaar} is er al een", "conflict")],
        ) from exc
    record(
        Actie.AANMAKEN,
        c,
        na={"gemeente": gemeente.code, "jaar": jaar, "bedrag": amount, "circulaire": circulaire},
        user=user,
        toelichting=f"compensatie {gemeente.naam} {jaar}: {format_euro(amount)}",
    )
    return c


# ---------------------------------------------------------------- regional compensation


@transaction.atomic
def set_region(
    arrangement: Arrangement,
    jaar: int,
    naam: str,
    bijdrage,
    leden: Iterable[Gemeente],
    bron: str,
    voorbeeld: bool = False,
    user=None,
) -> Regio:
    """Enter (or, before it is invoiced, replace) a region of ``jaar``: its contribution and
    member municipalities. A municipality belongs to one region per year."""
    _enter(user, "De regio is niet vastgelegd.")
    problems: list[Problem] = []
    jaar = _year(jaar, "jaar", problems)
    _arrangement(arrangement, Arrangement.Soort.REGIONALE_COMPENSATIE, jaar, problems)
    naam = _text(naam, "naam", "De naam", problems)
    amount = _amount(bijdrage, "bijdrage", "De bijdrage", problems)
    bron = _text(bron, "bron", "De bron", problems)
    leden = list(leden)
    if not leden:
        problems.append(Problem("leden", "een regio heeft gemeenten", "required"))
    if len({g.pk for g in leden}) != len(leden):
        problems.append(Problem("leden", "een gemeente staat er twee keer in", "duplicate"))
    existing = Regio.objects.filter(arrangement=arrangement, jaar=jaar, naam=naam).first()
    if jaar:
        for g in leden:
            if not g.bestaat_op(dt.date(jaar, 1, 1)):
                problems.append(Problem("leden", f"{g.naam} bestaat niet op 1 januari {jaar}"))
        elders = (
            Regio.leden.through.objects.filter(
                regio__arrangement=arrangement, regio__jaar=jaar, gemeente__in=leden
            )
            .exclude(regio=existing)
            .values_list("gemeente__naam", flat=True)
        )
        for g in sorted(elders):
            problems.append(Problem("leden", f"{g} hoort in {jaar} al bij een andere regio"))
        if not problems:
            queries.population(jaar, problems)
    if existing and queries.invoiced(arrangement, jaar):
        problems.append(Problem("jaar", "de regio's van dit jaar zijn al gefactureerd", "conflict"))
    if problems:
        raise DomainError("De regio is niet vastgelegd.", problems)
    voor = queries.region_snapshot(existing) if existing else None
    if existing:
        existing.delete()
    regio = Regio.objects.create(
        arrangement=arrangement,
        jaar=jaar,
        naam=naam,
        bijdrage=amount,
        bron=bron,
        voorbeeld=voorbeeld,
        vastgelegd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    regio.leden.set(leden)
    record(
        Actie.WIJZIGEN if existing else Actie.AANMAKEN,
        regio,
        voor=voor,
        na=queries.region_snapshot(regio),
        user=user,
        toelichting=f"regio {naam} {jaar}: {format_euro(amount)}",
    )
    return regio


def invoice_regions(
    arrangement: Arrangement, jaar: int, user=None, factuurdatum: dt.date | None = None
):
    """Invoice every region's contribution of ``jaar``, divided over its members by
    population: one invoice per member municipality (idempotent)."""
    _invoice(user, "Er is niets gefactureerd.")
    return abonnementen.invoice_amounts(
        arrangement,
        jaar,
        _region_amounts(arrangement, jaar),
        user=user,
        factuurdatum=factuurdatum,
    )


def _region_amounts(arrangement: Arrangement, jaar: int) -> list:
    bedragen = []
    for verdeling in queries.region_shares_for_year(arrangement, jaar):
        for a in verdeling.regels:
            if a.bedrag > 0:
                bedragen.append(
                    abonnementen.Bedrag(
                        a.gemeente.pk,
                        a.bedrag,
                        f"Aandeel in de bijdrage van {verdeling.regio.naam} {jaar}: "
                        f"{a.inwoners} van {verdeling.sleuteltotaal} inwoners",
                        inwoners=a.inwoners,
                        bronjaar=verdeling.bronjaar,
                    )
                )
    return bedragen
