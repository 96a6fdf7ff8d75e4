"""State changes of the portfolio. Each function is one transaction, validates its input
(raising DomainError with every problem) and records the change in the audit trail."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from samen.accounts.models import Organisatie
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core import clock
from samen.core.actors import authenticated
from samen.core.dates import PLATFORM_YEARS, When, check_date, nl_date, parse_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import CENT, MoneyError, format_euro, format_number, parse_amount
from samen.gemeenten.models import Gemeente
from samen.portfolio import queries
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
_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


def _role_label(user) -> str:
    """Who did something, as the public may see it (phase history, scores): a role or an
    organisation, never a person's name."""
    from samen.accounts.models import Rol

    user = authenticated(user)
    if user is None:
        return ""
    if user.rol == Rol.GEMEENTE and user.gemeente_id:
        return f"contactpersoon {user.gemeente.naam}"
    if user.rol == Rol.AANBIEDER and user.organisatie_id:
        return user.organisatie.naam
    if user.rol:
        return str(Rol(user.rol).label)
    return "beheerder" if user.is_superuser else ""


def _limit(model, name: str) -> Decimal:
    """The first value a DecimalField of ``model`` cannot hold (PostgreSQL refuses it)."""
    field = model._meta.get_field(name)
    return Decimal(10) ** (field.max_digits - field.decimal_places)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(value, name: str, problems: list[Problem], maximum: Decimal) -> Decimal | None:
    """An amount in euros typed by a person (or sent by a client): core.money.parse_amount, so
    "1.250.000,00", "1250000,00" and "1250000.00" are read alike. A float (YAML, JSON) is read
    by its shortest notation."""
    if _empty(value):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = parse_amount(value)
    except MoneyError as exc:
        problems.append(Problem(name, str(exc)))
        return None
    if result >= maximum:
        problems.append(Problem(name, f"te groot: hooguit {format_euro(maximum - CENT)}"))
        return None
    return result


def _number(
    value, name: str, problems: list[Problem], maximum: Decimal, places: int = 2
) -> Decimal | None:
    """A decimal number that is not an amount (hours, fte, a score, a weight): a decimal comma
    or point, no thousands separators, ASCII digits, at most ``places`` decimals."""
    if _empty(value):
        return None
    if isinstance(value, bool):
        problems.append(Problem(name, f"geen getal: {value!r}"))
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    else:
        text = str(value).strip()
        if not text.isascii() or not _NUMBER.fullmatch(text):
            problems.append(Problem(name, f"geen getal: {value!r} (schrijf bijvoorbeeld 2,5)"))
            return None
        result = Decimal(text.replace(",", "."))
    if not result.is_finite():
        problems.append(Problem(name, f"geen eindig getal: {value!r}"))
        return None
    if abs(result) >= maximum:
        problems.append(Problem(name, f"te groot: hooguit {format_number(maximum - 1)}"))
        return None
    if result != result.quantize(Decimal(1).scaleb(-places)):
        problems.append(Problem(name, f"hooguit {places} decimalen: {format_number(result)}"))
        return None
    return result


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
        ok, needs_reason = queries.allowed_transition(van, naar)
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
    if isinstance(datum, dt.datetime):
        datum = datum.date()
    if not isinstance(datum, dt.date):
        problems.append(Problem("datum", "verplicht: een datum", "required"))
    elif check_date(
        datum,
        field="datum",
        label="De datum van de fasewijziging",
        when=When.PAST,
        problems=problems,
    ):
        # The previous phase change that still counts: reverted rows and reverts do not.
        last = queries.effective_phase_changes(voorziening).order_by("-datum", "-id").first()
        if last and datum < last.datum:
            problems.append(
                Problem("datum", f"ligt vóór de vorige fasewijziging ({nl_date(last.datum)})")
            )
    if problems:
        raise DomainError("De fase is niet gewijzigd.", problems)
    wijziging = Fasewijziging.objects.create(
        voorziening=voorziening,
        van_fase=van,
        naar_fase=naar,
        datum=datum,
        gebruiker=authenticated(user),
        door=_role_label(user),
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


@transaction.atomic
def revert_phase(voorziening: Voorziening, wijziging, reden: str, user=None) -> Fasewijziging:
    """Correct a wrong phase change: a new history row of kind ``teruggedraaid`` that points to
    it, dated today (the project's clock), with a reason. The reverted row stays as it was; the
    phase it left is current again and it no longer counts as the previous phase change. Only
    the last phase change that counts can be reverted (history is undone from the end), never
    the registration itself, and each only once. Programme office only."""
    message = "De fasewijziging is niet teruggedraaid."
    if user is not None and not allowed(user, "portfolio.beheren"):
        raise DomainError(
            message,
            [Problem("gebruiker", "alleen het programmabureau draait een fasewijziging terug")],
            403,
        )
    voorziening = Voorziening.objects.select_for_update().get(pk=voorziening.pk)
    key = getattr(wijziging, "uuid", wijziging)
    target = None
    try:
        target = Fasewijziging.objects.filter(voorziening=voorziening, uuid=str(key)).first()
    except (ValueError, TypeError, DjangoValidationError):
        target = None
    if target is None:
        raise DomainError(
            message,
            [Problem("fasewijziging", "onbekende fasewijziging van deze voorziening", "unknown")],
        )
    existing = Fasewijziging.objects.filter(draait_terug=target).first()
    if existing is not None:
        raise Conflict(
            f"De fasewijziging van {nl_date(target.datum)} is al teruggedraaid"
            f" op {nl_date(existing.datum)}; er is niets gewijzigd."
        )
    problems: list[Problem] = []
    last = queries.last_phase_change(voorziening)
    if target.soort == Fasewijziging.Soort.TERUGGEDRAAID:
        problems.append(
            Problem(
                "fasewijziging",
                "een terugdraaiing wordt niet teruggedraaid: voer de juiste fase in",
                "invalid",
            )
        )
    elif not target.van_fase:
        problems.append(
            Problem("fasewijziging", "de registratie zelf kan niet worden teruggedraaid", "invalid")
        )
    elif last is None or last.pk != target.pk or voorziening.fase != target.naar_fase:
        shown = (
            f" (die van {nl_date(last.datum)} naar {last.get_naar_fase_display()})" if last else ""
        )
        problems.append(
            Problem(
                "fasewijziging",
                f"alleen de laatste fasewijziging kan worden teruggedraaid{shown}",
                "not_last",
            )
        )
    if not (reden or "").strip():
        problems.append(Problem("reden", "een terugdraaiing vraagt een reden", "required"))
    if problems:
        raise DomainError(message, problems)
    revert = Fasewijziging.objects.create(
        voorziening=voorziening,
        soort=Fasewijziging.Soort.TERUGGEDRAAID,
        draait_terug=target,
        van_fase=target.naar_fase,
        naar_fase=target.van_fase,
        datum=clock.today(),
        gebruiker=authenticated(user),
        door=_role_label(user),
        reden=reden.strip(),
    )
    Voorziening.objects.filter(pk=voorziening.pk).update(fase=target.van_fase)
    record(
        Actie.WIJZIGEN,
        voorziening,
        voor={"fase": target.naar_fase},
        na={
            "fase": target.van_fase,
            "teruggedraaid": str(target.uuid),
            "teruggedraaide_datum": target.datum,
            "reden": revert.reden,
        },
        user=user,
        toelichting="fasewijziging teruggedraaid",
    )
    return revert


def _next(fase: str) -> str:
    i = FASE_VOLGORDE.index(fase)
    return FASE_VOLGORDE[i + 1] if i + 1 < len(FASE_VOLGORDE) else "—"


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
    value = _number(waarde, "waarde", problems, _limit(Score, "waarde"))
    if value is None and not problems:
        problems.append(Problem("waarde", "verplicht", "required"))
    if value is not None and not criterium.schaal_min <= value <= criterium.schaal_max:
        problems.append(
            Problem(
                "waarde",
                f"{format_number(value)} ligt buiten de schaal "
                f"{criterium.schaal_min}–{criterium.schaal_max}",
                "out_of_range",
            )
        )
    if not (onderbouwing or "").strip():
        problems.append(Problem("onderbouwing", "een score vraagt een onderbouwing", "required"))
    if at is not None:
        check_date(
            at,
            field="gegeven_op",
            label="Het moment van de score",
            when=When.PAST,
            problems=problems,
        )
    if problems:
        raise DomainError("De score is niet opgeslagen.", problems)
    score = Score.objects.create(
        voorziening=voorziening,
        criterium=criterium,
        waarde=value,
        onderbouwing=onderbouwing.strip(),
        gegeven_door=authenticated(user),
        door=_role_label(user),
        gegeven_op=at or clock.now(),
    )
    record(
        Actie.AANMAKEN,
        score,
        na={"voorziening": str(voorziening.uuid), "criterium": criterium.code, "waarde": value},
        user=user,
    )
    return score


def _validate_weights(gewichten: dict, problems: list[Problem]) -> dict[str, Decimal]:
    criteria = {c.code: c for c in Criterium.objects.all()}
    clean = {}
    for code, raw in gewichten.items():
        if code not in criteria:
            problems.append(Problem(f"gewichten.{code}", "onbekend criterium", "unknown"))
            continue
        count = len(problems)
        value = _number(raw, f"gewichten.{code}", problems, _limit(Gewicht, "gewicht"), places=4)
        if value is None:
            if len(problems) == count:
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
    clean = _validate_weights(gewichten or {}, problems)
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


def _already_published(what: str, moment: dt.datetime | None) -> str:
    """A second publication changes nothing, and says so."""
    when = f" op {nl_date(timezone.localtime(moment).date())}" if moment else ""
    return f"{what} is al gepubliceerd{when}; er is niets gewijzigd."


def _publication_moment(at: dt.datetime | None, message: str) -> None:
    """A publication moment given by a loader replaying history: not in the future of the day
    it replays, within the platform's years."""
    if at is None:
        return
    problems: list[Problem] = []
    check_date(
        timezone.localtime(at).date() if timezone.is_aware(at) else at,
        field="gepubliceerd_op",
        label="Het moment van publicatie",
        when=When.PAST,
        problems=problems,
    )
    if problems:
        raise DomainError(message, problems)


@transaction.atomic
def publish_weging(versie: WegingVersie, user=None, at: dt.datetime | None = None) -> WegingVersie:
    versie = WegingVersie.objects.select_for_update().get(pk=versie.pk)
    if versie.status == WegingVersie.Status.GEPUBLICEERD:
        raise Conflict(_already_published(f"Weging {versie.nummer}", versie.gepubliceerd_op))
    _publication_moment(at, f"Weging {versie.nummer} is niet gepubliceerd.")
    versie.status = WegingVersie.Status.GEPUBLICEERD
    versie.gepubliceerd_op = at or clock.now()
    versie.gepubliceerd_door = authenticated(user)
    versie.save(update_fields=["status", "gepubliceerd_op", "gepubliceerd_door"])
    record(
        Actie.WIJZIGEN, versie, voor={"status": "concept"}, na={"status": versie.status}, user=user
    )
    return versie


# --- routekaart --------------------------------------------------------------------------------


def _quarter(date: dt.date) -> tuple[int, int]:
    return date.year, (date.month - 1) // 3 + 1


def _quarter_bounds(jaar: int, kwartaal: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(jaar, 3 * kwartaal - 2, 1)
    end = dt.date(jaar, 12, 31) if kwartaal == 4 else dt.date(jaar, 3 * kwartaal + 1, 1)
    if kwartaal != 4:
        end -= dt.timedelta(days=1)
    return start, end


def _validate_mijlpalen(items: list[dict], problems: list[Problem]) -> list[dict]:
    uuids = {str(item.get("voorziening")) for item in items}
    voorzieningen = {str(v.uuid): v for v in Voorziening.objects.filter(uuid__in=_uuids(uuids))}
    voorzieningen.update({v.naam: v for v in Voorziening.objects.filter(naam__in=uuids)})
    carried = set(
        Mijlpaal.objects.filter(voorziening__in=list(voorzieningen.values())).values_list(
            "voorziening_id", "omschrijving", "jaar", "kwartaal"
        )
    )
    clean = []
    seen = set()
    for index, item in enumerate(items):
        prefix = f"mijlpalen.{index}"
        v = voorzieningen.get(str(item.get("voorziening")))
        if v is None:
            problems.append(Problem(f"{prefix}.voorziening", "onbekende voorziening", "unknown"))
            continue
        jaar, kwartaal = _whole(item.get("jaar")), _whole(item.get("kwartaal"))
        if jaar is None or kwartaal is None:
            problems.append(Problem(f"{prefix}.kwartaal", "jaar en kwartaal zijn gehele getallen"))
            continue
        if not 1 <= kwartaal <= 4:
            problems.append(Problem(f"{prefix}.kwartaal", "kwartaal is 1 tot en met 4"))
            continue
        if not 1 <= jaar <= 9999:
            problems.append(
                Problem(
                    f"{prefix}.jaar",
                    f"jaar {jaar} ligt buiten {PLATFORM_YEARS.start}–{PLATFORM_YEARS.stop - 1}",
                    "range",
                )
            )
            continue
        start, end = _quarter_bounds(jaar, kwartaal)
        if not check_date(
            start,
            field=f"{prefix}.jaar",
            label=f"Het kwartaal {jaar} K{kwartaal}",
            problems=problems,
        ):
            continue
        if (jaar, kwartaal) < _quarter(v.startdatum):
            problems.append(
                Problem(
                    f"{prefix}.kwartaal",
                    f"{jaar} K{kwartaal} ligt vóór de start van {v.naam} ({nl_date(v.startdatum)})",
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
        # A milestone is planned: a new or moved one lies in a quarter that has not ended yet.
        # One already on the roadmap in that quarter (a version this one starts from) may stay.
        if (v.pk, omschrijving[:300], jaar, kwartaal) not in carried and not check_date(
            end,
            field=f"{prefix}.kwartaal",
            label=f"Het einde van {jaar} K{kwartaal}",
            when=When.PLANNED,
            problems=problems,
        ):
            continue
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


def _whole(value) -> int | None:
    """A whole number: an int, or ASCII digits (not '2027.9', not '２０２７')."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        return int(value.strip())
    return None


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
        raise Conflict(_already_published(f"Routekaart {versie.nummer}", versie.gepubliceerd_op))
    _publication_moment(at, f"Routekaart {versie.nummer} is niet gepubliceerd.")
    versie.status = RoutekaartVersie.Status.GEPUBLICEERD
    versie.gepubliceerd_op = at or clock.now()
    versie.save(update_fields=["status", "gepubliceerd_op"])
    record(
        Actie.WIJZIGEN, versie, voor={"status": "concept"}, na={"status": versie.status}, user=user
    )
    return versie
