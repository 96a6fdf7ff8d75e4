"""State changes of the fund's money coming in: budgets per activity and year, and the yearly
contributions of the municipalities. One transaction each, validated with every problem listed,
audited with the values before."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.actors import authenticated
from samen.core.errors import DomainError, Problem
from samen.core.money import MoneyError, format_euro, parse_amount
from samen.fonds import contributions, queries
from samen.fonds.models import Activiteit, Begrotingsregel, Bijdrage, Bijdrageregeling, Fonds
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar

from .common import _amount, _lock, _year


@transaction.atomic
def enter_budget(activiteit: Activiteit, jaar: int, bedrag, toelichting: str = "", user=None):
    """A new version of an activity's budget for a year (the old versions stay). The same
    amount again changes nothing (a second submit of the same form)."""
    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems)
    year = _year(jaar, "jaar", problems)
    if year is not None:
        activiteit = _lock(activiteit)
        if amount is not None:
            done, auth = queries.committed(activiteit, year), queries.authorised(activiteit, year)
            if amount < max(done, auth):
                problems.append(
                    Problem(
                        "bedrag",
                        f"lager dan wat al is geautoriseerd of verplicht in {year} "
                        f"(geautoriseerd {format_euro(auth)}, verplicht {format_euro(done)})",
                    )
                )
    if problems:
        raise DomainError("De begroting is niet opgeslagen.", problems)
    assert amount is not None and year is not None  # narrowed: their problems raised above
    jaar = year
    previous = (
        Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).order_by("-versie").first()
    )
    if previous is not None and previous.bedrag == amount and previous.toelichting == toelichting:
        return previous  # the same budget again changes nothing
    regel = Begrotingsregel.objects.create(
        activiteit=activiteit,
        jaar=jaar,
        versie=(previous.versie + 1) if previous else 1,
        bedrag=amount,
        toelichting=toelichting,
        ingevoerd_door=authenticated(user),
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
    sleutel: dict[str, object] | None = None,
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
    year = _year(jaar, "jaar", problems)
    bevolking = None
    if year is not None:
        jaar = year
        try:
            bevolking = bevolking_voor_jaar(year, offset)
        except PopulationUnavailable as exc:
            problems.append(Problem("jaar", str(exc)))
    weights = None
    if sleutel is not None and bevolking is not None:
        weights = {}
        for code, raw in sleutel.items():
            try:  # a weight is typed like an amount (Dutch notation), up to 6 decimals
                weight = parse_amount(raw, places=6)
            except MoneyError as exc:
                problems.append(
                    Problem(f"sleutel.{code}", str(exc).replace("geen bedrag", "geen getal"))
                )
                weight = Decimal(0)  # listed once: not also as missing from the key
            weights[code] = weight
        existing_codes = set(bevolking.per_gemeente)
        for code in sorted(set(weights) - existing_codes):
            problems.append(Problem(f"sleutel.{code}", f"bestaat niet op 1 januari {jaar}"))
        for code in sorted(existing_codes - set(weights)):
            problems.append(Problem(f"sleutel.{code}", "ontbreekt in de sleutel", "required"))
        if rate is not None:
            problems.append(Problem("sleutel", "een ingevoerde sleutel gaat met een totaal"))
        if weights and not problems and sum(weights.values()) == 0:
            problems.append(Problem("sleutel", "de sleutel telt op tot nul"))
    if problems:
        raise DomainError("De bijdrage is niet vastgesteld.", problems)
    assert bevolking is not None  # narrowed: its problem raised above
    inwoners = bevolking.per_gemeente
    if weights is not None:
        from samen.core.money import allocate

        shares = allocate(amount, weights)
    elif amount is not None:
        shares = contributions.shares_of_total(amount, inwoners)
    else:
        shares = contributions.shares_per_inhabitant(rate, inwoners)
        amount = sum(shares.values(), Decimal("0.00"))
    assert amount is not None  # given, or the sum of the shares per inhabitant
    existing = Bijdrageregeling.objects.select_for_update().filter(fonds=fonds, jaar=jaar).first()
    before = None
    if existing is not None:
        before = {"totaal": existing.totaal, "per_inwoner": existing.per_inwoner}
        if (
            existing.totaal == amount
            and existing.per_inwoner == rate
            and existing.bronjaar == bevolking.bronjaar
            and existing.sleutel == ("ingevoerd" if weights is not None else "inwoners")
            and dict(existing.aandelen.values_list("gemeente__code", "bedrag")) == shares
        ):
            return existing  # the same setting again changes nothing (also a key's shares)
        existing.aandelen.all().delete()
        existing.delete()
    regeling = Bijdrageregeling.objects.create(
        fonds=fonds,
        jaar=jaar,
        totaal=amount,
        per_inwoner=rate,
        bronjaar=bevolking.bronjaar,
        sleutel="ingevoerd" if weights is not None else "inwoners",
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
