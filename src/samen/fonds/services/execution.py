"""State changes of the fund's spending: authorisation (the College proposes, the board
decides), commitments and realisation, each checked against the year's budget and authorisation
under the activity's lock. One transaction each, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.actors import authenticated, label
from samen.core.dates import When, check_date, nl_date
from samen.core.errors import DomainError, Problem
from samen.core.money import format_euro
from samen.fonds import queries
from samen.fonds.models import Activiteit

from .common import _amount, _check_datum, _lock, _year


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
    assert amount is not None and year is not None  # narrowed: their problems raised above
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
    assert amount is not None  # narrowed: its problem raised above
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
