"""Interpreter-service benchmark (issue 22): a year of synthetic load on PostgreSQL: 6,400
clients, 600 interpreters, 55,000 assignments (non-overlapping per interpreter). Run from
bench/run.py or on its own (``python bench/bench_tolk.py`` with ``DATABASE_URL`` of a migrated
database with the CBS register loaded). Targets: one match (``queries.voorstellen``) p95 under
20 ms; planning a day of 500 requests (match, offer, accept the best) under 5 s; a month's
settlement for all municipalities under 10 s, reconciling to the cent. (50 concurrent acceptances
of overlapping offers: tests/tolk/test_concurrency.py, exactly one wins.)"""

from __future__ import annotations

import subprocess
import sys

MEASURE = r"""
import datetime as dt, random, statistics, time
from decimal import Decimal
from django.db import connection
from samen.gemeenten.models import Gemeente
from samen.tolk import afrekening, queries, services
from samen.tolk.models import (Aanvraag, Client, Indicatie, Opdracht, Tarieftabel, Tolk)
from samen.tolk.queries import betaler_voor

rng = random.Random(22)
JAAR = 2024
TYPES = ["ngt", "ngt", "nmg", "schrijftolk", "tactiel"]
gemeenten = list(Gemeente.objects.op(dt.date(JAAR, 1, 1)).order_by("code"))
if not Tolk.objects.filter(naam__startswith="Bench ").exists():
    tabel = Tarieftabel.objects.create(jaar=JAAR, versie=1, uurtarief=Decimal("62.50"),
        reisuurtarief=Decimal("45.00"), kilometertarief=Decimal("0.230"),
        vastgesteld_op=dt.date(JAAR - 1, 12, 1))
    clienten = Client.objects.bulk_create(Client(nummer=f"TV-B{i:06d}",
        gemeente=rng.choice(gemeenten), tolktypen=[rng.choice(TYPES)],
        ingeschreven_op=dt.date(2020, 1, 1), voorbeeld=True) for i in range(6400))
    indicaties = []
    for c in clienten:
        domein = rng.choice(["leef", "leef", "werk", "onderwijs"])
        indicaties.append(Indicatie(client=c, domein=domein, jaar=JAAR,
            betaler=betaler_voor(domein, False), uren_toegekend=Decimal(200)))
    indicaties = Indicatie.objects.bulk_create(indicaties)
    tolken = Tolk.objects.bulk_create(Tolk(naam=f"Bench {i}",
        kwalificaties=sorted({TYPES[i % 5], rng.choice(TYPES)}), woongemeente=rng.choice(gemeenten),
        achterwacht=i % 20 == 0, voorbeeld=True) for i in range(600))
    tarief = afrekening.Tarief(tabel.uurtarief, tabel.reisuurtarief, tabel.kilometertarief)
    n = 0
    batch_a, batch_o = [], []
    per_tolk = 55000 // 600 + 1
    for ti, tolk in enumerate(tolken):
        days = sorted(rng.sample(range(360), per_tolk))
        for d in days:
            if n >= 55000:
                break
            i = rng.randrange(len(clienten))
            c, ind = clienten[i], indicaties[i]
            begin = dt.datetime(JAAR, 1, 1, 8 + rng.randrange(8), tzinfo=dt.UTC)
            begin += dt.timedelta(days=d)
            duur = rng.choice([60, 90, 120])
            n += 1
            batch_a.append(Aanvraag(nummer=f"A-B{n:06d}", client=c, indicatie=ind,
                domein=ind.domein, betaler=ind.betaler,
                betaler_gemeente=c.gemeente if ind.betaler == "gemeente" else None,
                tolktype=c.tolktypen[0], begin=begin, duur_minuten=duur, plaats=c.gemeente,
                status="uitgevoerd", ingediend_op=begin - dt.timedelta(days=10), voorbeeld=True))
            uren = Decimal(duur) / 60
            km = Decimal(rng.randrange(0, 900)) / 10
            batch_o.append(Opdracht(tolk=tolk, begin=begin, minuten=duur,
                eind=begin + dt.timedelta(minutes=duur), status="uitgevoerd", uren=uren,
                reistijd_minuten=30, reisafstand_km=km, tarief=tabel,
                bedrag=afrekening.price(uren, 30, km, tarief), afgerond_op=begin.date()))
    aanvragen = Aanvraag.objects.bulk_create(batch_a, batch_size=5000)
    for a, o in zip(aanvragen, batch_o):
        o.aanvraag = a
    Opdracht.objects.bulk_create(batch_o, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
print(f"data: {Client.objects.count()} clients, {Tolk.objects.count()} interpreters, "
      f"{Opdracht.objects.count()} assignments")

clienten = list(Client.objects.filter(nummer__startswith="TV-B").order_by("id")[:500])
day = dt.date(JAAR, 6, 12)
# one match
requests = []
for k, c in enumerate(clienten):
    ind = c.indicaties.get(jaar=JAAR)
    requests.append(services.aanvragen(c, domein=ind.domein, tolktype=c.tolktypen[0],
        begin=dt.datetime.combine(day, dt.time(8 + k % 9, 15 * (k % 4)), tzinfo=dt.UTC),
        duur_minuten=60, plaats=c.gemeente, op_afstand=k % 5 == 0))
times = []
for a in requests[:200]:
    t = time.perf_counter()
    queries.voorstellen(a)
    times.append(time.perf_counter() - t)
times.sort()
p95 = times[int(0.95 * (len(times) - 1))] * 1000
print(f"one match: p95 {p95:.1f} ms, median {statistics.median(times) * 1000:.1f} ms; "
      f"target < 20 ms: {'OK' if p95 < 20 else 'MISSED'}")
# a day of 500 requests: match, offer to the best five, the best accepts
t = time.perf_counter()
booked = 0
for a in requests:
    offers = services.aanbieden(a, aantal=5)
    if offers:
        services.accepteren(offers[0])
        booked += 1
s = time.perf_counter() - t
print(f"planning a day of {len(requests)} requests ({booked} booked): {s:.2f} s; "
      f"target < 5 s: {'OK' if s < 5 else 'MISSED'}")
# a month's settlement for all municipalities
t = time.perf_counter()
regels = queries.regels(JAAR, 3)
overzichten = afrekening.statements(regels)
invoiced = {}
for o in overzichten:
    key = (o.betaler, o.gemeente, o.maand)
    invoiced[key] = invoiced.get(key, Decimal(0)) + o.totaal
diff = afrekening.reconcile(regels, invoiced)
s = time.perf_counter() - t
from django.db.models import Sum
db_total = Opdracht.objects.filter(status="uitgevoerd", afgerond_op__year=JAAR,
                                   afgerond_op__month=3).aggregate(s=Sum("bedrag"))["s"]
ok = not diff and sum((o.totaal for o in overzichten), Decimal(0)) == db_total
print(f"settlement of a month: {len(regels)} assignments, {len(overzichten)} statements in "
      f"{s:.2f} s; target < 10 s: {'OK' if s < 10 else 'MISSED'}; reconciles to the cent: "
      f"{'OK' if ok else 'MISSED'}")
"""


def run(env: dict, samen: str, port: int | None = None) -> None:
    out = subprocess.run(
        [samen, "shell", "--no-imports", "-c", MEASURE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(out.stdout.strip())


if __name__ == "__main__":
    import os
    from pathlib import Path

    samen = str(Path(sys.executable).parent / "samen")
    run(dict(os.environ), samen)
