"""The decision process: request → assessment → advice → board decision. Each step is one
service with its own permission (checked by the adapters), date and author, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from samen.accounts.models import Rol
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.besluiten.models import (
    BESTUUR,
    COLLEGE,
    PROGRAMMABUREAU,
    TASKFORCE,
    Advies,
    Beoordeling,
    Besluit,
    Binding,
    Soort,
    Steun,
    Verzoek,
    orgaan,
)
from samen.besluiten.queries import (
    ASSESSMENT_FIELDS,
    amendments,
    check_advice,
    check_assessment,
    check_past,
    check_request,
    check_step,
    check_terms,
    decision_terms,
    in_force,
)
from samen.core.actors import authenticated
from samen.core.errors import Conflict, DomainError, Problem
from samen.portfolio.models import Fase, Voorziening


@transaction.atomic
def submit_request(
    voorziening: Voorziening,
    titel: str,
    motivering: str,
    datum: dt.date,
    user=None,
    steunende_gemeenten: list[str] | None = None,
    soort: str = Soort.OPSCHALING,
) -> Verzoek:
    """A request to scale up (or another kind) for a voorziening in ontwikkeling or later.

    ``steunende_gemeenten`` are the municipalities the requester *asks* for support: each gets
    a support row "gevraagd, niet bevestigd" until its own contact answers (``answer_support``).
    The requester's own municipality (a contact filing for it) is confirmed at once."""
    gemeenten = check_request(voorziening, titel, motivering, datum, steunende_gemeenten, soort)
    actor = authenticated(user)
    eigen = actor.gemeente_id if actor is not None and actor.rol == Rol.GEMEENTE else None
    verzoek = Verzoek.objects.create(
        soort=soort,
        voorziening=voorziening,
        titel=titel.strip(),
        motivering=motivering.strip(),
        aanvrager=actor,
        aanvrager_naam=orgaan(user, PROGRAMMABUREAU),
        ingediend_op=datum,
    )
    rows = Steun.objects.bulk_create(
        Steun(
            verzoek=verzoek,
            gemeente=g,
            gevraagd_op=datum,
            **(
                {"status": Steun.Status.BEVESTIGD, "beantwoord_op": datum, "beantwoord_door": actor}
                if g.pk == eigen
                else {}
            ),
        )
        for g in gemeenten
    )
    record(
        Actie.AANMAKEN,
        verzoek,
        na={**snapshot(verzoek), "steun": {r.gemeente.code: r.status for r in rows}},
        user=user,
    )
    return verzoek


@transaction.atomic
def answer_support(verzoek: Verzoek, bevestigd: bool, datum: dt.date, user) -> Steun:
    """A municipality confirms (or declines) the support a request names it for. Only a contact
    of that municipality answers for it (no other role, nor a superuser on its behalf); an answer
    is given once: the same answer again changes nothing and says so."""
    actor = authenticated(user)
    if actor is None or actor.rol != Rol.GEMEENTE or actor.gemeente_id is None:
        raise DomainError(
            "Alleen de contactpersoon van de gevraagde gemeente bevestigt haar steun.", [], 403
        )
    steun = (
        Steun.objects.select_for_update()
        .select_related("gemeente", "verzoek")
        .filter(verzoek=verzoek, gemeente_id=actor.gemeente_id)
        .first()
    )
    if steun is None:
        raise DomainError(
            f"De gemeente {actor.gemeente.naam} is voor dit verzoek niet om steun gevraagd.",
            [],
            403,
        )
    nieuw = Steun.Status.BEVESTIGD if bevestigd else Steun.Status.AFGEWEZEN
    if steun.status != Steun.Status.GEVRAAGD:
        raise Conflict(
            f"De gemeente {steun.gemeente.naam} heeft al geantwoord "
            f"({steun.get_status_display()} op {steun.beantwoord_op:%d-%m-%Y}); "
            "er is niets veranderd."
        )
    problems: list[Problem] = []
    check_past(datum, "datum", "De datum van het antwoord", problems, earliest=steun.gevraagd_op)
    if problems:
        raise DomainError("Het antwoord is niet vastgelegd.", problems)
    key = f"steun {steun.gemeente.code}"
    voor = {key: steun.status}
    steun.status = nieuw
    steun.beantwoord_op = datum
    steun.beantwoord_door = actor
    steun.save(update_fields=["status", "beantwoord_op", "beantwoord_door"])
    # Recorded on the request, so that its public history shows who answered (the municipality).
    record(
        Actie.WIJZIGEN,
        steun.verzoek,
        voor=voor,
        na={key: steun.status, f"{key} beantwoord op": datum},
        user=user,
        toelichting=f"steun {steun.get_status_display()} door gemeente {steun.gemeente.naam}",
    )
    return steun


def _meeting_problems(vergadering, stap: str, datum, problems: list[Problem]) -> None:
    """The meeting a step names must be of the body that takes it and fit the step's date."""
    if vergadering is None:
        return
    from samen.gremia.queries import check_vergadering

    check_vergadering(vergadering, stap, datum if isinstance(datum, dt.date) else None, problems)


def _check_meeting(vergadering, stap: str, datum, message: str) -> None:
    problems: list[Problem] = []
    _meeting_problems(vergadering, stap, datum, problems)
    if problems:
        raise DomainError(message, problems)


def _advance(verzoek: Verzoek, expected: str, new: str) -> Verzoek:
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    check_step(verzoek, expected)
    verzoek.stap = new
    verzoek.save(update_fields=["stap"])
    return verzoek


@transaction.atomic
def assess(
    verzoek: Verzoek, data: dict, datum: dt.date, user=None, vergadering=None
) -> Beoordeling:
    """Step 2 (Task Force): impact analysis, societal benefits, scalability. ``vergadering`` is
    the Task Force meeting it was taken in (optional; its body and date are checked)."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    check_step(verzoek, Verzoek.Stap.INGEDIEND)
    _check_meeting(vergadering, "beoordeling", datum, "De beoordeling is niet vastgelegd.")
    check_assessment(verzoek, data, datum)
    verzoek = _advance(verzoek, Verzoek.Stap.INGEDIEND, Verzoek.Stap.BEOORDEELD)
    beoordeling = Beoordeling.objects.create(
        verzoek=verzoek,
        **{f: str(data[f]).strip() for f in ASSESSMENT_FIELDS},
        door=TASKFORCE,
        gebruiker=authenticated(user),
        datum=datum,
        vergadering=vergadering,
    )
    record(Actie.AANMAKEN, beoordeling, na=snapshot(beoordeling), user=user)
    return beoordeling


@transaction.atomic
def advise(verzoek: Verzoek, data: dict, datum: dt.date, user=None, vergadering=None) -> Advies:
    """Step 3 (College): rollout, timeline, binding level, cooperation, execution structure,
    the conditions that bind participants and the exit terms. ``vergadering``: the College
    meeting it was given in (optional, checked)."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    check_step(verzoek, Verzoek.Stap.BEOORDEELD)
    _check_meeting(vergadering, "advies", datum, "Het advies is niet vastgelegd.")
    check_advice(verzoek, data, datum)
    verzoek = _advance(verzoek, Verzoek.Stap.BEOORDEELD, Verzoek.Stap.GEADVISEERD)
    advies = Advies.objects.create(
        verzoek=verzoek,
        uitrol=data["uitrol"],
        tijdpad=data["tijdpad"],
        binding=data["binding"],
        samenwerkingsvorm=data["samenwerkingsvorm"],
        uitvoering=data["uitvoering"],
        voorwaarden=data["voorwaarden"],
        uittreden_vanaf=data.get("uittreden_vanaf"),
        uittredingsvoorwaarden=data.get("uittredingsvoorwaarden") or "",
        door=COLLEGE,
        gebruiker=authenticated(user),
        datum=datum,
        vergadering=vergadering,
    )
    record(Actie.AANMAKEN, advies, na=snapshot(advies), user=user)
    return advies


def _next_number(datum: dt.date) -> str:
    prefix = f"B{datum.year}-"
    last = Besluit.objects.filter(nummer__startswith=prefix).aggregate(m=Max("nummer"))["m"]
    n = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


@transaction.atomic
def decide(
    verzoek: Verzoek,
    uitkomst: str,
    datum: dt.date,
    user=None,
    wijzigingen: dict | None = None,
    toelichting: str = "",
    vergadering=None,
) -> Besluit:
    """Step 4 (board): adopted, adopted with amendments, or rejected; published at once.
    Adopting a scaling request for a voorziening in ontwikkeling moves it to opschaling through
    the portfolio's phase service; a binding-for-all decision creates every participation.
    A request already decided changes nothing and says so (a second identical submit)."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.stap == Verzoek.Stap.BESLOTEN:
        nummers = ", ".join(verzoek.besluiten.order_by("id").values_list("nummer", flat=True))
        raise Conflict(
            f"Over dit verzoek is al besloten ({nummers}); er is niets veranderd. "
            "Een wijziging is een nieuw besluit dat het oude vervangt."
        )
    if verzoek.stap != Verzoek.Stap.GEADVISEERD:
        raise Conflict("Het bestuur besluit na het advies van het College.")
    terms, problems = decision_terms(verzoek, uitkomst, datum, wijzigingen)
    _meeting_problems(vergadering, "besluit", datum, problems)
    if problems:
        raise DomainError("Het besluit is niet genomen.", problems)
    verzoek.stap = Verzoek.Stap.BESLOTEN
    verzoek.save(update_fields=["stap"])
    previous = in_force(verzoek.voorziening) if uitkomst != Besluit.Uitkomst.AFGEWEZEN else None
    besluit = Besluit.objects.create(
        soort=verzoek.soort,
        verzoek=verzoek,
        voorziening=verzoek.voorziening,
        nummer=_next_number(datum),
        titel=verzoek.titel,
        uitkomst=uitkomst,
        toelichting=toelichting,
        datum=datum,
        vervangt=previous,
        genomen_door=BESTUUR,
        gebruiker=authenticated(user),
        vergadering=vergadering,
        **(terms if uitkomst != Besluit.Uitkomst.AFGEWEZEN else {"binding": "", "uitvoering": ""}),
    )
    record(Actie.AANMAKEN, besluit, na=snapshot(besluit), user=user, toelichting="besluit genomen")
    if uitkomst != Besluit.Uitkomst.AFGEWEZEN:
        _after_adoption(besluit, user)
    return besluit


@transaction.atomic
def amend(
    besluit: Besluit,
    wijzigingen: dict,
    datum: dt.date,
    user=None,
    toelichting="",
    vergadering=None,
) -> Besluit:
    """A published decision never changes: an amendment is a new decision that replaces it."""
    if not besluit.in_force:
        raise Conflict(f"Besluit {besluit.nummer} is al vervangen.")
    if besluit.uitkomst == Besluit.Uitkomst.AFGEWEZEN:
        raise Conflict("Een afwijzing wordt niet gewijzigd; dien een nieuw verzoek in.")
    terms = {
        "binding": besluit.binding,
        "uitvoering": besluit.uitvoering,
        "voorwaarden": besluit.voorwaarden,
        "uittreden_vanaf": besluit.uittreden_vanaf,
        "uittredingsvoorwaarden": besluit.uittredingsvoorwaarden,
    }
    problems: list[Problem] = []
    terms.update(amendments(wijzigingen, terms, problems))
    check_terms(terms, problems)
    check_past(
        datum, "datum", "De datum van het wijzigingsbesluit", problems, earliest=besluit.datum
    )
    _meeting_problems(vergadering, "besluit", datum, problems)
    if problems:
        raise DomainError("Het besluit is niet gewijzigd.", problems)
    nieuw = Besluit.objects.create(
        soort=besluit.soort,
        verzoek=besluit.verzoek,
        voorziening=besluit.voorziening,
        nummer=_next_number(datum),
        titel=besluit.titel,
        uitkomst=Besluit.Uitkomst.GEWIJZIGD,
        toelichting=toelichting or f"Vervangt besluit {besluit.nummer}.",
        datum=datum,
        vervangt=besluit,
        genomen_door=BESTUUR,
        gebruiker=authenticated(user),
        vergadering=vergadering,
        **terms,
    )
    record(Actie.AANMAKEN, nieuw, na=snapshot(nieuw), user=user, toelichting="wijzigingsbesluit")
    _after_adoption(nieuw, user)
    return nieuw


def _after_adoption(besluit: Besluit, user) -> None:
    from samen.deelnames.services import enforce_binding_for_all
    from samen.portfolio.services import change_phase

    voorziening = (
        Voorziening.objects.get(pk=besluit.voorziening_id) if besluit.voorziening_id else None
    )
    if (
        besluit.soort == Soort.OPSCHALING
        and voorziening is not None
        and voorziening.fase == Fase.ONTWIKKELING
    ):
        change_phase(
            voorziening,
            Fase.OPSCHALING,
            besluit.datum,
            user=user,
            reden="Verzoek tot opschaling vastgesteld.",
            besluit_referentie=besluit.nummer,
        )
    if besluit.binding == Binding.ALGEMEEN and voorziening is not None:
        enforce_binding_for_all(besluit, user=user)
