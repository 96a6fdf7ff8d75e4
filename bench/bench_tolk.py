"""Interpreter-service benchmark (issue 22): a year of synthetic load on PostgreSQL: 6,400
clients, 600 interpreters, 55,000 assignments (non-overlapping per interpreter). Run from
bench/run.py or on its own (``python bench/bench_tolk.py`` with ``DATABASE_URL`` of a migrated
database with the CBS register loaded). Targets: one match (``queries.voorstellen``) p95 under
20 ms; planning a day of 500 requests (match, offer, accept the best) under 5 s; a month's
settlement for all municipalities under 10 s, reconciling to the cent; 50 concurrent acceptances
of overlapping offers of one interpreter: exactly one wins (also tests/tolk/test_concurrency.py).
Each line prints the measured figure, the target and the ratio measured/target.
``BENCH_TOLK_SMALL=1`` runs a tenth of the data (a quick check of the script, not a measurement)."""

from __future__ import annotations

import subprocess
import sys

# The sizes; BENCH_TOLK_SMALL=1 runs a small version (a quick check of the script, not
# a measurement: the targets are for the full sizes).
FULL = {"clients": 6400, "interpreters": 600, "assignments": 55000, "day": 500, "racers": 50}
SMALL = {"clients": 640, "interpreters": 60, "assignments": 5500, "day": 50, "racers": 50}

MEASURE = r"""
import datetime as dt, random, statistics, threading, time, uuid
from decimal import Decimal
from django.db import connection
from samen.gemeenten.models import Gemeente
from samen.tolk import afrekening, queries, services
from samen.core.errors import Conflict
from samen.tolk.models import (Aanvraag, Client, Indicatie, Opdracht, Tarieftabel, Tolk)

CLIENTS, INTERPRETERS, ASSIGNMENTS = SIZES["clients"], SIZES["interpreters"], SIZES["assignments"]
DAY, RACERS = SIZES["day"], SIZES["racers"]


def verdict(measured, target, unit):
    # the measured figure against its target, with the ratio (under 1: within the target)
    ok = "OK" if measured < target else "MISSED"
    return f"target < {target:g} {unit}: {ok}, ratio {measured / target:.2f}"

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
        ingeschreven_op=dt.date(2020, 1, 1), voorbeeld=True) for i in range(CLIENTS))
    indicaties = []
    for c in clienten:
        domein = rng.choice(["leef", "leef", "werk", "onderwijs"])
        indicaties.append(Indicatie(client=c, domein=domein, jaar=JAAR,
            betaler=betaler_voor(domein, False), uren_toegekend=Decimal(200)))
    indicaties = Indicatie.objects.bulk_create(indicaties)
    tolken = Tolk.objects.bulk_create(Tolk(naam=f"Bench {i}",
        kwalificaties=sorted({TYPES[i % 5], rng.choice(TYPES)}), woongemeente=rng.choice(gemeenten),
        achterwacht=i % 20 == 0, voorbeeld=True) for i in range(INTERPRETERS))
    tarief = afrekening.Tarief(tabel.uurtarief, tabel.reisuurtarief, tabel.kilometertarief)
    n = 0
    batch_a, batch_o = [], []
    per_tolk = ASSIGNMENTS // INTERPRETERS + 1
    for ti, tolk in enumerate(tolken):
        days = sorted(rng.sample(range(360), per_tolk))
        for d in days:
            if n >= ASSIGNMENTS:
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

clienten = list(Client.objects.filter(nummer__startswith="TV-B").order_by("id")[:DAY])
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
print(f"one match: p95 {p95:.1f} ms, median {statistics.median(times) * 1000:.1f} ms "
      f"({len(times)} matches); {verdict(p95, 20, 'ms')}")
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
      f"{verdict(s, 5, 's')}")
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
      f"{s:.2f} s; {verdict(s, 10, 's')}; reconciles to the cent: {'OK' if ok else 'MISSED'}")
# RACERS concurrent acceptances: one interpreter, RACERS overlapping requests offered to it,
# every acceptance in its own thread and connection at the same moment; exactly one may win
# (the exclusion constraint on the interpreter's assignments).
racer = services.tolk_vastleggen(f"Bench race {uuid.uuid4().hex[:8]}", ["ngt"],
                                 gemeenten[0], voorbeeld=True)
race_client = clienten[0]
race_ind = race_client.indicaties.get(jaar=JAAR)
race_ind.uren_toegekend += RACERS * 2
race_ind.save(update_fields=["uren_toegekend"])
race_begin = dt.datetime(JAAR, 7, 1, 9, tzinfo=dt.UTC)
offers = []
for i in range(RACERS):
    a = services.aanvragen(race_client, domein=race_ind.domein, tolktype="ngt",
        begin=race_begin + dt.timedelta(minutes=i), duur_minuten=60, op_afstand=True,
        voorkeur=[racer])
    offers.append(services.aanbieden(a, aantal=1)[0])
assert all(o.tolk_id == racer.pk for o in offers)
barrier = threading.Barrier(len(offers))
won, refused, errors, waits = [], [], [], []
def accept(offer):
    t0 = time.perf_counter()
    try:
        barrier.wait()
        t0 = time.perf_counter()
        services.accepteren(offer)
        won.append(offer.pk)
    except Conflict:
        refused.append(offer.pk)
    except Exception as exc:  # noqa: BLE001
        errors.append(repr(exc))
    finally:
        waits.append(time.perf_counter() - t0)
        connection.close()
threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
t = time.perf_counter()
for th in threads:
    th.start()
for th in threads:
    th.join()
s = time.perf_counter() - t
booked = Opdracht.objects.filter(tolk=racer, actief=True).count()
ok = len(won) == 1 and booked == 1 and len(refused) == RACERS - 1 and not errors
print(f"{RACERS} concurrent acceptances of overlapping offers: {len(won)} won, {len(refused)} "
      f"refused, {len(errors)} errors, {booked} booked, in {s:.2f} s (slowest answer "
      f"{max(waits) * 1000:.0f} ms); target exactly one wins: {'OK' if ok else 'MISSED'}"
      + (f"; first error: {errors[0]}" if errors else ""))
"""


def run(env: dict, samen: str, port: int | None = None) -> None:
    sizes = SMALL if env.get("BENCH_TOLK_SMALL") else FULL
    out = subprocess.run(
        [samen, "shell", "--no-imports", "-c", f"SIZES = {sizes!r}\n" + MEASURE],
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
