"""Demo of the members' meeting: the BALV of 30 November 2016 with the proposal's four items
(A-D), and an example written consultation (ledenraadpleging) on a yearly fund contribution
with an amendment, closed and published. The vote-weight table and every ballot are example
data (marked "voorbeeld"): the VNG's real table is entered by the programme office."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from samen.core.demo import loader
from samen.fonds.models import Fonds
from samen.ledenvergadering import services
from samen.ledenvergadering.models import Ledenvergadering, Stemgewichttabel

BALV = "BALV 30 november 2016: Samen Organiseren"
RAADPLEGING = "Ledenraadpleging bijdrage 2022 (voorbeeld)"
KLASSEN = [
    (0, 1),
    (10_000, 2),
    (20_000, 3),
    (30_000, 4),
    (50_000, 5),
    (100_000, 7),
    (200_000, 10),
    (400_000, 15),
]
ITEMS = [
    ("A", "Samen Organiseren: de werkwijze", "Programmatisch samenwerken in de VNG-netwerken."),
    ("B", "Gezamenlijk financieren: het fonds", "Een fonds met een bijdrage per inwoner."),
    ("C", "Decentralisatie van taken in het sociaal domein", "Gezamenlijke uitvoering."),
    ("D", "Het abonnement", "Een vierjarig abonnement op landelijke voorzieningen."),
]


def _spread(code: str, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()[:8], 16) % 100


def _end(vergadering: Ledenvergadering, stemmen_tot: dt.datetime) -> None:
    services.close(vergadering)
    services.publish_results(vergadering)
    # the historic deadline (the demo voted "then"): the meeting lies in the past
    Ledenvergadering.objects.filter(pk=vergadering.pk).update(stemmen_tot=stemmen_tot)


@loader(105, "ledenvergadering")
def load_ledenvergadering() -> str:
    if Ledenvergadering.objects.filter(titel=BALV).exists():
        return "al aanwezig"
    if not Stemgewichttabel.objects.filter(jaar=2016).exists():
        services.enter_table(
            2016,
            KLASSEN,
            toelichting="Voorbeeldgegevens: niet de tabel van de VNG-statuten.",
            voorbeeld=True,
        )
    open_until = timezone.now() + dt.timedelta(days=1)
    balv = services.create_meeting("balv", BALV, dt.date(2016, 11, 30), open_until, voorbeeld=True)
    for code, titel, tekst in ITEMS:
        services.add_proposal(
            balv,
            code,
            "algemeen",
            titel,
            tekst=f"De BALV 2016 wordt gevraagd in te stemmen met het voorstel. {tekst}",
        )
    services.publish_agenda(balv)
    codes = sorted(balv.gewichten.values_list("gemeente__code", flat=True))
    for voorstel in balv.voorstellen.all():
        keuzes = {}
        for code in codes:
            r = _spread(code, voorstel.code)
            if r < 80 or code == "GM0014":  # example: 80% took part (Groningen always)
                keuzes[code] = (
                    "voor" if r < 68 or code == "GM0014" else ("tegen" if r < 76 else "onthouding")
                )
        services.record_counted_ballots(voorstel, keuzes)
    _end(balv, timezone.make_aware(dt.datetime(2016, 11, 30, 17, 0)))

    fonds = Fonds.objects.filter(naam__icontains="voorbeeld").order_by("pk").first()
    rp = services.create_meeting(
        "ledenraadpleging",
        RAADPLEGING,
        dt.date(2021, 6, 15),
        open_until,
        amendementen_tot=open_until,
        min_medeondertekenaars=1,
        voorbeeld=True,
    )
    voorstel = services.add_proposal(
        rp,
        "1",
        "fonds" if fonds else "algemeen",
        "Bijdrage per inwoner 2022 (voorbeeld)",
        tekst="Het bestuur stelt een bijdrage van EUR 2,96 per inwoner voor (voorbeeld).",
        fonds=fonds,
        jaar=2022 if fonds else None,
        per_inwoner="2,96" if fonds else None,
        opties=["voorstel", "amendement-1", "tegen"],
    )
    services.publish_agenda(rp)
    codes = sorted(rp.gewichten.values_list("gemeente__code", flat=True))
    indiener, mede = codes[0], codes[1]
    from samen.gemeenten.models import Gemeente

    am = services.file_amendment(
        voorstel,
        "Verlaag de bijdrage naar EUR 2,80 per inwoner (voorbeeld).",
        per_inwoner="2,80",
        gemeente=Gemeente.objects.get(code=indiener),
    )
    services.cosign(am, gemeente=Gemeente.objects.get(code=mede))
    services.preadvise(am, "ontraden", "Het bestuur ontraadt het amendement (voorbeeld).")
    keuzes = {}
    for code in codes:
        r = _spread(code, "raadpleging")
        if r < 68:  # example: about two thirds took part (cf. 243 of 355 in 2020)
            keuzes[code] = "voorstel" if r < 42 else ("amendement-1" if r < 65 else "tegen")
    services.record_counted_ballots(voorstel, keuzes)
    _end(rp, timezone.make_aware(dt.datetime(2021, 6, 30, 17, 0)))
    return "BALV 2016 en een ledenraadpleging (voorbeeld)"
