"""State changes of the fund (first part): budgets and yearly contributions. One transaction
each, validated with every problem listed, audited with the values before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.actors import authenticated, label
from samen.core.dates import PLATFORM_YEARS, When, check_date, nl_date
from samen.core.errors import DomainError, Problem
from samen.core.money import MoneyError, format_euro, parse_amount
from samen.fonds import contributions, queries
from samen.fonds.models import Activiteit, Begrotingsregel, Bijdrage, Bijdrageregeling, Fonds
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar


def _amount(
    value, name: str, problems: list[Problem], places: int = 2, positive: bool = False
) -> Decimal | None:
    """An amount a person typed, read by the one parser (``core.money.parse_amount``: Dutch
    notation, or a machine's "1250000.00"); a problem is listed instead of raised, so that every
    invalid field is named at once. ``positive`` refuses zero too."""
    try:
        amount = parse_amount(value, places=places)
    except MoneyError as exc:
        problems.append(Problem(name, str(exc)))
        return None
    if positive and amount == 0:
        problems.append(Problem(name, "moet groter zijn dan € 0,00", "zero"))
        return None
    return amount


def _year(value, name: str, problems: list[Problem]) -> int | None:
    """A year typed by a person or a client: ASCII digits within the platform's years."""
    text = str(value).strip() if value is not None else ""
    low, high = PLATFORM_YEARS.start, PLATFORM_YEARS.stop - 1
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif text.isascii() and text.isdigit() and len(text) <= 4:
        year = int(text)
    else:
        problems.append(
            Problem(name, f"geen jaartal: {value!r} (een jaar van {low} tot en met {high})")
        )
        return None
    if year not in PLATFORM_YEARS:
        problems.append(Problem(name, f"jaar {year} buiten {low}–{high}", "range"))
        return None
    return year


def _lock(activiteit: Activiteit) -> Activiteit:
    """The activity's row, locked until the transaction ends: every check of its budget,
    authorisation, commitments and spending and the change it guards happen under this lock,
    so two requests at once cannot both pass a check that only one of them may pass."""
    return Activiteit.objects.select_for_update().get(pk=activiteit.pk)


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
    inwoners = bevolking.per_gemeente
    if weights is not None:
        from samen.core.money import allocate

        shares = allocate(amount, weights)
    elif amount is not None:
        shares = contributions.shares_of_total(amount, inwoners)
    else:
        shares = contributions.shares_per_inhabitant(rate, inwoners)
        amount = sum(shares.values(), Decimal("0.00"))
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


# --- authorisation, commitments, realisation ------------------------------------------------


def _check_authorisation(activiteit, jaar: int, amount: Decimal, problems: list[Problem]):
    """An authorisation (on top of what is already authorised) fits the year's current budget
    and is not below what is already committed for that year (commitments in a year that was
    not yet authorised were checked against its budget)."""
    from samen.fonds.queries import current_budget

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
        return
    auth, done = queries.authorised(activiteit, jaar), queries.committed(activiteit, jaar)
    if auth + amount > budget:
        problems.append(
            Problem(
                "bedrag",
                f"meer dan de begroting ({format_euro(budget)}) voor {activiteit.naam} in "
                f"{jaar}: al geautoriseerd {format_euro(auth)}, vrij {format_euro(budget - auth)}",
                "over_budget",
            )
        )
    elif auth + amount < done:
        problems.append(
            Problem(
                "bedrag",
                f"lager dan wat al is verplicht voor {activiteit.naam} in {jaar} "
                f"({format_euro(done)}; al geautoriseerd {format_euro(auth)})",
                "below_committed",
            )
        )


@transaction.atomic
def propose_authorisation(activiteit: Activiteit, jaar: int, bedrag, user=None):
    """The College proposes; the proposal may not exceed what is free to authorise (the current
    budget minus what is authorised), nor leave the authorisation below what is already
    committed for that year; EUR 0 authorises nothing and is refused. The same open proposal
    twice (a second submit) is refused."""
    from samen.fonds.models import Autorisatie

    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems, positive=True)
    year = _year(jaar, "jaar", problems)
    if year is not None:
        activiteit = _lock(activiteit)
        if amount is not None:
            _check_authorisation(activiteit, year, amount, problems)
            if Autorisatie.objects.filter(
                activiteit=activiteit,
                jaar=year,
                bedrag=amount,
                status=Autorisatie.Status.VOORGESTELD,
            ).exists():
                problems.append(
                    Problem(
                        "bedrag",
                        f"er staat al een voorstel van {format_euro(amount)} voor "
                        f"{activiteit.naam} in {year} open",
                        "duplicate",
                    )
                )
    if problems:
        raise DomainError("Het voorstel is niet opgeslagen.", problems)
    jaar = year
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
    """The board decides (once: a proposal moves from proposed to adopted or rejected, never
    back); the decision is a published `Besluit` of kind autorisatie, dated today or earlier.
    Adopting checks the proposal again against the budget and the commitments of that moment
    (other proposals may have been adopted since)."""
    from samen.besluiten.models import Besluit, Soort
    from samen.besluiten.services import _next_number
    from samen.core.errors import Conflict
    from samen.fonds.models import Autorisatie
    from samen.fonds.queries import authorisation_title

    _lock(voorstel.activiteit)
    voorstel = (
        Autorisatie.objects.select_for_update()
        .select_related("activiteit__compartiment__fonds")
        .get(pk=voorstel.pk)
    )
    if voorstel.status != Autorisatie.Status.VOORGESTELD:
        raise Conflict("Over dit voorstel is al besloten.")
    problems: list[Problem] = []
    if not isinstance(datum, dt.date):
        problems.append(Problem("datum", f"geen datum: {datum!r}"))
    else:
        check_date(datum, field="datum", label="De besluitdatum", when=When.PAST, problems=problems)
    if vastgesteld:
        if voorstel.bedrag <= 0:
            problems.append(Problem("bedrag", "een autorisatie van € 0,00 autoriseert niets"))
        else:
            _check_authorisation(voorstel.activiteit, voorstel.jaar, voorstel.bedrag, problems)
    if problems:
        raise DomainError("Het besluit is niet genomen.", problems)
    besluit = Besluit.objects.create(
        soort=Soort.AUTORISATIE,
        nummer=_next_number(datum),
        titel=authorisation_title(voorstel),
        uitkomst=Besluit.Uitkomst.VASTGESTELD if vastgesteld else Besluit.Uitkomst.AFGEWEZEN,
        datum=datum,
        genomen_door=label(user) or "VNG-bestuur",
        gebruiker=authenticated(user),
    )
    record(
        Actie.AANMAKEN,
        besluit,
        na={"nummer": besluit.nummer, "titel": besluit.titel, "uitkomst": besluit.uitkomst},
        user=user,
        toelichting="autorisatiebesluit",
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


def _check_datum(datum, field: str, label: str, problems: list[Problem]) -> dt.date | None:
    if not isinstance(datum, dt.date):
        problems.append(Problem(field, f"geen datum: {datum!r}", "required"))
        return None
    return check_date(datum, field=field, label=label, when=When.PAST, problems=problems)


@transaction.atomic
def enter_commitment(
    activiteit, referentie, omschrijving, datum, termijnen: dict, soort="gewoon", user=None
):
    """A commitment with its amount per year, entered on or before today. A year up to the
    commitment's own year, and any year the board has already authorised, is checked against
    what is authorised minus what is already committed: the commitments of an authorised year
    never exceed its authorisation. A later year not yet authorised is checked against that
    year's budget minus what is already committed (it then reduces what is free to authorise,
    and the authorisation may not be set below it). The activity's row is locked, so two
    commitments entered at once are checked one after the other. A second commitment with the
    same reference for the activity (a repeated submit) is refused."""
    from samen.fonds.models import Termijn, Verplichting

    problems: list[Problem] = []
    datum = _check_datum(datum, "datum", "De datum van de verplichting", problems)
    activiteit = _lock(activiteit)
    clean = {}
    for raw_year, bedrag in sorted(termijnen.items(), key=lambda item: str(item[0])):
        jaar = _year(raw_year, f"termijnen.{raw_year}", problems)
        amount = _amount(bedrag, f"termijnen.{raw_year}", problems)
        if amount is None or jaar is None or datum is None:
            continue
        if jaar in clean:
            problems.append(Problem(f"termijnen.{jaar}", "een jaar komt twee keer voor"))
            continue
        if jaar < datum.year:
            problems.append(Problem(f"termijnen.{jaar}", "een termijn ligt niet vóór de datum"))
            continue
        if jaar <= datum.year or queries.is_authorised(activiteit, jaar):
            ceiling, what = queries.authorised(activiteit, jaar), "geautoriseerd"
        else:
            ceiling, what = queries.budget_of(activiteit, jaar), "begroot"
        done = queries.committed(activiteit, jaar)
        free = ceiling - done
        if amount > free:
            problems.append(
                Problem(
                    f"termijnen.{jaar}",
                    f"{format_euro(amount)} is meer dan {what}: {what} in {jaar} "
                    f"{format_euro(ceiling)}, al verplicht {format_euro(done)}, "
                    f"vrij {format_euro(max(free, Decimal('0.00')))}",
                    "over_authorisation",
                )
            )
        clean[jaar] = amount
    if not clean and not problems:
        problems.append(Problem("termijnen", "geef ten minste één termijn", "required"))
    if not str(referentie).strip():
        problems.append(Problem("referentie", "verplicht", "required"))
    elif Verplichting.objects.filter(activiteit=activiteit, referentie=referentie).exists():
        problems.append(
            Problem(
                "referentie",
                f"er is al een verplichting {referentie} voor {activiteit.naam}",
                "duplicate",
            )
        )
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
    """Spending, dated today or earlier: never beyond the authorisation of its year; against a
    commitment where the activity requires one, and then not beyond that commitment's term for
    the year. The same spending twice (reference, date and amount: a repeated submit) is
    refused."""
    from samen.fonds.models import Realisatie

    problems: list[Problem] = []
    datum = _check_datum(datum, "datum", "De datum van de uitgave", problems)
    amount = _amount(bedrag, "bedrag", problems, positive=True)
    activiteit = _lock(activiteit)
    if amount is not None and datum is not None:
        ceiling = queries.authorised(activiteit, datum.year)
        spent = queries.realised(activiteit, datum.year)
        if spent + amount > ceiling:
            problems.append(
                Problem(
                    "bedrag",
                    f"uitgaven boven de autorisatie: geautoriseerd {format_euro(ceiling)}, "
                    f"al uitgegeven {format_euro(spent)}",
                    "over_authorisation",
                )
            )
    if activiteit.verplichting_vereist and verplichting is None:
        problems.append(
            Problem("verplichting", "deze activiteit vraagt een verplichting", "required")
        )
    if verplichting is not None and amount is not None and datum is not None:
        if verplichting.activiteit_id != activiteit.pk:
            problems.append(Problem("verplichting", "hoort bij een andere activiteit"))
        else:
            term = queries.total(verplichting.termijnen.filter(jaar=datum.year))
            used = queries.total(verplichting.realisaties.filter(datum__year=datum.year))
            if used + amount > term:
                problems.append(
                    Problem(
                        "bedrag",
                        f"meer dan de verplichting voor {datum.year} ({format_euro(term)}, "
                        f"al {format_euro(used)})",
                    )
                )
    if not str(referentie).strip():
        problems.append(Problem("referentie", "verplicht", "required"))
    elif (
        amount is not None
        and datum is not None
        and Realisatie.objects.filter(
            activiteit=activiteit, referentie=referentie, datum=datum, bedrag=amount
        ).exists()
    ):
        problems.append(
            Problem(
                "referentie",
                f"{referentie} van {format_euro(amount)} op {nl_date(datum)} is al geboekt",
                "duplicate",
            )
        )
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
    amount = _amount(bedrag_per_gemeente, "bedragPerGemeente", problems, positive=True)
    if not isinstance(live_voor, dt.date):
        problems.append(Problem("liveVoor", f"geen datum: {live_voor!r}", "required"))
    else:
        check_date(live_voor, field="liveVoor", label="Live vóór", problems=problems)
    _check_datum(datum, "datum", "De datum van de prikkel", problems)
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
            [Problem("liveVoor", f"geen gemeente was vóór {nl_date(live_voor)} live", "empty")],
        )
    total = amount * len(live)
    verplichting = enter_commitment(
        activiteit,
        referentie,
        f"Financiële prikkel {voorziening.naam}: live vóór {nl_date(live_voor)}",
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
    out, back = {}, {}
    for schedule, raw, name in (
        (out, uitbetaling, "uitbetaling"),
        (back, terugbetaling, "terugbetaling"),
    ):
        for j, b in raw.items():
            jaar = _year(j, f"{name}.{j}", problems)
            amount = _amount(b, f"{name}.{j}", problems)
            if jaar is not None and amount is not None:
                schedule[jaar] = amount
    if not problems:
        if sum(back.values()) != sum(out.values()):
            problems.append(
                Problem(
                    "terugbetaling",
                    f"de terugbetaling ({format_euro(sum(back.values()))}) is niet gelijk aan "
                    f"de uitbetaling ({format_euro(sum(out.values()))})",
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
    amount = _amount(bedrag, "bedrag", problems, positive=True)
    t = Terugbetaling.objects.select_for_update().get(pk=terugbetaling.pk)
    if amount is not None and t.ontvangen + amount > t.bedrag:
        problems.append(
            Problem("bedrag", f"meer dan de termijn ({format_euro(t.bedrag - t.ontvangen)} open)")
        )
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
