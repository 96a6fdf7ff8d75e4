"""State changes of the register: a voorziening, its factsheet and its business case. One
transaction each, every problem listed, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from samen.accounts.models import Organisatie
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core.actors import authenticated
from samen.core.dates import When, check_date, parse_date
from samen.core.errors import DomainError, Problem
from samen.core.money import format_euro, format_number
from samen.gemeenten.models import Gemeente
from samen.portfolio import queries
from samen.portfolio.models import (
    BusinessCase,
    Domein,
    Factsheet,
    Fase,
    Fasewijziging,
    Gebruikers,
    Soort,
    Spoor,
    Voorziening,
)

from .common import _amount, _limit, _number, _quarter, _role_label

VOORZIENING_FIELDS = [
    "naam",
    "korte_omschrijving",
    "spoor",
    "domein",
    "soort",
    "startdatum",
    "gebruikers",
    "ontwikkelaars_toelichting",
    "beheer_toelichting",
    "bron",
]


FACTSHEET_FIELDS = [f.name for f in Factsheet._meta.concrete_fields if f.name != "voorziening"]


#: Amounts of the factsheet and the business case, read with core.money.parse_amount; the other
#: decimal fields (fte, hours, scores, weights) are numbers, read with ``_number``.
MONEY_FIELDS = {
    "kosten_eenmalig_min",
    "kosten_eenmalig_max",
    "kosten_jaarlijks_min",
    "kosten_jaarlijks_max",
    "besparing_euro_min",
    "besparing_euro_max",
    "uurtarief",
    "kosten_per_jaar",
    "genoemd_bedrag_landelijk",
}


def _earliest_change_after_registration(voorziening: Voorziening) -> dt.date | None:
    row = (
        queries.effective_phase_changes(voorziening)
        .exclude(van_fase="")
        .order_by("datum", "id")
        .values_list("datum", flat=True)
        .first()
    )
    return row


def _validate_voorziening(data: dict, problems: list[Problem], instance=None) -> dict:
    clean: dict = {}
    naam = str(data.get("naam", "") or "").strip()
    if not naam:
        problems.append(Problem("naam", "verplicht", "required"))
    elif (
        Voorziening.objects.filter(naam__iexact=naam)
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        problems.append(Problem("naam", f"er is al een voorziening '{naam}'", "unique"))
    clean["naam"] = naam
    clean["korte_omschrijving"] = str(data.get("korte_omschrijving", "") or "").strip()
    if not clean["korte_omschrijving"]:
        problems.append(Problem("korte_omschrijving", "verplicht", "required"))
    try:
        clean["spoor"] = int(data.get("spoor"))
        if clean["spoor"] not in Spoor.values:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("spoor", "kies spoor 1 of 2", "invalid_choice"))
    for name, choices in (("domein", Domein), ("soort", Soort), ("gebruikers", Gebruikers)):
        value = data.get(name)
        if value not in choices.values:
            problems.append(
                Problem(name, f"kies uit: {', '.join(choices.values)}", "invalid_choice")
            )
        clean[name] = value
    start = data.get("startdatum")
    if isinstance(start, str):
        start = parse_date(start)
    if isinstance(start, dt.datetime):
        start = start.date()
    if not isinstance(start, dt.date):
        problems.append(
            Problem("startdatum", "geen geldige datum (JJJJ-MM-DD of DD-MM-JJJJ)", "invalid")
        )
    elif instance is None or start != instance.startdatum:
        # The start date is the date of the first row of the phase history: something that
        # happened, so not in the future, and never after the first later phase change.
        check_date(
            start,
            field="startdatum",
            label="De startdatum",
            when=When.PAST,
            problems=problems,
            latest=_earliest_change_after_registration(instance) if instance else None,
        )
    clean["startdatum"] = start
    for name in ("ontwikkelaars_toelichting", "beheer_toelichting", "bron"):
        clean[name] = str(data.get(name, "") or "").strip()[:300]
    return clean


def _set_relations(voorziening: Voorziening, data: dict, problems: list[Problem]) -> dict:
    relations = {}
    if "ontwikkelaars" in data:
        names = list(data["ontwikkelaars"] or [])
        found = list(Organisatie.objects.filter(afkorting__in=names)) + list(
            Organisatie.objects.filter(naam__in=names)
        )
        known = {o.afkorting for o in found} | {o.naam for o in found}
        for name in names:
            if name not in known:
                problems.append(Problem("ontwikkelaars", f"onbekende organisatie '{name}'"))
        relations["ontwikkelaars"] = {o.pk: o for o in found}.values()
    for name in ("kopgroep", "capaciteit_gemeenten"):
        if name in data:
            codes = list(data[name] or [])
            found = list(Gemeente.objects.filter(code__in=codes))
            for code in set(codes) - {g.code for g in found}:
                problems.append(Problem(name, f"onbekende gemeente '{code}'"))
            relations[name] = found
    if "beheerorganisatie" in data:
        value = data["beheerorganisatie"]
        if value:
            org = (
                Organisatie.objects.filter(afkorting=value).first()
                or Organisatie.objects.filter(naam=value).first()
            )
            if org is None:
                problems.append(Problem("beheerorganisatie", f"onbekende organisatie '{value}'"))
            relations["beheerorganisatie"] = org
        else:
            relations["beheerorganisatie"] = None
    return relations


def _validate_factsheet(data: dict, problems: list[Problem]) -> dict:
    clean = {}
    for field in Factsheet._meta.concrete_fields:
        if field.name == "voorziening" or field.name not in data:
            continue
        if field.get_internal_type() == "DecimalField":
            name = f"factsheet.{field.name}"
            maximum = _limit(Factsheet, field.name)
            if field.name in MONEY_FIELDS:
                value = _amount(data[field.name], name, problems, maximum)
            else:
                value = _number(data[field.name], name, problems, maximum)
                if value is not None and value < 0:
                    problems.append(Problem(name, "mag niet negatief zijn"))
            clean[field.name] = value
        else:
            clean[field.name] = str(data[field.name] or "").strip()
    for low, high in (
        ("kosten_eenmalig_min", "kosten_eenmalig_max"),
        ("kosten_jaarlijks_min", "kosten_jaarlijks_max"),
        ("besparing_euro_min", "besparing_euro_max"),
        ("besparing_fte_min", "besparing_fte_max"),
    ):
        a, b = clean.get(low), clean.get(high)
        if a is not None and b is not None and b < a:
            shown = format_euro(a) if low in MONEY_FIELDS else format_number(a)
            problems.append(Problem(f"factsheet.{high}", f"kleiner dan de ondergrens ({shown})"))
    return clean


@transaction.atomic
def create_voorziening(
    data: dict, factsheet: dict | None = None, user=None, fase: str = Fase.INITIATIEF
) -> Voorziening:
    """Register a voorziening with its factsheet. ``fase`` is the phase it is registered in."""
    problems: list[Problem] = []
    clean = _validate_voorziening(data, problems)
    if fase not in Fase.values or fase == Fase.BEEINDIGD:
        problems.append(Problem("fase", "ongeldige beginfase", "invalid_choice"))
    fs = _validate_factsheet(factsheet or {}, problems)
    voorziening = Voorziening(**clean)
    relations = _set_relations(voorziening, data, problems)
    if problems:
        raise DomainError("De voorziening is niet opgeslagen.", problems)
    voorziening.fase = fase
    voorziening.beheerorganisatie = relations.pop("beheerorganisatie", None)
    voorziening.save()
    for name, values in relations.items():
        getattr(voorziening, name).set(list(values))
    Factsheet.objects.create(voorziening=voorziening, **fs)
    Fasewijziging.objects.create(
        voorziening=voorziening,
        van_fase="",
        naar_fase=fase,
        datum=clean["startdatum"],
        gebruiker=authenticated(user),
        door=_role_label(user),
        reden="Opgenomen in het register.",
    )
    record(Actie.AANMAKEN, voorziening, na={**snapshot(voorziening), "factsheet": fs}, user=user)
    return voorziening


@transaction.atomic
def update_voorziening(
    voorziening: Voorziening, data: dict, factsheet: dict | None = None, user=None
) -> Voorziening:
    voorziening = Voorziening.objects.select_for_update().get(pk=voorziening.pk)
    problems: list[Problem] = []
    merged = {name: getattr(voorziening, name) for name in VOORZIENING_FIELDS}
    merged.update({k: v for k, v in data.items() if k in VOORZIENING_FIELDS})
    clean = _validate_voorziening(merged, problems, instance=voorziening)
    relations = _set_relations(voorziening, data, problems)
    fs = _validate_factsheet(factsheet or {}, problems)
    first = voorziening.mijlpalen.order_by("jaar", "kwartaal").first()
    if (
        first
        and clean.get("startdatum")
        and (first.jaar, first.kwartaal) < _quarter(clean["startdatum"])
    ):
        problems.append(
            Problem("startdatum", f"na de eerste mijlpaal op de routekaart ({first.label})")
        )
    if problems:
        raise DomainError("De voorziening is niet opgeslagen.", problems)
    before = snapshot(voorziening)
    sheet = Factsheet.objects.get(voorziening=voorziening)
    before_sheet = {name: getattr(sheet, name) for name in fs}
    for name, value in clean.items():
        setattr(voorziening, name, value)
    if "beheerorganisatie" in relations:
        voorziening.beheerorganisatie = relations.pop("beheerorganisatie")
    voorziening.save()
    for name, values in relations.items():
        getattr(voorziening, name).set(list(values))
    for name, value in fs.items():
        setattr(sheet, name, value)
    sheet.save()
    record(
        Actie.WIJZIGEN,
        voorziening,
        voor={**before, "factsheet": before_sheet},
        na={**snapshot(voorziening), "factsheet": fs},
        user=user,
    )
    return voorziening


@transaction.atomic
def set_businesscase(voorziening: Voorziening, data: dict, user=None) -> BusinessCase:
    problems: list[Problem] = []
    values = {}
    for name in ("tijdwinst_uren_min", "tijdwinst_uren_max", "uurtarief", "kosten_per_jaar"):
        count = len(problems)
        maximum = _limit(BusinessCase, name)
        if name in MONEY_FIELDS:
            values[name] = _amount(data.get(name), name, problems, maximum)
        else:
            values[name] = _number(data.get(name), name, problems, maximum)
            if values[name] is not None and values[name] < 0:
                problems.append(Problem(name, "mag niet negatief zijn"))
        if values[name] is None and name != "kosten_per_jaar" and len(problems) == count:
            problems.append(Problem(name, "verplicht", "required"))
    values["kosten_per_jaar"] = values["kosten_per_jaar"] or Decimal(0)
    if (
        values["tijdwinst_uren_min"] is not None
        and values["tijdwinst_uren_max"] is not None
        and values["tijdwinst_uren_max"] < values["tijdwinst_uren_min"]
    ):
        problems.append(
            Problem(
                "tijdwinst_uren_max",
                f"kleiner dan de ondergrens ({format_number(values['tijdwinst_uren_min'])})",
            )
        )
    volume = data.get("volume_per_jaar")
    if isinstance(volume, str) and volume.strip().isascii() and volume.strip().isdigit():
        volume = int(volume.strip())
    if isinstance(volume, bool) or not isinstance(volume, int) or not 0 <= volume < 2**31:
        problems.append(Problem("volume_per_jaar", "geen geheel getal ≥ 0"))
    values["volume_per_jaar"] = volume
    values["genoemd_bedrag_landelijk"] = _amount(
        data.get("genoemd_bedrag_landelijk"),
        "genoemd_bedrag_landelijk",
        problems,
        _limit(BusinessCase, "genoemd_bedrag_landelijk"),
    )
    for name in ("volume_bron", "tijdwinst_bron", "uurtarief_bron", "kosten_bron"):
        value = data.get(name, BusinessCase.Bron.VOORBEELD)
        if value not in BusinessCase.Bron.values:
            problems.append(Problem(name, "kies seed, cbs of voorbeeld", "invalid_choice"))
        values[name] = value
    for name in (
        "volume_omschrijving",
        "volume_toelichting",
        "tijdwinst_toelichting",
        "uurtarief_toelichting",
        "genoemd_bedrag_toelichting",
    ):
        values[name] = str(data.get(name, "") or "")[:300]
    if not values["volume_omschrijving"]:
        problems.append(Problem("volume_omschrijving", "verplicht", "required"))
    if problems:
        raise DomainError("De businesscase is niet opgeslagen.", problems)
    existing = BusinessCase.objects.filter(voorziening=voorziening).first()
    before = snapshot(existing) if existing else None
    case, _ = BusinessCase.objects.update_or_create(voorziening=voorziening, defaults=values)
    record(
        Actie.WIJZIGEN if existing else Actie.AANMAKEN,
        case,
        voor=before,
        na=snapshot(case),
        user=user,
        object_id=str(voorziening.uuid),
    )
    return case
