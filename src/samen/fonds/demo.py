"""The seed's overview of 2017 (section B, "De financiering in 2017") as entered in the document,
with its stated subtotals and total; and a contribution of EUR 52.3 million for every year of the
fund from 2018 as an example (the later Fonds GGU scale, outside the seed; the years after 2018 are
marked as example data in their toelichting: the proposal gives only 2018)."""

from __future__ import annotations

from decimal import Decimal

from samen.core.demo import loader
from samen.fonds import services
from samen.fonds.models import Activiteit, Compartiment, Fonds, GenoemdTotaal

BRON = "Voorstel BALV 30 november 2016, B: De financiering in 2017"
STRUCTUREEL = [
    ("Taxatiewijzers WOZ", "1000000"),
    ("Digitaal Klantdossier", "611000"),
    ("14+Netnummer", "1588000"),
    ("Beheer en onderhoud aanpak NUP", "950000"),
    ("Realisatie en beheer Gemeentelijke Monitor Sociaal Domein", "193000"),
    ("Burgerzakenmodules basisregistratie personen", "350000"),
    ("Beheer ISD standaarden en ICT-infrastructuur", "11100000"),
    ("Beheer en aanbesteding raamcontracten Sociaal Domein", "250000"),
    ("Informatiebeveiligingsdienst IBD", "2000000"),
    ("Basisdienstverlening KING", "7500000"),
]
INCIDENTEEL = [
    ("Operatie BRP", "1000000"),
    ("Digitale Agenda", "20260000"),
    ("Collectieve I-voorzieningen en dienstverlening", "2000000"),
    ("Informatievoorziening Omgevingswet", "1950000"),
]
#: The fund's later years (as far as the demo arrangement runs): example contributions, marked so.
BIJDRAGEJAREN_VOORBEELD = (2019, 2020, 2021)
GENOEMD = [
    ("Totaal structureel", "structureel", "25452000"),
    ("Totaal eenmalig", "incidenteel", "25210000"),
    ("Totaal 2017", "", "50752000"),
]


@loader(70, "fonds")
def load_fonds() -> str:
    fonds, created = Fonds.objects.get_or_create(
        naam="Collectief financieringsarrangement (voorbeeld)",
        defaults={"toelichting": "Het fonds uit voorstel B; bedragen 2017 uit het voorstel."},
    )
    if not created:
        return "al aanwezig"
    comps = {
        code: Compartiment.objects.create(fonds=fonds, code=code, naam=label)
        for code, label in Compartiment.Code.choices
    }
    for naam, bedrag in STRUCTUREEL:
        a = Activiteit.objects.create(
            compartiment=comps["beheer"], naam=naam, soort=Activiteit.Soort.STRUCTUREEL
        )
        services.enter_budget(a, 2017, Decimal(bedrag), toelichting=BRON)
    for naam, bedrag in INCIDENTEEL:
        a = Activiteit.objects.create(
            compartiment=comps["innovatie"], naam=naam, soort=Activiteit.Soort.INCIDENTEEL
        )
        services.enter_budget(a, 2017, Decimal(bedrag), toelichting=BRON)
    for label, soort, bedrag in GENOEMD:
        GenoemdTotaal.objects.create(
            fonds=fonds, jaar=2017, label=label, soort=soort, bedrag=Decimal(bedrag), bron=BRON
        )
    _example_execution()
    services.set_contribution(
        fonds,
        2018,
        totaal=Decimal("52300000"),
        toelichting=(
            "Voorbeeld: EUR 52,3 mln (schaal van het latere Fonds GGU, niet uit het voorstel)."
        ),
    )
    for jaar in BIJDRAGEJAREN_VOORBEELD:
        services.set_contribution(
            fonds,
            jaar,
            totaal=Decimal("52300000"),
            toelichting=(
                f"Voorbeeldgegevens: EUR 52,3 mln ook in {jaar} (het voorstel noemt alleen 2018)."
            ),
        )
    return "overzicht 2017 en bijdragen 2018–2021 geladen"


def _example_execution() -> None:
    """Example execution of 2017 (not from the seed, marked as example data): the board
    authorises two activities, finance commits and spends part of it."""
    import datetime as dt

    from samen.fonds.models import Toelichting

    voorbeeld = "voorbeeldgegevens (niet uit het voorstel)"
    ibd = Activiteit.objects.get(naam="Informatiebeveiligingsdienst IBD")
    agenda = Activiteit.objects.get(naam="Digitale Agenda")
    for activiteit, bedrag in ((ibd, "2000000"), (agenda, "15000000")):
        voorstel = services.propose_authorisation(activiteit, 2017, bedrag)
        services.decide_authorisation(voorstel, True, dt.date(2017, 1, 20))
    contract = services.enter_commitment(
        ibd,
        "V-2017-01",
        f"Dienstverlening IBD ({voorbeeld})",
        dt.date(2017, 2, 1),
        {2017: Decimal("1800000")},
    )
    services.enter_realisation(
        ibd,
        dt.date(2017, 6, 30),
        Decimal("900000"),
        "F-2017-06",
        contract,
        toelichting=voorbeeld,
    )
    services.enter_realisation(
        agenda, dt.date(2017, 5, 31), Decimal("9000000"), "F-2017-05", toelichting=voorbeeld
    )
    Toelichting.objects.create(
        activiteit=agenda, jaar=2017, tekst=f"Projecten schuiven door naar 2018 ({voorbeeld})."
    )
