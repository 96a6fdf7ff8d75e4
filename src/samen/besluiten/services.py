"""The decision process: request → assessment → advice → board decision. Each step is one
service with its own permission (checked by the adapters), date and author, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.besluiten.models import Advies, Beoordeling, Besluit, Binding, Soort, Uitvoering, Verzoek
from samen.core.actors import authenticated, label
from samen.core.errors import Conflict, DomainError, Problem
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Fase, Voorziening


def _required(data: dict, names: list[str], problems: list[Problem]) -> None:
    for name in names:
        if not str(data.get(name) or "").strip():
            problems.append(Problem(name, "verplicht", "required"))


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
    """A request to scale up (or another kind) for a voorziening in ontwikkeling or later."""
    problems: list[Problem] = []
    _required({"titel": titel, "motivering": motivering}, ["titel", "motivering"], problems)
    if soort not in Soort.values:
        problems.append(Problem("soort", "onbekende soort", "invalid_choice"))
    if soort == Soort.OPSCHALING and voorziening.fase in (Fase.INITIATIEF, Fase.BEEINDIGD):
        problems.append(
            Problem(
                "voorziening",
                f"opschaling kan vanaf de fase ontwikkeling; {voorziening.naam} is in fase "
                f"{voorziening.get_fase_display()}",
                "invalid_phase",
            )
        )
    codes = list(steunende_gemeenten or [])
    gemeenten = list(Gemeente.objects.filter(code__in=codes))
    for code in sorted(set(codes) - {g.code for g in gemeenten}):
        problems.append(Problem("steunendeGemeenten", f"onbekende gemeente {code}"))
    if problems:
        raise DomainError("Het verzoek is niet ingediend.", problems)
    verzoek = Verzoek.objects.create(
        soort=soort,
        voorziening=voorziening,
        titel=titel.strip(),
        motivering=motivering.strip(),
        aanvrager=authenticated(user),
        aanvrager_naam=label(user) or "programmabureau",
        ingediend_op=datum,
    )
    verzoek.steunende_gemeenten.set(gemeenten)
    record(Actie.AANMAKEN, verzoek, na={**snapshot(verzoek), "steun": codes}, user=user)
    return verzoek


def _advance(verzoek: Verzoek, expected: str, new: str) -> Verzoek:
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.stap != expected:
        raise Conflict(
            f"Dit verzoek is {verzoek.get_stap_display()}; deze stap kan alleen na "
            f"'{Verzoek.Stap(expected).label}'."
        )
    verzoek.stap = new
    verzoek.save(update_fields=["stap"])
    return verzoek


@transaction.atomic
def assess(verzoek: Verzoek, data: dict, datum: dt.date, user=None) -> Beoordeling:
    """Step 2 (Task Force): impact analysis, societal benefits, scalability."""
    fields = ["impact_gemeenten", "impact_inwoners", "maatschappelijke_baten", "opschaalbaarheid"]
    problems: list[Problem] = []
    _required(data, fields, problems)
    if problems:
        raise DomainError("De beoordeling is niet opgeslagen.", problems)
    verzoek = _advance(verzoek, Verzoek.Stap.INGEDIEND, Verzoek.Stap.BEOORDEELD)
    beoordeling = Beoordeling.objects.create(
        verzoek=verzoek,
        **{f: str(data[f]).strip() for f in fields},
        door=label(user),
        gebruiker=authenticated(user),
        datum=datum,
    )
    record(Actie.AANMAKEN, beoordeling, na=snapshot(beoordeling), user=user)
    return beoordeling


def _validate_terms(data: dict, problems: list[Problem]) -> None:
    if data.get("binding") not in Binding.values:
        problems.append(
            Problem("binding", f"kies uit {', '.join(Binding.values)}", "invalid_choice")
        )
    if data.get("uitvoering") not in Uitvoering.values:
        problems.append(
            Problem("uitvoering", f"kies uit {', '.join(Uitvoering.values)}", "invalid_choice")
        )
    if (
        data.get("binding") == Binding.VRIJWILLIG
        and not str(data.get("uittredingsvoorwaarden") or "").strip()
    ):
        problems.append(
            Problem(
                "uittredingsvoorwaarden",
                "bij vrijwillig maar niet vrijblijvend horen uittredingsvoorwaarden",
                "required",
            )
        )


@transaction.atomic
def advise(verzoek: Verzoek, data: dict, datum: dt.date, user=None) -> Advies:
    """Step 3 (College): rollout, timeline, binding level, cooperation, execution structure,
    the conditions that bind participants and the exit terms."""
    problems: list[Problem] = []
    _required(data, ["uitrol", "tijdpad", "samenwerkingsvorm", "voorwaarden"], problems)
    _validate_terms(data, problems)
    if problems:
        raise DomainError("Het advies is niet opgeslagen.", problems)
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
        door=label(user),
        gebruiker=authenticated(user),
        datum=datum,
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
) -> Besluit:
    """Step 4 (board): adopted, adopted with amendments, or rejected; published at once.
    Adopting a scaling request for a voorziening in ontwikkeling moves it to opschaling through
    the portfolio's phase service; a binding-for-all decision creates every participation."""
    problems: list[Problem] = []
    if uitkomst not in Besluit.Uitkomst.values:
        problems.append(Problem("uitkomst", "kies vastgesteld, gewijzigd of afgewezen"))
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.stap != Verzoek.Stap.GEADVISEERD:
        raise Conflict("Het bestuur besluit na het advies van het College.")
    advies = verzoek.advies
    terms = {
        "binding": advies.binding,
        "uitvoering": advies.uitvoering,
        "voorwaarden": advies.voorwaarden,
        "uittreden_vanaf": advies.uittreden_vanaf,
        "uittredingsvoorwaarden": advies.uittredingsvoorwaarden,
    }
    if uitkomst == Besluit.Uitkomst.GEWIJZIGD:
        if not wijzigingen:
            problems.append(Problem("wijzigingen", "een gewijzigd besluit noemt de wijzigingen"))
        terms.update({k: v for k, v in (wijzigingen or {}).items() if k in terms})
        _validate_terms(terms, problems)
    if advies.datum > datum:
        problems.append(Problem("datum", "het besluit ligt vóór het advies"))
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
        genomen_door=label(user) or "VNG-bestuur",
        gebruiker=authenticated(user),
        **(terms if uitkomst != Besluit.Uitkomst.AFGEWEZEN else {"binding": "", "uitvoering": ""}),
    )
    record(Actie.AANMAKEN, besluit, na=snapshot(besluit), user=user, toelichting="besluit genomen")
    if uitkomst != Besluit.Uitkomst.AFGEWEZEN:
        _after_adoption(besluit, user)
    return besluit


@transaction.atomic
def amend(
    besluit: Besluit, wijzigingen: dict, datum: dt.date, user=None, toelichting=""
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
    terms.update({k: v for k, v in wijzigingen.items() if k in terms})
    problems: list[Problem] = []
    _validate_terms(terms, problems)
    if datum < besluit.datum:
        problems.append(Problem("datum", "ligt vóór het besluit dat wordt vervangen"))
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
        genomen_door=label(user) or "VNG-bestuur",
        gebruiker=authenticated(user),
        **terms,
    )
    record(Actie.AANMAKEN, nieuw, na=snapshot(nieuw), user=user, toelichting="wijzigingsbesluit")
    _after_adoption(nieuw, user)
    return nieuw


def in_force(voorziening: Voorziening) -> Besluit | None:
    """The adopted decision version in force for a voorziening (not replaced)."""
    return (
        Besluit.objects.filter(voorziening=voorziening, vervangen_door__isnull=True)
        .exclude(uitkomst=Besluit.Uitkomst.AFGEWEZEN)
        .order_by("-datum", "-id")
        .first()
    )


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
