"""The seed's arrangement (items C and D): Vertrouwenswerk Jeugd, De Kindertelefoon and
Luisterend Oor, 2018 up to and including 2021, EUR 0.90 per inhabitant at 2017 prices, billed
on the real CBS figures. The index figures, the G4's exemption from Luisterend Oor and the
correction are example data and marked as such."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from samen.abonnementen import services
from samen.abonnementen.models import Abonnement, Arrangement, Dienst, Factuur
from samen.accounts.models import Organisatie
from samen.core.demo import loader

NAAM = "Vertrouwenswerk, Kindertelefoon en Luisterend Oor 2018–2021"
BRON = "Voorstel BALV 30 november 2016, onderdelen C en D"
DIENSTEN = [
    # code, name, provider (abbreviation), budget at 2017 prices, per inhabitant as the seed says
    ("vertrouwenswerk", "Vertrouwenswerk Jeugd", "AKJ", "7500000", "0.44"),
    ("kindertelefoon", "De Kindertelefoon", "Kindertelefoon", "3830000", "0.23"),
    ("luisterend-oor", "Luisterend Oor", "Sensoor", "3940000", "0.25"),
    ("beheer", "Beheer en betaling", "Administratiekantoor", "50000", "0.0029"),
]
INDEX_VOORBEELD = {2018: "1,5", 2019: "2,1", 2020: "2,5", 2021: "1,7"}
G4 = ["GM0363", "GM0599", "GM0518", "GM0344"]


@loader(80, "abonnementen")
def load_abonnementen() -> str:
    if Arrangement.objects.filter(naam=NAAM).exists():
        return "al aanwezig"
    kantoor = Organisatie.objects.get(afkorting="Administratiekantoor")
    arrangement = Arrangement.objects.create(
        naam=NAAM,
        omschrijving=(
            "Vierjarig abonnement van alle gemeenten op Vertrouwenswerk Jeugd (AKJ), De "
            "Kindertelefoon en Luisterend Oor (Sensoor), per jaar vooruit betaald aan één "
            "administratiekantoor dat het geld aan de aanbieders doorgeeft. Gemeenten met een "
            "eigen Luisterend Oor (waaronder de G4) zijn van dat deel vrijgesteld."
        ),
        eerste_jaar=2018,
        laatste_jaar=2021,
        tarief=Decimal("0.90"),
        prijspeil=2017,
        afleiding_budget=Decimal("15320000"),
        afleiding_inwoners=17_081_507,
        afleiding_peildatum=dt.date(2017, 1, 1),
        bron=BRON,
        administratiekantoor=kantoor,
    )
    for volgorde, (code, naam, aanbieder, budget, genoemd) in enumerate(DIENSTEN):
        Dienst.objects.create(
            arrangement=arrangement,
            code=code,
            naam=naam,
            aanbieder=Organisatie.objects.get(afkorting=aanbieder),
            budget=Decimal(budget),
            genoemd_per_inwoner=Decimal(genoemd),
            volgorde=volgorde,
        )
    for jaar, pct in INDEX_VOORBEELD.items():
        services.set_index(arrangement, jaar, pct, bron="voorbeeldcijfer", voorbeeld=True)
    services.subscribe_all(arrangement)
    lo = arrangement.diensten.get(code="luisterend-oor")
    for abonnement in Abonnement.objects.filter(arrangement=arrangement, gemeente__code__in=G4):
        services.add_exemption(
            abonnement,
            lo,
            abonnement.van,
            abonnement.tot,
            "eigen Luisterend Oor (G4; voorbeeldgegevens)",
            voorbeeld=True,
        )
    lines = []
    for jaar in range(2018, 2022):
        run = services.billing_run(arrangement, jaar, factuurdatum=dt.date(jaar - 1, 12, 1))
        lines.append(f"{jaar}: {run.uitgegeven}")
    # An example correction: a CBS population correction for one municipality in 2019.
    factuur = Factuur.objects.get(
        arrangement=arrangement, jaar=2019, gemeente__code="GM0014", soort=Factuur.Soort.FACTUUR
    )
    services.correct_invoice(
        factuur,
        "CBS-correctie van het inwonertal (voorbeeldgegevens)",
        inwoners=factuur.inwoners - 250,
        factuurdatum=dt.date(2019, 3, 1),
    )
    return "facturen " + ", ".join(lines) + "; 1 creditnota"


from samen.abonnementen import demo_ubl  # noqa: E402,F401  (e-invoice details, loader 79)
