"""Demo content: the 2017 subscription campaign replayed. The agreement is the one the VNG
asked every municipality to sign before 1 June 2017 (the arrangement of samen.abonnementen);
every municipality's steps are EXAMPLE DATA, invented so that about 250 had signed by the
deadline and more than 100 were still in their college or council, as happened. Marked
``voorbeeld`` and shown as example data on the pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from samen.abonnementen.demo import G4, NAAM
from samen.abonnementen.models import Arrangement
from samen.core.demo import loader
from samen.gemeenten.models import Gemeente
from samen.overeenkomsten import services
from samen.overeenkomsten.models import Drempel, Ondertekening, Overeenkomst, Stap, Status

TITEL = "Abonnementsovereenkomst Vertrouwenswerk, Kindertelefoon en Luisterend Oor 2018–2021"
START = dt.date(2016, 12, 1)
DEADLINE = dt.date(2017, 6, 1)
PARTIJEN = "\n".join(
    [
        "Vereniging van Nederlandse Gemeenten (namens de gemeenten)",
        "AKJ (Vertrouwenswerk Jeugd)",
        "Stichting De Kindertelefoon",
        "Sensoor (Luisterend Oor)",
        "de gemeente",
    ]
)


def _draw(code: str) -> int:
    """A stable number 0..999 per municipality (so a reload gives the same example)."""
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) % 1000


def _day(code: str, salt: str, first: dt.date, last: dt.date) -> dt.date:
    span = (last - first).days
    n = int(hashlib.sha256((code + salt).encode()).hexdigest()[:8], 16) % (span + 1)
    return first + dt.timedelta(days=n)


@loader(110, "overeenkomsten: campagne 2017")
def load_overeenkomsten() -> str:
    if Overeenkomst.objects.filter(titel=TITEL).exists():
        return "al aanwezig"
    arrangement = Arrangement.objects.filter(naam=NAAM).first()
    o = services.create_agreement(
        titel=TITEL,
        partijen=PARTIJEN,
        start=START,
        deadline=DEADLINE,
        arrangement=arrangement,
        omschrijving=(
            "De VNG vroeg alle gemeenten vóór 1 juni 2017 de overeenkomst met de drie "
            "aanbieders te tekenen; het tarief van EUR 0,90 per inwoner gaat uit van deelname "
            "van alle gemeenten. De stappen van de gemeenten hieronder zijn voorbeeldgegevens."
        ),
        drempel_soort=Drempel.BUDGET,
        drempel_waarde=Decimal("100"),
        facturering_volgt=False,  # the replay does not touch the demo's invoices
        voorbeeld=True,
    )
    gemeenten = list(Gemeente.objects.op(DEADLINE).order_by("code").values_list("id", "code"))
    ondertekeningen, plan = [], []
    for gemeente_id, code in gemeenten:
        draw = _draw(code)
        if code in G4 or draw < 600:
            steps = [Status.IN_COLLEGE, Status.IN_RAAD, Status.GETEKEND]
        elif draw < 780:
            steps = [Status.IN_COLLEGE, Status.IN_RAAD]
        elif draw < 920:
            steps = [Status.IN_COLLEGE]
        else:
            steps = []
        if not steps:
            continue
        college = _day(code, "c", dt.date(2017, 1, 9), dt.date(2017, 3, 31))
        raad = _day(code, "r", college + dt.timedelta(days=14), dt.date(2017, 5, 10))
        getekend = _day(code, "g", raad + dt.timedelta(days=3), dt.date(2017, 5, 31))
        dates = [college, raad, getekend][: len(steps)]
        ondertekeningen.append(
            Ondertekening(
                overeenkomst=o, gemeente_id=gemeente_id, status=steps[-1], sinds=dates[-1]
            )
        )
        plan.append((code, list(zip(steps, dates, strict=True))))
    Ondertekening.objects.bulk_create(ondertekeningen)
    Stap.objects.bulk_create(
        Stap(
            ondertekening=ondertekening,
            status=status,
            datum=datum,
            getekend_door="burgemeester (voorbeeld)" if status == Status.GETEKEND else "",
            besluitreferentie=f"VOORBEELD-{code}-2017" if status == Status.GETEKEND else "",
            voorbeeld=True,
        )
        for ondertekening, (code, steps) in zip(ondertekeningen, plan, strict=True)
        for status, datum in steps
    )
    overgenomen = services.apply_herindelingen(o)
    signed = sum(1 for _, steps in plan if steps[-1][0] == Status.GETEKEND)
    return (
        f"1 overeenkomst, {len(gemeenten)} gemeenten: {signed} getekend, "
        f"{len(plan) - signed} in college of raad (voorbeeldgegevens); "
        f"{overgenomen} opvolgers na herindelingen"
    )
