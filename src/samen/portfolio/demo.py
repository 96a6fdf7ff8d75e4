"""Demo content of the portfolio: the six provisions of the appendix and the programmes of the
proposal (from demo/voorzieningen.yaml, taken from the seed), the seed's criteria, an example
weighting with example scores, and a roadmap in two versions. Example values are marked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from importlib import resources

import yaml
from django.utils import timezone

from samen.accounts.models import Organisatie
from samen.core import clock
from samen.core.demo import loader
from samen.gemeenten.models import Gemeente
from samen.portfolio import services
from samen.portfolio.models import (
    Criterium,
    Fase,
    RoutekaartVersie,
    Score,
    Voorziening,
    WegingVersie,
)

DEMO = resources.files("samen.portfolio") / "demo"
DATA = resources.files("samen.portfolio") / "data"
SEED = "Voorstel BALV 30 november 2016"
VOORBEELD = "voorbeeldwaarde (niet uit het voorstel)"
# The date the proposal was adopted: provisions already in use are registered from then on.
SEED_DATE = dt.date(2016, 11, 30)
# The demo replays history: every entry passes the same date checks as on the day it is dated
# (core.clock.replaying), so nothing here is entered "in the future" or planned in the past.
SCORES_AT = dt.datetime(2017, 1, 15, 10, 0)
ROUTEKAART_1 = dt.date(2016, 12, 15)
ROUTEKAART_2 = dt.date(2017, 1, 16)


def _moment(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _yaml(name: str):
    path = DEMO / name
    if not path.is_file():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def cbs_deaths() -> dict[int, int]:
    text = (DATA / "cbs_overledenen_nederland.csv").read_text(encoding="utf-8")
    return {int(r["jaar"]): int(r["overledenen"]) for r in csv.DictReader(io.StringIO(text))}


def _gemeente_codes(names: list[str]) -> list[str]:
    codes = []
    for name in names or []:
        g = (
            Gemeente.objects.filter(naam__iexact=name, geldig_tot__isnull=True).first()
            or Gemeente.objects.filter(naam__iexact=name).order_by("-geldig_van").first()
            or Gemeente.objects.filter(code=name).first()
        )
        if g is not None:
            codes.append(g.code)
    return codes


def _organisaties(names: list[str]) -> list[str]:
    known = []
    for name in names or []:
        if (
            Organisatie.objects.filter(afkorting=name).exists()
            or Organisatie.objects.filter(naam=name).exists()
        ):
            known.append(name)
    return known


@loader(20, "portfolio: organisaties")
def load_organisaties() -> str:
    items = _yaml("organisaties.yaml") or []
    created = 0
    for item in items:
        _, new = Organisatie.objects.get_or_create(
            naam=item["naam"],
            defaults={
                "afkorting": item.get("afkorting", "") or "",
                "soort": item.get("soort") or Organisatie.Soort.KETENPARTNER,
            },
        )
        created += new
    return f"{created} nieuw"


@loader(30, "portfolio: voorzieningen")
def load_voorzieningen() -> str:
    items = _yaml("voorzieningen.yaml") or []
    generic = _yaml("randvoorwaarden.yaml") or {}
    if isinstance(generic, list):
        generic = {item.get("code", str(i)): item for i, item in enumerate(generic)}
    created = 0
    for item in items:
        if Voorziening.objects.filter(naam=item["naam"]).exists():
            continue
        factsheet = dict(item.get("factsheet") or {})
        factsheet = {k: v for k, v in factsheet.items() if v is not None}
        data = {
            "naam": item["naam"],
            "korte_omschrijving": item.get("korte_omschrijving") or item["naam"],
            "spoor": item.get("spoor") or 2,
            "domein": item.get("domein") or "publieksdienstverlening",
            "soort": item.get("soort") or "overig",
            "gebruikers": item.get("gebruikers") or "gemeente",
            "startdatum": SEED_DATE,
            "ontwikkelaars": _organisaties(item.get("ontwikkelaars")),
            "ontwikkelaars_toelichting": item.get("ontwikkelaars_toelichting") or "",
            "kopgroep": _gemeente_codes(item.get("kopgroep")),
            "capaciteit_gemeenten": _gemeente_codes(item.get("capaciteit_gemeenten")),
            "beheerorganisatie": (_organisaties([item.get("beheerorganisatie")]) or [""])[0],
            "beheer_toelichting": item.get("beheer_toelichting") or "",
            "bron": item.get("bron") or SEED,
        }
        fase = item.get("fase") or Fase.INITIATIEF
        with clock.replaying(SEED_DATE):
            voorziening = services.create_voorziening(data, factsheet, fase=fase)
            case = item.get("businesscase")
            if case:
                _load_businesscase(voorziening, case)
        created += 1
    return f"{created} nieuw, {len(items) - created} al aanwezig"


def _load_businesscase(voorziening: Voorziening, case: dict) -> None:
    deaths = cbs_deaths()
    volume = case.get("volume_per_jaar")
    volume_bron = case.get("volume_bron") or "voorbeeld"
    volume_toelichting = ""
    if volume is None and str(volume_bron).lower() == "cbs":
        jaar = max(deaths)
        volume = deaths[jaar]
        volume_toelichting = f"overledenen in {jaar} volgens CBS (37259ENG); Bron: CBS, CC BY 4.0"
    if volume is None:
        return
    uurtarief = case.get("uurtarief")
    uurtarief_bron = "seed"
    uurtarief_toelichting = case.get("uurtarief_bron") or ""
    if uurtarief is None:
        uurtarief = Decimal("20.00")
        uurtarief_bron = "voorbeeld"
        uurtarief_toelichting = (
            VOORBEELD + "; zo gekozen dat 5 uur per aangifte bij ca. 150.000 aangiften "
            "(2016) overeenkomt met de genoemde € 15 mln."
        )
    services.set_businesscase(
        voorziening,
        {
            "volume_omschrijving": case.get("volume_omschrijving") or "gevallen per jaar",
            "volume_per_jaar": volume,
            "volume_bron": {"seed": "seed", "cbs": "cbs"}.get(
                str(volume_bron).lower(), "voorbeeld"
            ),
            "volume_toelichting": volume_toelichting,
            "tijdwinst_uren_min": case.get("tijdwinst_uren_min"),
            "tijdwinst_uren_max": case.get("tijdwinst_uren_max"),
            "tijdwinst_bron": "seed",
            "tijdwinst_toelichting": case.get("tijdwinst_bron") or SEED,
            "uurtarief": uurtarief,
            "uurtarief_bron": uurtarief_bron,
            "uurtarief_toelichting": uurtarief_toelichting,
            "kosten_per_jaar": 0,
            "kosten_bron": "voorbeeld",
            "genoemd_bedrag_landelijk": case.get("genoemd_bedrag_landelijk"),
            "genoemd_bedrag_toelichting": case.get("genoemd_bedrag_bron") or "",
        },
    )


DEFAULT_CRITERIA = [
    ("dienstverlening", "Waarde voor de dienstverlening aan burgers en bedrijven"),
    ("bedrijfsvoering", "Waarde voor de gemeentelijke bedrijfsvoering"),
    ("opschaling", "Noodzaak van landelijke opschaling"),
    ("urgentie", "Urgentie om andere redenen"),
]


@loader(40, "portfolio: criteria, weging en scores")
def load_duiding() -> str:
    items = _yaml("criteria.yaml") or []
    if isinstance(items, dict):
        items = items.get("criteria", [])
    if not items:
        items = [{"code": code, "naam": naam} for code, naam in DEFAULT_CRITERIA]
    for index, item in enumerate(items):
        Criterium.objects.get_or_create(
            code=item.get("code") or DEFAULT_CRITERIA[index][0],
            defaults={
                "naam": item.get("naam") or DEFAULT_CRITERIA[index][1],
                "omschrijving": item.get("omschrijving", "") or "",
                "volgorde": index + 1,
                "bron": item.get("bron") or SEED,
            },
        )
    if WegingVersie.objects.exists():
        return "al aanwezig"
    codes = list(Criterium.objects.values_list("code", flat=True))
    versie = services.create_weging(
        "Gelijke weging (voorbeeld)",
        {code: Decimal("1") for code in codes},
        toelichting="Voorbeeldweging: alle criteria even zwaar. " + VOORBEELD,
    )
    # Example scores, clearly marked: the proposal gives no scores.
    at = timezone.make_aware(SCORES_AT)
    with clock.replaying(SCORES_AT.date()):
        _load_scores(at)
        services.publish_weging(versie, at=at + dt.timedelta(hours=1))
    return f"{len(codes)} criteria, weging {versie.nummer} gepubliceerd"


def _load_scores(at: dt.datetime) -> None:
    pattern = [5, 4, 3, 4, 2, 3, 5, 2, 4, 3]
    for i, voorziening in enumerate(Voorziening.objects.order_by("naam")):
        for j, criterium in enumerate(Criterium.objects.order_by("volgorde")):
            waarde = pattern[(i * 3 + j * 7) % len(pattern)]
            waarde = max(criterium.schaal_min, min(criterium.schaal_max, waarde))
            if not Score.objects.filter(voorziening=voorziening, criterium=criterium).exists():
                services.give_score(
                    voorziening, criterium, waarde, f"Voorbeeldscore. {VOORBEELD}", at=at
                )


@loader(50, "portfolio: routekaart")
def load_routekaart() -> str:
    if RoutekaartVersie.objects.exists():
        return "al aanwezig"
    volgende = {
        "initiatief": "ontwikkeling",
        "ontwikkeling": "opschaling",
        "opschaling": "implementatie",
        "implementatie": "beheer",
    }
    eerste, tweede = [], []
    for i, v in enumerate(Voorziening.objects.order_by("naam")):
        fase = v.fase
        jaar, kwartaal = 2017, 1 + i % 4
        stap = 0
        while fase in volgende and stap < 3:
            fase = volgende[fase]
            item = {
                "voorziening": str(v.uuid),
                "jaar": jaar + stap,
                "kwartaal": kwartaal,
                "naar_fase": fase,
                "omschrijving": f"naar {fase}",
            }
            eerste.append(item)
            moved = dict(item)
            if i % 3 == 0:
                moved["kwartaal"] = min(4, kwartaal + 1)
            tweede.append(moved)
            stap += 1
    if tweede:
        tweede.pop()  # one milestone dropped in the second version
    with clock.replaying(ROUTEKAART_1):
        a = services.create_routekaart(
            "Routekaart 2017–2020 (voorbeeld)", eerste, toelichting=VOORBEELD
        )
        services.publish_routekaart(a, at=_moment(ROUTEKAART_1))
    with clock.replaying(ROUTEKAART_2):
        b = services.create_routekaart(
            "Routekaart 2017–2020, herzien (voorbeeld)", tweede, toelichting=VOORBEELD
        )
        services.publish_routekaart(b, at=_moment(ROUTEKAART_2))
    return f"versies {a.nummer} en {b.nummer} gepubliceerd"
