"""Reads of the decision process: the decision in force, and the checks of every step that
the services make and a confirmation step shows before anything is stored (nothing here
changes state; the services in ``services.py`` do, each audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from samen.besluiten.models import Beoordeling, Besluit, Binding, Soort, Uitvoering, Verzoek
from samen.core.dates import When, check_date, nl_date, parse_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import format_number
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Fase, Voorziening


def check_required(data: dict, names: list[str], problems: list[Problem]) -> None:
    for name in names:
        if not str(data.get(name) or "").strip():
            problems.append(Problem(name, "verplicht", "required"))


def check_past(value, name: str, label: str, problems: list[Problem], earliest=None) -> None:
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
    check_required({"titel": titel, "motivering": motivering}, ["titel", "motivering"], problems)
    check_past(datum, "datum", "De datum van indienen", problems)
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


ORDER = list(Verzoek.Stap.values)


def check_step(verzoek: Verzoek, expected: str) -> None:
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


ASSESSMENT_FIELDS = [
    "impact_gemeenten",
    "impact_inwoners",
    "maatschappelijke_baten",
    "opschaalbaarheid",
]


def check_assessment(verzoek: Verzoek, data: dict, datum: dt.date) -> None:
    """Everything ``assess`` checks, without storing anything (for a confirmation step)."""
    problems: list[Problem] = []
    check_required(data, ASSESSMENT_FIELDS, problems)
    check_past(
        datum, "datum", "De datum van de beoordeling", problems, earliest=verzoek.ingediend_op
    )
    if problems:
        raise DomainError("De beoordeling is niet opgeslagen.", problems)


def check_terms(data: dict, problems: list[Problem]) -> None:
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
    check_required(data, ["uitrol", "tijdpad", "samenwerkingsvorm", "voorwaarden"], problems)
    check_terms(data, problems)
    beoordeling = Beoordeling.objects.filter(verzoek=verzoek).first()
    check_past(
        datum,
        "datum",
        "De datum van het advies",
        problems,
        earliest=beoordeling.datum if beoordeling else verzoek.ingediend_op,
    )
    if problems:
        raise DomainError("Het advies is niet opgeslagen.", problems)


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


def amendments(wijzigingen: dict | None, terms: dict, problems: list[Problem]) -> dict:
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


def decision_terms(
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
        terms.update(amendments(wijzigingen, terms, problems))
        check_terms(terms, problems)
    check_past(datum, "datum", "De besluitdatum", problems, earliest=advies.datum)
    return terms, problems


def preview_decision(
    verzoek: Verzoek, uitkomst: str, datum: dt.date, wijzigingen: dict | None = None
) -> Voorstel:
    """What ``decide`` would publish, checked as ``decide`` checks it, without storing anything:
    the title, outcome, binding level, the municipalities it binds, the voorziening and date."""
    verzoek = Verzoek.objects.select_related("voorziening", "advies").get(pk=verzoek.pk)
    check_step(verzoek, Verzoek.Stap.GEADVISEERD)
    terms, problems = decision_terms(verzoek, uitkomst, datum, wijzigingen)
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


def in_force(voorziening: Voorziening) -> Besluit | None:
    """The adopted decision version in force for a voorziening (not replaced)."""
    return (
        Besluit.objects.filter(voorziening=voorziening, vervangen_door__isnull=True)
        .exclude(uitkomst=Besluit.Uitkomst.AFGEWEZEN)
        .order_by("-datum", "-id")
        .first()
    )
