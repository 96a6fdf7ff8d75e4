"""One example of each financing form, all marked as example data: an allocation key for a
portable provision (2019) with an extra weight for two municipalities with institutions, the
compensation of Leeuwarden and Tilburg (2019), and two Veilig Thuis regions (2019; the register
has no regions). The key and the regions are invoiced through the abonnementen invoicing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from samen.abonnementen.models import Arrangement, Dienst
from samen.accounts.models import Organisatie
from samen.core.demo import loader
from samen.financiering import services
from samen.gemeenten.models import Gemeente

JAAR = 2019
SLEUTEL = "Meeneembare voorziening (voorbeeld)"
VEILIG_THUIS = "Landelijk nummer Veilig Thuis (voorbeeld)"
BRON = "voorbeeldgegevens (verzonnen voor de demo)"
REGIOS = {
    "Regio Noord (voorbeeld)": ("GM0014", "GM0080", "GM0106", "GM0114"),
    "Regio Zuid (voorbeeld)": ("GM0855", "GM0772", "GM0794"),
}


def _arrangement(naam: str, soort: str, aanbieder: str, budget: str) -> Arrangement:
    kantoor, _ = Organisatie.objects.get_or_create(
        afkorting="Administratiekantoor",
        defaults={"naam": "Administratiekantoor", "soort": "administratiekantoor"},
    )
    org, _ = Organisatie.objects.get_or_create(
        naam=aanbieder, defaults={"afkorting": aanbieder[:20], "soort": "aanbieder"}
    )
    arrangement = Arrangement.objects.create(
        naam=naam,
        soort=soort,
        omschrijving="Voorbeeldgegevens.",
        eerste_jaar=JAAR,
        laatste_jaar=JAAR + 2,
        tarief=Decimal("0"),
        prijspeil=JAAR,
        afleiding_budget=Decimal(budget),
        # Informative only (the total is the given amount): inhabitants on 1 January 2019.
        afleiding_inwoners=17_282_163,
        afleiding_peildatum=dt.date(JAAR, 1, 1),
        bron=BRON,
        administratiekantoor=kantoor,
        voorbeeld=True,
    )
    Dienst.objects.create(
        arrangement=arrangement,
        code="uitvoering",
        naam=aanbieder,
        aanbieder=org,
        budget=Decimal(budget),
    )
    return arrangement


@loader(115, "financiering")
def load_financiering() -> str:
    if Arrangement.objects.filter(naam=SLEUTEL).exists():
        return "al aanwezig"
    factuurdatum = dt.date(JAAR - 1, 12, 1)
    gemeenten = {
        g.code: g
        for g in Gemeente.objects.filter(
            code__in=[
                "GM0080",
                "GM0855",
                "GM0363",
                "GM0599",
                *[c for leden in REGIOS.values() for c in leden],
            ]
        )
    }
    sleutel_arr = _arrangement(
        SLEUTEL, Arrangement.Soort.VERDEELSLEUTEL, "Voorbeeldaanbieder (voorbeeld)", "1200000"
    )
    sleutel = services.set_key(
        sleutel_arr,
        JAAR,
        Decimal("1200000.00"),
        BRON,
        [
            {
                "gemeente": gemeenten["GM0363"],
                "gewicht": 50_000,
                "reden": "instelling die gebruikers uit het hele land trekt (voorbeeld)",
                "bron": BRON,
            },
            {
                "gemeente": gemeenten["GM0599"],
                "gewicht": 25_000,
                "reden": "instelling die gebruikers uit de regio trekt (voorbeeld)",
                "bron": BRON,
            },
        ],
        toelichting="Voorbeeld: inwoners plus een gewicht voor instellingen.",
        voorbeeld=True,
    )
    run_sleutel = services.invoice_key(sleutel, factuurdatum=factuurdatum)
    for code, bedrag in (("GM0080", "1450000.00"), ("GM0855", "2175000.00")):
        services.record_compensation(
            gemeenten[code],
            JAAR,
            Decimal(bedrag),
            "decentralisatie-uitkering bijzondere opvang (voorbeeldbedrag)",
            f"Meicirculaire gemeentefonds {JAAR} (voorbeeld)",
            BRON,
            voorbeeld=True,
        )
    vt = _arrangement(
        VEILIG_THUIS,
        Arrangement.Soort.REGIONALE_COMPENSATIE,
        "Veilig Thuis, gezamenlijke organisaties (voorbeeld)",
        "60000",
    )
    for naam, leden in REGIOS.items():
        services.set_region(
            vt,
            JAAR,
            naam,
            Decimal("30000.00"),
            [gemeenten[c] for c in leden],
            BRON,
            voorbeeld=True,
        )
    run_regio = services.invoice_regions(vt, JAAR, factuurdatum=factuurdatum)
    return (
        f"verdeelsleutel {JAAR}: {run_sleutel.uitgegeven} facturen; 2 compensaties; "
        f"{len(REGIOS)} regio's: {run_regio.uitgegeven} facturen"
    )
