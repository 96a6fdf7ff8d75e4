"""Demo content of the interpreter service: a synthetic population, generated deterministically
from a seed and marked as example data (voorbeeldgegevens): 200 clients, 40 interpreters, the
tariff tables, a month of completed assignments (so that every municipality has a statement)
and open requests for today and tomorrow (the mediator's day view)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.demo import loader
from samen.gemeenten.models import Gemeente
from samen.tolk import afrekening
from samen.tolk.models import (
    Aanvraag,
    Client,
    Domein,
    Indicatie,
    Opdracht,
    Tarieftabel,
    Tolk,
    Tolktype,
    Urgentie,
)
from samen.tolk.queries import betaler_voor

SEED = 2016_11_30
CLIENTEN = 200
TOLKEN = 40
STEDEN = ["GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0014", "GM0935", "GM0202"]
TYPES = [Tolktype.NGT, Tolktype.NGT, Tolktype.NMG, Tolktype.SCHRIJFTOLK, Tolktype.TACTIEL]
VOORNAMEN = ["Anna", "Bram", "Chantal", "Daan", "Eva", "Femke", "Gijs", "Hanna", "Ilse", "Joris"]
ACHTERNAMEN = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"]


def _tarieven(jaar: int) -> Tarieftabel:
    tabel = Tarieftabel.objects.filter(jaar=jaar).order_by("-versie").first()
    return tabel or Tarieftabel.objects.create(
        jaar=jaar,
        versie=1,
        uurtarief=Decimal("62.50"),
        reisuurtarief=Decimal("45.00"),
        kilometertarief=Decimal("0.230"),
        vastgesteld_op=dt.date(jaar - 1, 12, 1),
    )


@loader(120, "tolkvoorziening")
def load_tolk() -> str:
    if Client.objects.filter(voorbeeld=True).exists():
        return "al aanwezig"
    rng = random.Random(SEED)
    today = clock.today()
    maand_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    gemeenten = {g.code: g for g in Gemeente.objects.op(today).filter(code__in=STEDEN)}
    codes = [c for c in STEDEN if c in gemeenten]
    if not codes:
        return "geen gemeenten geladen"
    tabellen = {j: _tarieven(j) for j in {maand_start.year, today.year}}

    clienten = Client.objects.bulk_create(
        Client(
            nummer=f"TV-VB{i:04d}",
            gemeente=gemeenten[rng.choice(codes)],
            tolktypen=sorted({rng.choice(TYPES), rng.choice(TYPES)}),
            ingeschreven_op=dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(2000)),
            voorbeeld=True,
        )
        for i in range(1, CLIENTEN + 1)
    )
    indicaties = []
    for c in clienten:
        for jaar in sorted({maand_start.year, today.year}):
            domein = rng.choice([Domein.LEEF, Domein.LEEF, Domein.WERK, Domein.ONDERWIJS])
            pw = domein == Domein.WERK and rng.random() < 0.5
            indicaties.append(
                Indicatie(
                    client=c,
                    domein=domein,
                    participatiewet=pw,
                    jaar=jaar,
                    betaler=betaler_voor(domein, pw),
                    uren_toegekend=Decimal(rng.choice([30, 60, 120, 240])),
                )
            )
    indicaties = Indicatie.objects.bulk_create(indicaties)
    per_client = {(i.client_id, i.jaar): i for i in indicaties}

    tolken = Tolk.objects.bulk_create(
        Tolk(
            naam=f"{VOORNAMEN[i % 10]} {ACHTERNAMEN[i % 8]} (voorbeeld)",
            kwalificaties=sorted({TYPES[i % 5], rng.choice(TYPES)}),
            woongemeente=gemeenten[codes[i % len(codes)]],
            achterwacht=i % 10 == 9,
            voorbeeld=True,
        )
        for i in range(TOLKEN)
    )

    aanvragen, opdrachten, gebruikt = [], [], {}
    n = 0
    dag = maand_start
    while dag.month == maand_start.month:
        if dag.weekday() < 5:
            for tolk in tolken:
                for uur in (9, 14):
                    if rng.random() > 0.2:
                        continue
                    tolktype = rng.choice(tolk.kwalificaties)
                    kandidaten = [c for c in clienten if tolktype in c.tolktypen]
                    if not kandidaten:
                        continue
                    client = rng.choice(kandidaten)
                    indicatie = per_client[(client.pk, dag.year)]
                    n += 1
                    begin = dt.datetime.combine(dag, dt.time(uur), tzinfo=dt.UTC)
                    duur = rng.choice([60, 90, 120, 180])
                    op_afstand = rng.random() < 0.2
                    aanvragen.append(
                        Aanvraag(
                            nummer=f"A-VB{n:05d}",
                            client=client,
                            indicatie=indicatie,
                            domein=indicatie.domein,
                            betaler=indicatie.betaler,
                            betaler_gemeente=client.gemeente
                            if indicatie.betaler == "gemeente"
                            else None,
                            tolktype=tolktype,
                            begin=begin,
                            duur_minuten=duur,
                            op_afstand=op_afstand,
                            plaats=None if op_afstand else client.gemeente,
                            urgentie=Urgentie.GEPLAND,
                            status=Aanvraag.Status.UITGEVOERD,
                            ingediend_op=begin - dt.timedelta(days=14),
                            voorbeeld=True,
                        )
                    )
                    reistijd = 0 if op_afstand else rng.choice([20, 40, 60, 90])
                    km = Decimal(0) if op_afstand else Decimal(rng.randrange(50, 1200)) / 10
                    uren = Decimal(duur) / 60
                    tabel = tabellen[dag.year]
                    opdrachten.append(
                        Opdracht(
                            tolk=tolk,
                            begin=begin,
                            eind=begin + dt.timedelta(minutes=duur),
                            minuten=duur,
                            status=Opdracht.Status.UITGEVOERD,
                            uren=uren,
                            reistijd_minuten=reistijd,
                            reisafstand_km=km,
                            tarief=tabel,
                            bedrag=afrekening.price(
                                uren,
                                reistijd,
                                km,
                                afrekening.Tarief(
                                    tabel.uurtarief, tabel.reisuurtarief, tabel.kilometertarief
                                ),
                            ),
                            afgerond_op=dag,
                        )
                    )
                    gebruikt[indicatie.pk] = gebruikt.get(indicatie.pk, 0) + uren
        dag += dt.timedelta(days=1)

    # Open requests for today and tomorrow: the mediator's day view (some at risk).
    for i in range(12):
        client = clienten[i * 7]
        indicatie = per_client[(client.pk, today.year)]
        n += 1
        begin = dt.datetime.combine(
            today + dt.timedelta(days=i % 2), dt.time(8 + i % 9), tzinfo=dt.UTC
        )
        aanvragen.append(
            Aanvraag(
                nummer=f"A-VB{n:05d}",
                client=client,
                indicatie=indicatie,
                domein=indicatie.domein,
                betaler=indicatie.betaler,
                betaler_gemeente=client.gemeente if indicatie.betaler == "gemeente" else None,
                tolktype=client.tolktypen[0],
                begin=begin,
                duur_minuten=60,
                op_afstand=i % 4 == 0,
                plaats=None if i % 4 == 0 else client.gemeente,
                urgentie=[Urgentie.GEPLAND, Urgentie.BINNEN_24_UUR, Urgentie.SPOED][i % 3],
                ingediend_op=begin - dt.timedelta(hours=20),
                voorbeeld=True,
            )
        )
    aanvragen = Aanvraag.objects.bulk_create(aanvragen)
    for aanvraag, opdracht in zip(aanvragen, opdrachten, strict=False):
        opdracht.aanvraag = aanvraag
    Opdracht.objects.bulk_create(opdrachten)
    rows = Indicatie.objects.in_bulk(list(gebruikt))
    for pk, uren in gebruikt.items():
        rows[pk].uren_gebruikt = uren
        rows[pk].uren_toegekend = max(rows[pk].uren_toegekend, uren)
    Indicatie.objects.bulk_update(list(rows.values()), ["uren_gebruikt", "uren_toegekend"])
    record(
        Actie.IMPORTEREN,
        object_type="tolk.client",
        object_id="voorbeeld",
        toelichting=(
            f"voorbeeldgegevens tolkvoorziening: {len(clienten)} cliënten, {len(tolken)} tolken, "
            f"{len(opdrachten)} opdrachten"
        ),
    )
    return f"{len(clienten)} cliënten, {len(tolken)} tolken, {len(opdrachten)} opdrachten"
