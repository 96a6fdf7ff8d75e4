"""The decision process: request → assessment → advice → board decision. Each step is one
service with its own permission (checked by the adapters), date and author, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
    Uitvoering,
    Verzoek,
    orgaan,
)
from samen.core.actors import authenticated
from samen.core.dates import When, check_date, nl_date, parse_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import format_number
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Fase, Voorziening


def _required(data: dict, names: list[str], problems: list[Problem]) -> None:
    for name in names:
        if not str(data.get(name) or "").strip():
            problems.append(Problem(name, "verplicht", "required"))


def _past(value, name: str, label: str, problems: list[Problem], earliest=None) -> None:
    """A date on which something happened: not in the future, within the platform's years and
    not before the step it follows."""
    if value is None:
        problems.append(Problem(name, "verplicht", "required"))
        return
    check_date(value, field=name, label=label, when=When.PAST, problems=problems, earliest=earliest)


def check_request(
    voorziening: Voorziening,
    titel: str,
    motivering: str,
    datum: dt.date,
    steunende_gemeenten: list[str] | None = None,
    soort: str = Soort.OPSCHALING,
) -> list[Gemeente]:
    """Everything ``submit_request`` checks, without storing anything (for a confirmation step);
    returns the municipalities that will be asked for support."""
    problems: list[Problem] = []
    _required({"titel": titel, "motivering": motivering}, ["titel", "motivering"], problems)
    _past(datum, "datum", "De datum van indienen", problems)
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
    codes = [str(c).strip().upper() for c in (steunende_gemeenten or [])]
    codes = list(dict.fromkeys(c for c in codes if c))
    gemeenten = list(Gemeente.objects.filter(code__in=codes).order_by("code"))
    for code in sorted(set(codes) - {g.code for g in gemeenten}):
        problems.append(Problem("steunendeGemeenten", f"onbekende gemeente {code}"))
    for g in gemeenten:
        if not g.bestaat_op(datum):
            problems.append(
                Problem("steunendeGemeenten", f"gemeente {g.code} ({g.naam}) bestaat niet meer")
            )
    if problems:
        raise DomainError("Het verzoek is niet ingediend.", problems)
    return gemeenten


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
    _past(datum, "datum", "De datum van het antwoord", problems, earliest=steun.gevraagd_op)
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


STAP_NA = {
    Verzoek.Stap.INGEDIEND: "beoordeeld",
    Verzoek.Stap.BEOORDEELD: "geadviseerd",
    Verzoek.Stap.GEADVISEERD: "besloten",
}
ORDER = list(Verzoek.Stap.values)


def _check_step(verzoek: Verzoek, expected: str) -> None:
    """The step can be taken now; a step already taken changes nothing and says so."""
    if verzoek.stap == expected:
        return
    if ORDER.index(verzoek.stap) > ORDER.index(expected):
        done = Verzoek.Stap(ORDER[ORDER.index(expected) + 1]).label
        raise Conflict(f"Dit verzoek is al {done}; er is niets veranderd.")
    raise Conflict(
        f"Dit verzoek is {verzoek.get_stap_display()}; deze stap kan alleen na "
        f"'{Verzoek.Stap(expected).label}'."
    )


def _advance(verzoek: Verzoek, expected: str, new: str) -> Verzoek:
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    _check_step(verzoek, expected)
    verzoek.stap = new
    verzoek.save(update_fields=["stap"])
    return verzoek


ASSESSMENT_FIELDS = [
    "impact_gemeenten",
    "impact_inwoners",
    "maatschappelijke_baten",
    "opschaalbaarheid",
]


def check_assessment(verzoek: Verzoek, data: dict, datum: dt.date) -> None:
    """Everything ``assess`` checks, without storing anything (for a confirmation step)."""
    problems: list[Problem] = []
    _required(data, ASSESSMENT_FIELDS, problems)
    _past(datum, "datum", "De datum van de beoordeling", problems, earliest=verzoek.ingediend_op)
    if problems:
        raise DomainError("De beoordeling is niet opgeslagen.", problems)


@transaction.atomic
def assess(verzoek: Verzoek, data: dict, datum: dt.date, user=None) -> Beoordeling:
    """Step 2 (Task Force): impact analysis, societal benefits, scalability."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    _check_step(verzoek, Verzoek.Stap.INGEDIEND)
    check_assessment(verzoek, data, datum)
    verzoek = _advance(verzoek, Verzoek.Stap.INGEDIEND, Verzoek.Stap.BEOORDEELD)
    beoordeling = Beoordeling.objects.create(
        verzoek=verzoek,
        **{f: str(data[f]).strip() for f in ASSESSMENT_FIELDS},
        door=TASKFORCE,
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
    # A condition of the terms: any date within the platform's years.
    check_date(
        data.get("uittreden_vanaf"),
        field="uittreden_vanaf",
        label="Uittreden mogelijk vanaf",
        when=When.ANY,
        problems=problems,
    )


def check_advice(verzoek: Verzoek, data: dict, datum: dt.date) -> None:
    """Everything ``advise`` checks, without storing anything (for a confirmation step)."""
    problems: list[Problem] = []
    _required(data, ["uitrol", "tijdpad", "samenwerkingsvorm", "voorwaarden"], problems)
    _validate_terms(data, problems)
    beoordeling = Beoordeling.objects.filter(verzoek=verzoek).first()
    _past(
        datum,
        "datum",
        "De datum van het advies",
        problems,
        earliest=beoordeling.datum if beoordeling else verzoek.ingediend_op,
    )
    if problems:
        raise DomainError("Het advies is niet opgeslagen.", problems)


@transaction.atomic
def advise(verzoek: Verzoek, data: dict, datum: dt.date, user=None) -> Advies:
    """Step 3 (College): rollout, timeline, binding level, cooperation, execution structure,
    the conditions that bind participants and the exit terms."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    _check_step(verzoek, Verzoek.Stap.BEOORDEELD)
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
    )
    record(Actie.AANMAKEN, advies, na=snapshot(advies), user=user)
    return advies


def _next_number(datum: dt.date) -> str:
    prefix = f"B{datum.year}-"
    last = Besluit.objects.filter(nummer__startswith=prefix).aggregate(m=Max("nummer"))["m"]
    n = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


@dataclass
class Voorstel:
    """What publishing a decision will do, shown on the confirmation step before it happens."""

    titel: str
    uitkomst: str
    uitkomst_label: str
    datum: dt.date
    voorziening: Voorziening | None
    terms: dict = field(default_factory=dict)
    binding_label: str = ""
    uitvoering_label: str = ""
    gebonden: str = ""  # which municipalities it binds, in words
    aantal_gebonden: int | None = None
    vervangt: Besluit | None = None


def _binds(voorziening: Voorziening | None, binding: str, datum: dt.date) -> tuple[str, int | None]:
    from samen.deelnames.models import Deelname

    if not binding:
        return "geen: het verzoek wordt afgewezen", 0
    if binding == Binding.ALGEMEEN:
        n = Gemeente.objects.op(datum).count()
        text = f"alle {format_number(n)} gemeenten die op {nl_date(datum)} bestaan"
        return f"{text} (algemeen bindend)", n
    running = Deelname.objects.filter(voorziening=voorziening, tot__isnull=True).count()
    if binding == Binding.VRIJWILLIG:
        return (
            "de gemeenten die deelnemen: deelname is vrijwillig, wie deelneemt is gebonden aan "
            f"de voorwaarden en uittredingsvoorwaarden (nu {format_number(running)} deelnemend)",
            running,
        )
    return f"geen: deelname is geheel vrij (nu {format_number(running)} deelnemend)", running


AMENDMENT_NAMES = {"uittredenVanaf": "uittreden_vanaf"}


def _amendments(wijzigingen: dict | None, terms: dict, problems: list[Problem]) -> dict:
    """The amended terms of a decision, as a client may send them (the API's camelCase names
    too); a date given as text is read as core.dates reads dates, an unknown term is named."""
    result = {}
    for key, value in (wijzigingen or {}).items():
        name = AMENDMENT_NAMES.get(key, key)
        if name not in terms:
            problems.append(Problem(f"wijzigingen.{key}", "geen voorwaarde van het besluit"))
            continue
        if name == "uittreden_vanaf" and value not in (None, "") and not isinstance(value, dt.date):
            parsed = parse_date(str(value))
            if parsed is None:
                problems.append(
                    Problem(f"wijzigingen.{key}", "geen geldige datum; gebruik JJJJ-MM-DD")
                )
                continue
            value = parsed
        elif name == "uittreden_vanaf" and value == "":
            value = None
        elif name != "uittreden_vanaf":
            value = "" if value is None else str(value)
        result[name] = value
    return result


def _decision_terms(
    verzoek: Verzoek, uitkomst: str, datum: dt.date, wijzigingen: dict | None
) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    if uitkomst not in Besluit.Uitkomst.values:
        problems.append(Problem("uitkomst", "kies vastgesteld, gewijzigd of afgewezen"))
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
        terms.update(_amendments(wijzigingen, terms, problems))
        _validate_terms(terms, problems)
    _past(datum, "datum", "De besluitdatum", problems, earliest=advies.datum)
    return terms, problems


def preview_decision(
    verzoek: Verzoek, uitkomst: str, datum: dt.date, wijzigingen: dict | None = None
) -> Voorstel:
    """What ``decide`` would publish, checked as ``decide`` checks it, without storing anything:
    the title, outcome, binding level, the municipalities it binds, the voorziening and date."""
    verzoek = Verzoek.objects.select_related("voorziening", "advies").get(pk=verzoek.pk)
    _check_step(verzoek, Verzoek.Stap.GEADVISEERD)
    terms, problems = _decision_terms(verzoek, uitkomst, datum, wijzigingen)
    if problems:
        raise DomainError("Het besluit is niet genomen.", problems)
    afgewezen = uitkomst == Besluit.Uitkomst.AFGEWEZEN
    binding = "" if afgewezen else terms["binding"]
    gebonden, aantal = _binds(verzoek.voorziening, binding, datum)
    return Voorstel(
        titel=verzoek.titel,
        uitkomst=uitkomst,
        uitkomst_label=Besluit.Uitkomst(uitkomst).label,
        datum=datum,
        voorziening=verzoek.voorziening,
        terms=terms,
        binding_label=Binding(binding).label if binding else "",
        uitvoering_label="" if afgewezen else Uitvoering(terms["uitvoering"]).label,
        gebonden=gebonden,
        aantal_gebonden=aantal,
        vervangt=None if afgewezen else in_force(verzoek.voorziening),
    )


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
    terms, problems = _decision_terms(verzoek, uitkomst, datum, wijzigingen)
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
    problems: list[Problem] = []
    terms.update(_amendments(wijzigingen, terms, problems))
    _validate_terms(terms, problems)
    _past(datum, "datum", "De datum van het wijzigingsbesluit", problems, earliest=besluit.datum)
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
