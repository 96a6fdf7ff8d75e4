"""Demo collection: an example CAMT.053 bank statement for 2018
(``demo/camt053-2018-voorbeeld.xml``, example data, made by ``build_statement`` on the demo's
invoices) that pays most 2018 invoices of the seed's arrangement, with one partial payment, one
batch entry, one reversal and a few unmatched items; then the distribution for every month of
2018, so that the providers' statements add up.

The statement is of the office's own account: the IBAN of its ``Afzendergegevens`` (the one
source for invoices, letters and statements). The file carries the example office's IBAN; when
the office's details name another account, the loader reads the statement for that one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from samen.abonnementen.demo import NAAM
from samen.abonnementen.demo_ubl import VOORBEELD_IBAN
from samen.abonnementen.models import Arrangement, Factuur
from samen.core import clock
from samen.core.demo import loader
from samen.core.money import format_euro
from samen.inning import camt, queries, services
from samen.inning.models import Afdrachtperiode, Bankafschrift

BESTAND = Path(__file__).parent / "demo" / "camt053-2018-voorbeeld.xml"
# The account in the file: the example office's (abonnementen.demo_ubl), the office's own IBAN.
REKENING = VOORBEELD_IBAN


def office_iban() -> str:
    """The IBAN of the demo arrangement's administration office (its Afzendergegevens)."""
    arrangement = Arrangement.objects.filter(naam=NAAM).first()
    details = queries.office_details(arrangement.administratiekantoor_id if arrangement else None)
    return details.iban if details else REKENING


def _invoices():
    arrangement = Arrangement.objects.get(naam=NAAM)
    return list(
        Factuur.objects.filter(arrangement=arrangement, jaar=2018, soort=Factuur.Soort.FACTUUR)
        .select_related("gemeente")
        .order_by("volgnummer")
    )


def build_statement(rekening: str | None = None) -> bytes:
    """The example statement for the demo's 2018 invoices (deterministic), of the office's
    account."""
    facturen = _invoices()
    entries: list[dict] = []

    def tx(f, n, bedrag=None, omschrijving=None):
        return {
            "ref": f"VB2018{n:06d}",
            "e2e": f"VB-E2E-{f.nummer}",
            "bedrag": bedrag if bedrag is not None else f.totaal,
            "naam": f"Gemeente {f.gemeente.naam}",
            "iban": f"NL{(n % 90) + 10:02d}BNGH0{f.gemeente.code[2:]:0>9}",
            "omschrijving": omschrijving
            or f"Factuur {f.nummer} betalingskenmerk {f.betalingskenmerk}",
        }

    start = dt.date(2018, 1, 2)
    n = 0
    batch = []
    for i, f in enumerate(facturen):
        if i % 10 == 9:
            continue  # about one in ten stays unpaid: the overdue list
        n += 1
        datum = start + dt.timedelta(days=(i * 3) % 360)
        if i == 1:  # a partial payment: about half
            entries.append({**tx(f, n, (f.totaal / 2).quantize(Decimal("0.01"))), "datum": datum})
        elif i in (2, 3, 4):  # one batch entry of three payments
            batch.append(tx(f, n))
            if i == 4:
                entries.append({"ref": "VB2018BATCH1", "datum": datum, "batch": batch})
        elif i == 5:  # paid, then reversed by the bank a month later
            entries.append({**tx(f, n), "datum": datum})
            n += 1
            reversal = {**tx(f, n), "datum": datum + dt.timedelta(days=30)}
            entries.append({**reversal, "terugboeking": True})
        elif i == 6:  # an overpayment: not matched
            entries.append({**tx(f, n, f.totaal + Decimal("100.00")), "datum": datum})
        else:
            entries.append({**tx(f, n), "datum": datum})
    n += 1
    entries.append(
        {
            "ref": f"VB2018{n:06d}",
            "e2e": "VB-E2E-ONBEKEND",
            "bedrag": Decimal("250.00"),
            "naam": "Stichting Onbekend",
            "iban": "NL91RABO0300000001",
            "omschrijving": "Bijdrage 2018 (zonder kenmerk)",
            "datum": dt.date(2018, 3, 14),
        }
    )
    n += 1
    entries.append(
        {
            "ref": f"VB2018{n:06d}",
            "e2e": "VB-E2E-KOSTEN",
            "bedrag": Decimal("12.50"),
            "naam": "Bank",
            "omschrijving": "Kosten betalingsverkeer",
            "datum": dt.date(2018, 3, 31),
            "debet": True,
        }
    )
    entries.sort(key=lambda e: (e["datum"], e["ref"]))
    for e in entries:
        e["datum"] = e["datum"].isoformat()
    return camt.build(
        "VB-2018",
        rekening or office_iban(),
        entries,
        "2018-12-31T18:00:00",
        commentaar="VOORBEELDGEGEVENS: fictief bankafschrift voor de demo van Samen",
    )


def months(jaar: int):
    for maand in range(1, 13):
        start = dt.date(jaar, maand, 1)
        eind = (dt.date(jaar + (maand == 12), maand % 12 + 1, 1)) - dt.timedelta(days=1)
        yield start, eind


@loader(90, "inning")
def load_inning() -> str:
    if Bankafschrift.objects.filter(voorbeeld=True).exists():
        return "al aanwezig"
    if not Arrangement.objects.filter(naam=NAAM).exists():
        return "geen arrangement"
    if not BESTAND.exists():
        return "geen voorbeeldafschrift (maak het met build_statement)"
    data = BESTAND.read_bytes()
    iban = office_iban()
    if iban != REKENING:
        data = data.replace(f"<IBAN>{REKENING}</IBAN>".encode(), f"<IBAN>{iban}</IBAN>".encode())
    # history: read and passed on as at the end of January 2019
    with clock.replaying(dt.date(2019, 1, 31)):
        result = services.import_statement(data, BESTAND.name, voorbeeld=True)
        for start, eind in months(2018):
            if not Afdrachtperiode.objects.filter(start=start).exists():
                services.run_distribution(start, eind)
    rec = queries.reconcile()
    return (
        f"{result.bericht} Afgedragen 2018: {format_euro(rec.afgedragen)}; vastgehouden "
        f"{format_euro(rec.vastgehouden)}; "
        f"aansluiting {'klopt' if rec.klopt else 'klopt niet: ' + '; '.join(rec.afwijkingen)}"
    )
