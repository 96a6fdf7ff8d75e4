"""Demo decisions and participation (example data, marked as such): Govroam scaled up
voluntarily-but-binding with a few participants, GIBIT declared a standard binding for all, and
a scaling request for GBI halfway through the process."""

from __future__ import annotations

import datetime as dt

from samen.besluiten import services
from samen.besluiten.models import Besluit
from samen.core import clock
from samen.core.demo import loader
from samen.deelnames import services as deelnames
from samen.deelnames.models import Deelname
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Voorziening

VOORBEELD = "Voorbeeldgegevens (niet uit het voorstel)."
D = dt.date


def _path(voorziening, titel, binding, datum, soort="opschaling", **advies):
    """One request through every step, each entered as on its own day (the date checks of
    core.dates apply as they did then)."""
    with clock.replaying(datum):
        verzoek = services.submit_request(
            voorziening,
            titel,
            VOORBEELD,
            datum,
            steunende_gemeenten=["GM0363", "GM0599"],
            soort=soort,
        )
    beoordeeld = datum + dt.timedelta(days=14)
    with clock.replaying(beoordeeld):
        services.assess(
            verzoek,
            {
                "impact_gemeenten": VOORBEELD,
                "impact_inwoners": VOORBEELD,
                "maatschappelijke_baten": VOORBEELD,
                "opschaalbaarheid": VOORBEELD,
            },
            beoordeeld,
        )
    geadviseerd = datum + dt.timedelta(days=28)
    with clock.replaying(geadviseerd):
        services.advise(
            verzoek,
            {
                "uitrol": VOORBEELD,
                "tijdpad": "2017",
                "binding": binding,
                "samenwerkingsvorm": "netwerk van gemeenten",
                "uitvoering": "landelijk",
                "voorwaarden": VOORBEELD,
                **advies,
            },
            geadviseerd,
        )
    besloten = datum + dt.timedelta(days=42)
    with clock.replaying(besloten):
        return services.decide(verzoek, "vastgesteld", besloten)


def _on(datum, func, *args, **kwargs):
    with clock.replaying(datum):
        return func(*args, **kwargs)


@loader(60, "besluiten en deelnames")
def load_besluiten() -> str:
    if Besluit.objects.exists():
        return "al aanwezig"
    govroam = Voorziening.objects.filter(naam="Govroam").first()
    gibit = Voorziening.objects.filter(naam__startswith="GIBIT").first()
    gbi = Voorziening.objects.filter(naam__contains="GBI").first()
    if not (govroam and gibit and gbi):
        return "portfolio ontbreekt"
    besluit = _path(
        govroam,
        "Opschaling Govroam",
        "vrijwillig",
        D(2017, 1, 16),
        uittredingsvoorwaarden="Uittreden kan na twee jaar deelname. " + VOORBEELD,
        uittreden_vanaf=D(2019, 1, 1),
    )
    statuses = [
        ("GM0363", "in_gebruik"),
        ("GM0599", "in_gebruik"),
        ("GM0518", "gepland"),
        ("GM0344", "in_implementatie"),
        ("GM0014", "geinteresseerd"),
    ]
    for code, status in statuses:
        gemeente = Gemeente.objects.get(code=code)
        d = _on(D(2017, 3, 1), deelnames.join, gemeente, govroam, besluit, D(2017, 3, 1))
        april = D(2017, 4, 1)
        if status == "gepland":
            _on(april, deelnames.update_status, d, "gepland", april, gepland_op=D(2017, 12, 1))
        elif status != "geinteresseerd":
            _on(april, deelnames.update_status, d, "in_implementatie", april)
            if status == "in_gebruik":
                september = D(2017, 9, 1)
                _on(september, deelnames.update_status, d, "in_gebruik", september)
    standaard = _path(
        gibit, "GIBIT tot standaard verklaren", "algemeen", D(2017, 2, 1), soort="standaard"
    )
    live = Deelname.objects.filter(voorziening=gibit).order_by("gemeente__code")[::3]
    for d in live:
        _on(D(2018, 1, 1), deelnames.update_status, d, "in_gebruik", D(2018, 1, 1))
    deelnames.apply_herindelingen(clock.today())
    verzoek = _on(
        D(2017, 5, 1),
        services.submit_request,
        gbi,
        "Opschaling GBI-aanvraagproces levensonderhoud",
        VOORBEELD,
        D(2017, 5, 1),
        steunende_gemeenten=["GM0363"],
    )
    return (
        f"besluiten {besluit.nummer} en {standaard.nummer}, "
        f"{Deelname.objects.count()} deelnames, verzoek '{verzoek.titel}' ingediend"
    )
