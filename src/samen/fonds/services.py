"""State changes of the fund (first part): budgets and yearly contributions. One transaction
each, validated with every problem listed, audited with the values before."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.actors import authenticated, label
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
    elif amount is not None:
        floor = max(committed(activiteit, int(jaar)), authorised(activiteit, int(jaar)))
        if amount < floor:
            problems.append(
                Problem("bedrag", f"lager dan wat al is geautoriseerd of verplicht ({floor})")
            )
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
    try:
        bevolking = bevolking_voor_jaar(int(jaar), offset)
    except PopulationUnavailable as exc:
        problems.append(Problem("jaar", str(exc)))
        bevolking = None
    weights = None
    if sleutel is not None and bevolking is not None:
        weights = {}
        for code, raw in sleutel.items():
            try:
                weight = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                problems.append(Problem(f"sleutel.{code}", f"geen getal: {raw!r}"))
                continue
            if weight < 0:
                problems.append(Problem(f"sleutel.{code}", "mag niet negatief zijn"))
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
    inwoners = bevolking.per_gemeente
    if weights is not None:
        from samen.core.money import allocate

        shares = allocate(amount, weights)
    elif amount is not None:
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


def next_version(activiteit: Activiteit, jaar: int) -> int:
    m = Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).aggregate(m=Max("versie"))
    return (m["m"] or 0) + 1


# --- authorisation, commitments, realisation ------------------------------------------------


def _sum(qs, field="bedrag") -> Decimal:
    from django.db.models import Sum

    return (qs.aggregate(s=Sum(field))["s"] or Decimal(0)).quantize(Decimal("0.01"))


def budget_of(activiteit: Activiteit, jaar: int) -> Decimal:
    regel = (
        Begrotingsregel.objects.filter(activiteit=activiteit, jaar=jaar).order_by("-versie").first()
    )
    return regel.bedrag if regel else Decimal("0.00")


def free_to_authorise(activiteit: Activiteit, jaar: int) -> Decimal:
    """Budget minus the commitments running into that year."""
    return budget_of(activiteit, jaar) - committed(activiteit, jaar)


def authorised(activiteit: Activiteit, jaar: int) -> Decimal:
    from samen.fonds.models import Autorisatie

    return _sum(
        Autorisatie.objects.filter(
            activiteit=activiteit, jaar=jaar, status=Autorisatie.Status.VASTGESTELD
        )
    )


def committed(activiteit: Activiteit, jaar: int) -> Decimal:
    from samen.fonds.models import Termijn

    return _sum(Termijn.objects.filter(verplichting__activiteit=activiteit, jaar=jaar))


def realised(activiteit: Activiteit, jaar: int) -> Decimal:
    from samen.fonds.models import Realisatie

    return _sum(Realisatie.objects.filter(activiteit=activiteit, datum__year=jaar))


@transaction.atomic
def propose_authorisation(activiteit: Activiteit, jaar: int, bedrag, user=None):
    """The College proposes; the proposal may not exceed what is free to authorise
    (the current budget minus commitments running into that year beyond what is authorised)."""
    from samen.fonds.models import Autorisatie
    from samen.fonds.queries import current_budget

    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems)
    budget = next(
        (
            r.bedrag
            for r in current_budget(activiteit.compartiment.fonds, jaar)
            if r.activiteit_id == activiteit.pk
        ),
        None,
    )
    if budget is None:
        problems.append(Problem("jaar", f"geen begroting voor {activiteit.naam} in {jaar}"))
    elif amount is not None and authorised(activiteit, jaar) + amount > budget:
        problems.append(
            Problem("bedrag", f"meer dan de begroting ({budget}) voor {activiteit.naam} in {jaar}")
        )
    if problems:
        raise DomainError("Het voorstel is niet opgeslagen.", problems)
    voorstel = Autorisatie.objects.create(
        activiteit=activiteit,
        jaar=jaar,
        bedrag=amount,
        voorgesteld_door=label(user),
    )
    record(
        Actie.AANMAKEN,
        voorstel,
        na={"jaar": jaar, "bedrag": amount},
        user=user,
        toelichting="autorisatievoorstel",
    )
    return voorstel


@transaction.atomic
def decide_authorisation(voorstel, vastgesteld: bool, datum, user=None):
    """The board decides; the decision is a published `Besluit` of kind autorisatie."""
    from samen.besluiten.models import Besluit, Soort
    from samen.besluiten.services import _next_number
    from samen.core.errors import Conflict
    from samen.fonds.models import Autorisatie

    voorstel = Autorisatie.objects.select_for_update().get(pk=voorstel.pk)
    if voorstel.status != Autorisatie.Status.VOORGESTELD:
        raise Conflict("Over dit voorstel is al besloten.")
    besluit = Besluit.objects.create(
        soort=Soort.AUTORISATIE,
        nummer=_next_number(datum),
        titel=f"Autorisatie {voorstel.activiteit.naam} {voorstel.jaar}: EUR {voorstel.bedrag}",
        uitkomst=Besluit.Uitkomst.VASTGESTELD if vastgesteld else Besluit.Uitkomst.AFGEWEZEN,
        datum=datum,
        genomen_door=label(user) or "VNG-bestuur",
        gebruiker=authenticated(user),
    )
    voorstel.status = (
        Autorisatie.Status.VASTGESTELD if vastgesteld else Autorisatie.Status.AFGEWEZEN
    )
    voorstel.besluit = besluit
    voorstel.save(update_fields=["status", "besluit"])
    record(
        Actie.WIJZIGEN,
        voorstel,
        voor={"status": "voorgesteld"},
        na={"status": voorstel.status, "besluit": besluit.nummer},
        user=user,
    )
    return voorstel


@transaction.atomic
def enter_commitment(
    activiteit, referentie, omschrijving, datum, termijnen: dict, soort="gewoon", user=None
):
    """A commitment with its amount per year. In the year it is entered it may not exceed what
    is authorised minus what is already committed; in later years (not yet authorised) it may
    not exceed that year's budget minus what is already committed (it then reduces what is free
    to authorise)."""
    from samen.fonds.models import Termijn, Verplichting

    problems: list[Problem] = []
    clean = {}
    for raw_year, bedrag in sorted(termijnen.items()):
        jaar = int(raw_year)
        amount = _amount(bedrag, f"termijnen.{jaar}", problems)
        if amount is None:
            continue
        if jaar < datum.year:
            problems.append(Problem(f"termijnen.{jaar}", "een termijn ligt niet vóór de datum"))
            continue
        if jaar == datum.year:
            ceiling, what = authorised(activiteit, jaar), "geautoriseerd"
        else:
            ceiling, what = budget_of(activiteit, jaar), "begroot"
        free = ceiling - committed(activiteit, jaar)
        if amount > free:
            problems.append(
                Problem(
                    f"termijnen.{jaar}",
                    f"meer dan {what}: vrij in {jaar} is {free}",
                    "over_authorisation",
                )
            )
        clean[jaar] = amount
    if not clean and not problems:
        problems.append(Problem("termijnen", "geef ten minste één termijn", "required"))
    if not str(referentie).strip():
        problems.append(Problem("referentie", "verplicht", "required"))
    if soort not in Verplichting.Soort.values:
        problems.append(Problem("soort", "onbekende soort", "invalid_choice"))
    if problems:
        raise DomainError("De verplichting is niet opgeslagen.", problems)
    verplichting = Verplichting.objects.create(
        activiteit=activiteit,
        soort=soort,
        referentie=referentie,
        omschrijving=omschrijving,
        datum=datum,
    )
    Termijn.objects.bulk_create(
        Termijn(verplichting=verplichting, jaar=j, bedrag=b) for j, b in clean.items()
    )
    record(Actie.AANMAKEN, verplichting, na={"termijnen": clean, "soort": soort}, user=user)
    return verplichting


@transaction.atomic
def enter_realisation(
    activiteit, datum, bedrag, referentie, verplichting=None, user=None, toelichting=""
):
    """Spending: never beyond the authorisation of its year; against a commitment where the
    activity requires one, and then not beyond that commitment's term for the year."""
    from samen.fonds.models import Realisatie

    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems)
    if amount is not None:
        ceiling = authorised(activiteit, datum.year)
        spent = realised(activiteit, datum.year)
        if spent + amount > ceiling:
            problems.append(
                Problem(
                    "bedrag",
                    f"uitgaven boven de autorisatie: geautoriseerd {ceiling}, "
                    f"al uitgegeven {spent}",
                    "over_authorisation",
                )
            )
    if activiteit.verplichting_vereist and verplichting is None:
        problems.append(
            Problem("verplichting", "deze activiteit vraagt een verplichting", "required")
        )
    if verplichting is not None and amount is not None:
        if verplichting.activiteit_id != activiteit.pk:
            problems.append(Problem("verplichting", "hoort bij een andere activiteit"))
        else:
            term = _sum(verplichting.termijnen.filter(jaar=datum.year))
            used = _sum(verplichting.realisaties.filter(datum__year=datum.year))
            if used + amount > term:
                problems.append(
                    Problem(
                        "bedrag", f"meer dan de verplichting voor {datum.year} ({term}, al {used})"
                    )
                )
    if not str(referentie).strip():
        problems.append(Problem("referentie", "verplicht", "required"))
    if problems:
        raise DomainError("De realisatie is niet opgeslagen.", problems)
    realisatie = Realisatie.objects.create(
        activiteit=activiteit,
        verplichting=verplichting,
        datum=datum,
        bedrag=amount,
        referentie=referentie,
        toelichting=toelichting,
    )
    record(Actie.AANMAKEN, realisatie, na={"bedrag": amount, "datum": datum}, user=user)
    return realisatie


@transaction.atomic
def grant_incentive(
    activiteit: Activiteit,
    voorziening,
    bedrag_per_gemeente,
    live_voor,
    datum,
    referentie: str,
    user=None,
):
    """A financial incentive for every municipality live with a voorziening before a date,
    taken from the participation register; booked as a commitment of kind stimulering for the
    year of ``datum`` (so it must fit the authorisation), with its recipients."""
    from samen.deelnames.models import Deelname, Status
    from samen.fonds.models import Ontvanger, Verplichting

    problems: list[Problem] = []
    amount = _amount(bedrag_per_gemeente, "bedragPerGemeente", problems)
    if problems:
        raise DomainError("De prikkel is niet toegekend.", problems)
    live = list(
        Deelname.objects.filter(
            voorziening=voorziening,
            live_op__isnull=False,
            live_op__lt=live_voor,
            status=Status.IN_GEBRUIK,
        )
        .select_related("gemeente")
        .order_by("gemeente__code")
    )
    if not live:
        raise DomainError(
            "De prikkel is niet toegekend.",
            [Problem("liveVoor", f"geen gemeente was vóór {live_voor} live", "empty")],
        )
    total = amount * len(live)
    verplichting = enter_commitment(
        activiteit,
        referentie,
        f"Financiële prikkel {voorziening.naam}: live vóór {live_voor}",
        datum,
        {datum.year: total},
        soort=Verplichting.Soort.STIMULERING,
        user=user,
    )
    Ontvanger.objects.bulk_create(
        Ontvanger(verplichting=verplichting, gemeente=d.gemeente, bedrag=amount) for d in live
    )
    return verplichting


@transaction.atomic
def prefinance(
    activiteit, referentie, omschrijving, datum, uitbetaling: dict, terugbetaling: dict, user=None
):
    """Prefinancing of a project: paid out as a commitment (kind voorfinanciering) and repaid
    later on a schedule that adds up to exactly what is paid out."""
    from samen.fonds.models import Terugbetaling, Verplichting

    problems: list[Problem] = []
    out = {int(j): _amount(b, f"uitbetaling.{j}", problems) for j, b in uitbetaling.items()}
    back = {int(j): _amount(b, f"terugbetaling.{j}", problems) for j, b in terugbetaling.items()}
    if not problems:
        if sum(back.values()) != sum(out.values()):
            problems.append(
                Problem(
                    "terugbetaling",
                    f"de terugbetaling ({sum(back.values())}) is niet gelijk aan de uitbetaling "
                    f"({sum(out.values())})",
                )
            )
        if back and out and min(back) < min(out):
            problems.append(Problem("terugbetaling", "terugbetalen begint niet vóór uitbetalen"))
    if problems:
        raise DomainError("De voorfinanciering is niet opgeslagen.", problems)
    verplichting = enter_commitment(
        activiteit,
        referentie,
        omschrijving,
        datum,
        out,
        soort=Verplichting.Soort.VOORFINANCIERING,
        user=user,
    )
    Terugbetaling.objects.bulk_create(
        Terugbetaling(verplichting=verplichting, jaar=j, bedrag=b) for j, b in back.items()
    )
    return verplichting


@transaction.atomic
def register_repayment(terugbetaling, bedrag, user=None):
    from samen.fonds.models import Terugbetaling

    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems)
    t = Terugbetaling.objects.select_for_update().get(pk=terugbetaling.pk)
    if amount is not None and t.ontvangen + amount > t.bedrag:
        problems.append(Problem("bedrag", f"meer dan de termijn ({t.bedrag - t.ontvangen} open)"))
    if problems:
        raise DomainError("De terugbetaling is niet geregistreerd.", problems)
    before = t.ontvangen
    t.ontvangen += amount
    t.save(update_fields=["ontvangen"])
    record(
        Actie.WIJZIGEN,
        t.verplichting,
        voor={"ontvangen": before},
        na={"jaar": t.jaar, "ontvangen": t.ontvangen},
        user=user,
        toelichting="terugbetaling",
    )
    return t
