"""State changes of the portfolio. Each function is one transaction, validates its input
(raising DomainError with every problem) and records the change in the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from samen.accounts.models import Organisatie
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core.actors import authenticated, label
from samen.core.errors import Conflict, DomainError, Problem
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import (
    FASE_VOLGORDE,
    BusinessCase,
    Criterium,
    Domein,
    Factsheet,
    Fase,
    Fasewijziging,
    Gebruikers,
    Gewicht,
    Mijlpaal,
    RoutekaartVersie,
    Score,
    Soort,
    Spoor,
    Voorziening,
    WegingVersie,
)

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


def _decimal(value, name: str, problems: list[Problem]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(Problem(name, f"geen getal: {value!r}"))
        return None
    if not result.is_finite():
        problems.append(Problem(name, f"geen eindig getal: {value!r}"))
        return None
    return result


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
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            start = None
    if not isinstance(start, dt.date):
        problems.append(Problem("startdatum", "geen geldige datum (JJJJ-MM-DD)", "invalid"))
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
            value = _decimal(data[field.name], f"factsheet.{field.name}", problems)
            if value is not None and value < 0:
                problems.append(Problem(f"factsheet.{field.name}", "mag niet negatief zijn"))
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
            problems.append(Problem(f"factsheet.{high}", f"kleiner dan {low.replace('_', ' ')}"))
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
        door=label(user),
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


def allowed_transition(van: str, naar: str) -> tuple[bool, bool]:
    """(allowed, needs_reason) for a phase change."""
    if van == naar or van == Fase.BEEINDIGD:
        return False, False
    if naar == Fase.BEEINDIGD:
        return True, False
    i, j = FASE_VOLGORDE.index(van), FASE_VOLGORDE.index(naar)
    if j == i + 1:
        return True, False
    if j < i:
        return True, True
    return False, False


@transaction.atomic
def change_phase(
    voorziening: Voorziening,
    naar: str,
    datum: dt.date,
    user=None,
    reden: str = "",
    besluit_referentie: str = "",
) -> Fasewijziging:
    """The only way a phase changes: one step forward, to beëindigd, or back with a reason."""
    voorziening = Voorziening.objects.select_for_update().get(pk=voorziening.pk)
    van = voorziening.fase
    problems = []
    if naar not in Fase.values:
        problems.append(Problem("fase", f"onbekende fase '{naar}'", "invalid_choice"))
    else:
        ok, needs_reason = allowed_transition(van, naar)
        if not ok:
            if van == Fase.BEEINDIGD:
                reason = "een beëindigde voorziening verandert niet meer van fase"
            elif van == naar:
                reason = f"de voorziening is al in fase {naar}"
            else:
                reason = (
                    f"van {van} kan alleen één stap vooruit "
                    f"({_next(van)}), naar beëindigd, of terug met een reden"
                )
            problems.append(Problem("fase", reason, "invalid_transition"))
        elif needs_reason and not reden.strip():
            problems.append(Problem("reden", "een stap terug vraagt een reden", "required"))
    last = voorziening.fasewijzigingen.order_by("-datum").first()
    if last and datum < last.datum:
        problems.append(
            Problem("datum", f"ligt vóór de vorige fasewijziging ({last.datum:%d-%m-%Y})")
        )
    if problems:
        raise DomainError("De fase is niet gewijzigd.", problems)
    wijziging = Fasewijziging.objects.create(
        voorziening=voorziening,
        van_fase=van,
        naar_fase=naar,
        datum=datum,
        gebruiker=authenticated(user),
        door=label(user),
        reden=reden.strip(),
        besluit_referentie=besluit_referentie,
    )
    Voorziening.objects.filter(pk=voorziening.pk).update(fase=naar)
    record(
        Actie.WIJZIGEN,
        voorziening,
        voor={"fase": van},
        na={"fase": naar, "datum": datum, "reden": reden, "besluit": besluit_referentie},
        user=user,
        toelichting="fasewijziging",
    )
    return wijziging


def _next(fase: str) -> str:
    i = FASE_VOLGORDE.index(fase)
    return FASE_VOLGORDE[i + 1] if i + 1 < len(FASE_VOLGORDE) else "—"


@transaction.atomic
def set_businesscase(voorziening: Voorziening, data: dict, user=None) -> BusinessCase:
    problems: list[Problem] = []
    values = {}
    for name in ("tijdwinst_uren_min", "tijdwinst_uren_max", "uurtarief", "kosten_per_jaar"):
        values[name] = _decimal(data.get(name), name, problems)
        if values[name] is None and name != "kosten_per_jaar":
            problems.append(Problem(name, "verplicht", "required"))
        elif values[name] is not None and values[name] < 0:
            problems.append(Problem(name, "mag niet negatief zijn"))
    values["kosten_per_jaar"] = values["kosten_per_jaar"] or Decimal(0)
    if (
        values["tijdwinst_uren_min"] is not None
        and values["tijdwinst_uren_max"] is not None
        and values["tijdwinst_uren_max"] < values["tijdwinst_uren_min"]
    ):
        problems.append(Problem("tijdwinst_uren_max", "kleiner dan de ondergrens"))
    try:
        values["volume_per_jaar"] = int(data.get("volume_per_jaar"))
        if values["volume_per_jaar"] < 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("volume_per_jaar", "geen geheel getal ≥ 0"))
    values["genoemd_bedrag_landelijk"] = _decimal(
        data.get("genoemd_bedrag_landelijk"), "genoemd_bedrag_landelijk", problems
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


# --- duidingsmethodiek ---------------------------------------------------------------------


@transaction.atomic
def give_score(
    voorziening: Voorziening,
    criterium: Criterium,
    waarde,
    onderbouwing: str,
    user=None,
    at: dt.datetime | None = None,
) -> Score:
    problems: list[Problem] = []
    value = _decimal(waarde, "waarde", problems)
    if value is None and not problems:
        problems.append(Problem("waarde", "verplicht", "required"))
    if value is not None and not criterium.schaal_min <= value <= criterium.schaal_max:
        problems.append(
            Problem(
                "waarde",
                f"{value} ligt buiten de schaal {criterium.schaal_min}–{criterium.schaal_max}",
                "out_of_range",
            )
        )
    if value is not None and value != value.quantize(Decimal("0.01")):
        problems.append(Problem("waarde", "hooguit twee decimalen"))
    if not (onderbouwing or "").strip():
        problems.append(Problem("onderbouwing", "een score vraagt een onderbouwing", "required"))
    if problems:
        raise DomainError("De score is niet opgeslagen.", problems)
    score = Score.objects.create(
        voorziening=voorziening,
        criterium=criterium,
        waarde=value,
        onderbouwing=onderbouwing.strip(),
        gegeven_door=authenticated(user),
        door=label(user),
        gegeven_op=at or timezone.now(),
    )
    record(
        Actie.AANMAKEN,
        score,
        na={"voorziening": str(voorziening.uuid), "criterium": criterium.code, "waarde": value},
        user=user,
    )
    return score


def validate_weights(gewichten: dict, problems: list[Problem]) -> dict[str, Decimal]:
    criteria = {c.code: c for c in Criterium.objects.all()}
    clean = {}
    for code, raw in gewichten.items():
        if code not in criteria:
            problems.append(Problem(f"gewichten.{code}", "onbekend criterium", "unknown"))
            continue
        value = _decimal(raw, f"gewichten.{code}", problems)
        if value is None:
            if raw in (None, ""):
                problems.append(Problem(f"gewichten.{code}", "verplicht", "required"))
            continue
        if value < 0:
            problems.append(Problem(f"gewichten.{code}", "een gewicht mag niet negatief zijn"))
        clean[code] = value
    for code in criteria:
        if code not in gewichten:
            problems.append(Problem(f"gewichten.{code}", "verplicht", "required"))
    if clean and len(clean) == len(criteria) and all(v == 0 for v in clean.values()):
        problems.append(Problem("gewichten", "de gewichten zijn samen nul", "all_zero"))
    return clean


@transaction.atomic
def create_weging(naam: str, gewichten: dict, user=None, toelichting: str = "") -> WegingVersie:
    """A new weighting version (concept). Weights are non-negative and not all zero."""
    problems: list[Problem] = []
    if not (naam or "").strip():
        problems.append(Problem("naam", "verplicht", "required"))
    clean = validate_weights(gewichten or {}, problems)
    if problems:
        raise DomainError("De weging is niet opgeslagen.", problems)
    nummer = (WegingVersie.objects.aggregate(m=Max("nummer"))["m"] or 0) + 1
    versie = WegingVersie.objects.create(
        nummer=nummer,
        naam=naam.strip(),
        toelichting=toelichting,
        aangemaakt_door=authenticated(user),
    )
    criteria = {c.code: c for c in Criterium.objects.all()}
    Gewicht.objects.bulk_create(
        Gewicht(versie=versie, criterium=criteria[code], gewicht=value)
        for code, value in clean.items()
    )
    record(Actie.AANMAKEN, versie, na={"nummer": nummer, "gewichten": clean}, user=user)
    return versie


@transaction.atomic
def publish_weging(versie: WegingVersie, user=None, at: dt.datetime | None = None) -> WegingVersie:
    versie = WegingVersie.objects.select_for_update().get(pk=versie.pk)
    if versie.status == WegingVersie.Status.GEPUBLICEERD:
        raise Conflict(f"Weging {versie.nummer} is al gepubliceerd.")
    versie.status = WegingVersie.Status.GEPUBLICEERD
    versie.gepubliceerd_op = at or timezone.now()
    versie.gepubliceerd_door = authenticated(user)
    versie.save(update_fields=["status", "gepubliceerd_op", "gepubliceerd_door"])
    record(
        Actie.WIJZIGEN, versie, voor={"status": "concept"}, na={"status": versie.status}, user=user
    )
    return versie


# --- routekaart --------------------------------------------------------------------------------


def _quarter(date: dt.date) -> tuple[int, int]:
    return date.year, (date.month - 1) // 3 + 1


def _validate_mijlpalen(items: list[dict], problems: list[Problem]) -> list[dict]:
    uuids = {str(item.get("voorziening")) for item in items}
    voorzieningen = {str(v.uuid): v for v in Voorziening.objects.filter(uuid__in=_uuids(uuids))}
    voorzieningen.update({v.naam: v for v in Voorziening.objects.filter(naam__in=uuids)})
    clean = []
    seen = set()
    for index, item in enumerate(items):
        prefix = f"mijlpalen.{index}"
        v = voorzieningen.get(str(item.get("voorziening")))
        if v is None:
            problems.append(Problem(f"{prefix}.voorziening", "onbekende voorziening", "unknown"))
            continue
        try:
            jaar, kwartaal = int(item.get("jaar")), int(item.get("kwartaal"))
        except (TypeError, ValueError):
            problems.append(Problem(f"{prefix}.kwartaal", "jaar en kwartaal zijn gehele getallen"))
            continue
        if not 1 <= kwartaal <= 4:
            problems.append(Problem(f"{prefix}.kwartaal", "kwartaal is 1 tot en met 4"))
            continue
        if not 2000 <= jaar <= 2100:
            problems.append(Problem(f"{prefix}.jaar", "jaar buiten 2000–2100"))
            continue
        if (jaar, kwartaal) < _quarter(v.startdatum):
            problems.append(
                Problem(
                    f"{prefix}.kwartaal",
                    f"{jaar} K{kwartaal} ligt vóór de start van {v.naam} ({v.startdatum:%d-%m-%Y})",
                    "before_start",
                )
            )
            continue
        naar_fase = item.get("naar_fase") or ""
        if naar_fase and naar_fase not in Fase.values:
            problems.append(Problem(f"{prefix}.naar_fase", "onbekende fase", "invalid_choice"))
            continue
        omschrijving = str(item.get("omschrijving") or "").strip()
        if not omschrijving:
            omschrijving = f"naar {naar_fase}" if naar_fase else ""
        if not omschrijving:
            problems.append(Problem(f"{prefix}.omschrijving", "verplicht", "required"))
            continue
        key = (v.pk, omschrijving)
        if key in seen:
            problems.append(Problem(f"{prefix}.omschrijving", "staat al op de routekaart"))
            continue
        seen.add(key)
        clean.append(
            {
                "voorziening": v,
                "jaar": jaar,
                "kwartaal": kwartaal,
                "naar_fase": naar_fase,
                "omschrijving": omschrijving[:300],
            }
        )
    return clean


def _uuids(values) -> list[str]:
    import uuid as _uuid

    result = []
    for value in values:
        try:
            result.append(str(_uuid.UUID(str(value))))
        except ValueError:
            continue
    return result


@transaction.atomic
def create_routekaart(
    naam: str,
    mijlpalen: list[dict],
    user=None,
    toelichting: str = "",
    weging: WegingVersie | None = None,
) -> RoutekaartVersie:
    """A new roadmap version with its milestones (concept until published)."""
    problems: list[Problem] = []
    if not (naam or "").strip():
        problems.append(Problem("naam", "verplicht", "required"))
    clean = _validate_mijlpalen(list(mijlpalen or []), problems)
    if problems:
        raise DomainError("De routekaart is niet opgeslagen.", problems)
    nummer = (RoutekaartVersie.objects.aggregate(m=Max("nummer"))["m"] or 0) + 1
    versie = RoutekaartVersie.objects.create(
        nummer=nummer, naam=naam.strip(), toelichting=toelichting, weging=weging
    )
    Mijlpaal.objects.bulk_create(Mijlpaal(versie=versie, **item) for item in clean)
    record(
        Actie.AANMAKEN,
        versie,
        na={
            "nummer": nummer,
            "mijlpalen": [{**item, "voorziening": str(item["voorziening"].uuid)} for item in clean],
        },
        user=user,
    )
    return versie


@transaction.atomic
def publish_routekaart(
    versie: RoutekaartVersie, user=None, at: dt.datetime | None = None
) -> RoutekaartVersie:
    versie = RoutekaartVersie.objects.select_for_update().get(pk=versie.pk)
    if versie.status == RoutekaartVersie.Status.GEPUBLICEERD:
        raise Conflict(f"Routekaart {versie.nummer} is al gepubliceerd.")
    versie.status = RoutekaartVersie.Status.GEPUBLICEERD
    versie.gepubliceerd_op = at or timezone.now()
    versie.save(update_fields=["status", "gepubliceerd_op"])
    record(
        Actie.WIJZIGEN, versie, voor={"status": "concept"}, na={"status": versie.status}, user=user
    )
    return versie
