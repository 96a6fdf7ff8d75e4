"""Participation benchmarks (issue 4), on the PostgreSQL database of bench/run.py:
342 municipalities, 2,000 voorzieningen, 200,000 participations, 1,000,000 status changes.
Targets: coverage of one voorziening for any date < 50 ms; coverage of all voorzieningen for
one date < 1 s; the map page of one voorziening < 300 ms server time."""

from __future__ import annotations

import http.client
import statistics
import subprocess
import time

SEED_SQL = """
INSERT INTO deelnames_deelname (uuid, gemeente_id, voorziening_id, herkomst, status, sinds,
    geaccepteerd_door, reden_niet_naleven)
SELECT gen_random_uuid(), g.id, v.id, 'aanmelding', 'in_gebruik', DATE '2017-01-01', '', ''
FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM portfolio_voorziening
      WHERE naam LIKE 'Benchmarkvoorziening %') v
JOIN (SELECT id, row_number() OVER (ORDER BY code) AS rn FROM gemeenten_gemeente
      WHERE geldig_tot IS NULL) g ON (g.rn + v.rn) % 342 < 100;
INSERT INTO deelnames_statuswijziging (deelname_id, status, datum, door, toelichting,
    geregistreerd_op)
SELECT d.id, s.status, DATE '2017-01-01' + s.i * 90, '', '', now()
FROM deelnames_deelname d
CROSS JOIN (VALUES (0, 'geinteresseerd'), (1, 'gepland'), (2, 'in_implementatie'),
                   (3, 'in_gebruik'), (4, 'in_gebruik')) AS s(i, status);
ANALYZE;
"""

MEASURE = """
import datetime as dt, statistics, time
from django.db import connection
from samen.deelnames import queries
from samen.deelnames.models import Deelname, Statuswijziging
from samen.portfolio.models import Voorziening
print(f"data: {Deelname.objects.count()} participations, "
      f"{Statuswijziging.objects.count()} status changes")
v = Voorziening.objects.filter(naam='Benchmarkvoorziening 0500').get()
times = []
for i in range(30):
    t = time.perf_counter()
    queries.coverage(v, dt.date(2017, 1, 1) + dt.timedelta(days=13 * i))
    times.append(time.perf_counter() - t)
m = statistics.median(times) * 1000
print(f"coverage of one voorziening, any date: median {m:.1f} ms; target < 50 ms: "
      f"{'OK' if m < 50 else 'MISSED'}")
times = []
for i in range(3):
    t = time.perf_counter()
    queries.coverage_all(dt.date(2017, 6, 1) + dt.timedelta(days=100 * i))
    times.append(time.perf_counter() - t)
m = statistics.median(times)
print(f"coverage of all voorzieningen, one date: median {m:.2f} s; target < 1 s: "
      f"{'OK' if m < 1 else 'MISSED'}")
print(v.uuid)
"""


def run(env: dict, samen: str, port: int) -> None:
    subprocess.run(
        [samen, "dbshell", "--", "-q", "-v", "ON_ERROR_STOP=1", "-c", SEED_SQL],
        env=env,
        check=True,
        capture_output=True,
    )
    out = (
        subprocess.run(
            [samen, "shell", "--no-imports", "-c", MEASURE],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()
    )
    uuid = out[-1]
    print("\n".join(out[:-1]))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for i in range(12):
        t = time.perf_counter()
        conn.request("GET", f"/voorzieningen/{uuid}/kaart?peildatum=2018-0{1 + i % 9}-01")
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - t)
        assert response.status == 200, response.status
    m = statistics.median(times[2:]) * 1000
    print(
        f"map page of one voorziening: median {m:.0f} ms; target < 300 ms: "
        f"{'OK' if m < 300 else 'MISSED'}"
    )
