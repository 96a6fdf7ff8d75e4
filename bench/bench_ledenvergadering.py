"""Members' meeting benchmark (issue 19), on the live server the other benches use (gunicorn +
PostgreSQL with the register and demo content).

1. A meeting of 20 proposals on the municipalities of the meeting's date (342 in 2024), each
   municipality with a designated voter (an API client with a token).
2. Every voter casts its ballot on proposal 1 at once: 50 parallel clients (bounded pool), one
   POST /api/v1/ledenvergadering-stemmen each; half of them change it right after. Checked: every
   ballot counted once, none lost (one Stem per municipality, the last choice), no error;
   printed: p95 per ballot.
3. The other 19 proposals get their ballots counted outside Samen (one batch each); closing the
   meeting (20 proposals, exact weighted totals) and publishing the results is timed: < 1 s.

Called as ``bench_ledenvergadering.run(env, samen, port)`` from bench/run.py after the live
server is up."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

CLIENTS = 50

SETUP = r"""
import datetime as dt, json
from django.utils import timezone
from samen.accounts import tokens
from samen.accounts.models import Rol
from samen.ledenvergadering import services
from samen.ledenvergadering.models import Ledenvergadering, Stemgewichttabel
from samen.core.clock import replaying
if not Stemgewichttabel.objects.exists():
    services.enter_table(2010, [(0, 1), (10000, 2), (50000, 5), (200000, 10)], voorbeeld=True)
v = services.create_meeting("alv", "Benchmark ALV", dt.date(2024, 6, 1),
                            timezone.now() + dt.timedelta(hours=2))
for i in range(1, 21):
    services.add_proposal(v, str(i), "algemeen", f"Voorstel {i}")
v = services.publish_agenda(v)
out = {"vergadering": str(v.uuid), "voorstel": str(v.voorstellen.get(code="1").uuid),
       "voters": []}
for w in v.gewichten.select_related("gemeente"):
    token, raw = tokens.issue(f"bench-stem-{w.gemeente.code}", Rol.GEMEENTE,
                              gemeente=w.gemeente.code, dagen=2)
    services.designate(v, token.gebruiker)
    out["voters"].append([w.gemeente.code, raw])
print(json.dumps(out))
"""

CLOSE = r"""
import sys, time
from django.db import connection
from samen.ledenvergadering import services
from samen.ledenvergadering.models import Ledenvergadering, Stem
v = Ledenvergadering.objects.get(uuid="{uuid}")
first = v.voorstellen.get(code="1")
n = Stem.objects.filter(voorstel=first).count()
distinct = Stem.objects.filter(voorstel=first).values("gemeente").distinct().count()
last = dict(Stem.objects.filter(voorstel=first).values_list("gemeente__code", "keuze"))
codes = list(v.gewichten.values_list("gemeente__code", flat=True))
for p in v.voorstellen.exclude(code="1"):
    services.record_counted_ballots(p, {{c: ("voor", "tegen", "onthouding")[i % 3]
                                        for i, c in enumerate(codes)}})
t = time.perf_counter()
services.close(v)
services.publish_results(v)
elapsed = time.perf_counter() - t
print(json.dumps({{"stemmen": n, "gemeenten": distinct, "last": last, "close": elapsed}}))
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _shell(samen: str, env: dict, code: str) -> dict:
    out = subprocess.run(
        [samen, "shell", "--no-imports", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return json.loads(out.splitlines()[-1])


def _cast(port: int, token: str, voorstel: str, keuze: str) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"voorstel": voorstel, "keuze": keuze})
    t = time.perf_counter()
    conn.request(
        "POST",
        "/api/v1/ledenvergadering-stemmen",
        body=body,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return time.perf_counter() - t, response.status


def run(env: dict, samen: str, port: int) -> None:
    setup = _shell(samen, env, "import json\n" + SETUP)
    voters = setup["voters"]
    expected = {}
    jobs = []
    for i, (code, token) in enumerate(voters):
        jobs.append((token, "voor"))
        expected[code] = "voor"
        if i % 2:  # half of them change their ballot
            jobs.append((token, "tegen"))
            expected[code] = "tegen"
    # a voter's change follows its first ballot: the two requests of one voter run in order
    per_voter: dict[str, list[str]] = {}
    for token, keuze in jobs:
        per_voter.setdefault(token, []).append(keuze)

    def voter(item):
        token, keuzes = item
        return [_cast(port, token, setup["voorstel"], k) for k in keuzes]

    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = [r for rs in pool.map(voter, per_voter.items()) for r in rs]
    wall = time.perf_counter() - t
    times = [d for d, _ in results]
    errors = sum(1 for _, status in results if status != 200)
    closed = _shell(samen, env, "import json\n" + CLOSE.format(uuid=setup["vergadering"]))
    counted = closed["stemmen"] == len(voters) == closed["gemeenten"]
    correct = closed["last"] == expected
    p95 = percentile(times, 95) * 1000
    print(
        f"ledenvergadering: {len(voters)} voters, {len(results)} ballots (cast + changed) by "
        f"{CLIENTS} parallel clients in {wall:.1f} s; p50 {statistics.median(times) * 1000:.0f} "
        f"ms, p95 {p95:.0f} ms per ballot; {errors} errors; every ballot counted once: "
        f"{'OK' if counted and correct and not errors else 'MISSED'}"
    )
    print(
        f"ledenvergadering: closing 20 proposals and publishing: {closed['close'] * 1000:.0f} ms; "
        f"target < 1 s: {'OK' if closed['close'] < 1 else 'MISSED'}"
    )
