"""State changes of the fund (first part): budgets and yearly contributions. One transaction
each, validated with every problem listed, audited with the values before."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.errors import DomainError, Problem
from samen.fonds import contributions
from samen.fonds.models import Activiteit, Begrotingsregel, Bijdrage, Bijdrageregeling, Fonds
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar


def _amount(value, name: str, problems: list[Problem], places: int = 2) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(Problem(name, f"geen bedrag: {value!r}"))
        return None
    if not amount.is_finite():
        problems.append(Problem(name, "geen eindig bedrag"))
        return None
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        problems.append(Problem(name, f"hooguit {places} decimalen"))
        return None
    if amount < 0:
        problems.append(Problem(name, "mag niet negatief zijn"))
        return None
    return amount


@transaction.atomic
def enter_budget(activiteit: Activiteit, jaar: int, bedrag, toelichting: str = "", user=None):
    """A new version of an activity's budget for a year (the old versions stay)."""
    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems)
    if not 2000 <= int(jaar) <= 2100:
        problems.append(Problem("jaar", "jaar buiten 2000–2100"))
    if problems:
        raise DomainError("De begroting is niet opgeslagen.", problems)
    previous = (
        Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).order_by("-versie").first()
    )
    regel = Begrotingsregel.objects.create(
        activiteit=activiteit,
        jaar=jaar,
        versie=(previous.versie + 1) if previous else 1,
        bedrag=amount,
        toelichting=toelichting,
        ingevoerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    record(
        Actie.WIJZIGEN if previous else Actie.AANMAKEN,
        activiteit,
        voor={"jaar": jaar, "bedrag": previous.bedrag} if previous else None,
        na={"jaar": jaar, "bedrag": amount, "versie": regel.versie},
        user=user,
        toelichting="begroting",
    )
    return regel


@transaction.atomic
def set_contribution(
    fonds: Fonds,
    jaar: int,
    totaal=None,
    per_inwoner=None,
    offset: int = 1,
    toelichting: str = "",
    user=None,
) -> Bijdrageregeling:
    """Set the contribution for a year, as a total (allocated by inhabitants so the shares add
    up exactly) or per inhabitant (rounded once per municipality). The population is the
    register's rule for the year. Replaces an earlier setting for that year as a whole."""
    problems: list[Problem] = []
    if (totaal is None) == (per_inwoner is None):
        problems.append(Problem("totaal", "geef een totaal of een bedrag per inwoner"))
    amount = rate = None
    if totaal is not None:
        amount = _amount(totaal, "totaal", problems)
    if per_inwoner is not None:
        rate = _amount(per_inwoner, "perInwoner", problems, places=4)
    try:
        bevolking = bevolking_voor_jaar(int(jaar), offset)
    except PopulationUnavailable as exc:
        problems.append(Problem("jaar", str(exc)))
        bevolking = None
    if problems:
        raise DomainError("De bijdrage is niet vastgesteld.", problems)
    inwoners = bevolking.per_gemeente
    if amount is not None:
        shares = contributions.shares_of_total(amount, inwoners)
    else:
        shares = contributions.shares_per_inhabitant(rate, inwoners)
        amount = sum(shares.values(), Decimal("0.00"))
    existing = Bijdrageregeling.objects.filter(fonds=fonds, jaar=jaar).first()
    before = None
    if existing is not None:
        before = {"totaal": existing.totaal, "per_inwoner": existing.per_inwoner}
        if (
            existing.totaal == amount
            and existing.per_inwoner == rate
            and (existing.bronjaar == bevolking.bronjaar)
        ):
            return existing  # the same setting again changes nothing
        existing.aandelen.all().delete()
        existing.delete()
    regeling = Bijdrageregeling.objects.create(
        fonds=fonds,
        jaar=jaar,
        totaal=amount,
        per_inwoner=rate,
        bronjaar=bevolking.bronjaar,
        toelichting=toelichting or bevolking.toelichting,
    )
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=shares)}
    Bijdrage.objects.bulk_create(
        Bijdrage(regeling=regeling, gemeente=gemeenten[code], inwoners=inwoners[code], bedrag=part)
        for code, part in shares.items()
    )
    record(
        Actie.WIJZIGEN if before else Actie.AANMAKEN,
        regeling,
        voor=before,
        na={"jaar": jaar, "totaal": amount, "per_inwoner": rate, "gemeenten": len(shares)},
        user=user,
        toelichting="bijdrage per gemeente",
    )
    return regeling


def next_version(activiteit: Activiteit, jaar: int) -> int:
    m = Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).aggregate(m=Max("versie"))
    return (m["m"] or 0) + 1
