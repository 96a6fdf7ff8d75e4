"""Concurrent acceptances on PostgreSQL: 50 threads, each in its own connection, accept offers
of one interpreter for overlapping times at the same moment: exactly one wins (the exclusion
constraint); and twelve interpreters accepting one request: exactly one wins (the row lock).

The threads need committed data, which the suite's per-test transaction cannot give (and a
transactional test would empty the append-only audit trail), so the test runs in a database of
its own on the suite's PostgreSQL server, as tests/inning/test_concurrency.py does."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import SAMEN, _database_url_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the exclusion constraint under concurrency (the suite runs it on PostgreSQL)",
)

SCRIPT = r"""
import datetime as dt, json, threading
from django.db import connection
from samen.core.errors import Conflict
from samen.gemeenten.models import Gemeente
from samen.tolk import services
from samen.tolk.models import Opdracht

ams = Gemeente.objects.get(code="GM0363")
begin = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
client = services.inschrijven(ams, ["ngt"], dt.date(2025, 1, 1))
services.indicatie_toekennen(client, "leef", 2026, "500")
tolk = services.tolk_vastleggen("Eén tolk", ["ngt"], ams)

def request(i, duur=120):
    return services.aanvragen(client, domein="leef", tolktype="ngt", duur_minuten=duur,
                              begin=begin + dt.timedelta(minutes=2 * i), plaats=ams)

def race(offers):
    barrier = threading.Barrier(len(offers))
    won, refused, errors = [], [], []
    def one(offer):
        try:
            barrier.wait()
            services.accepteren(offer)
            won.append(offer.pk)
        except Conflict:
            refused.append(offer.pk)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=one, args=(o,)) for o in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"won": len(won), "refused": len(refused), "errors": errors}

one_interpreter = race([services.aanbieden(request(i))[0] for i in range(50)])
booked_first = Opdracht.objects.count()
for i in range(12):
    services.tolk_vastleggen(f"Tolk {i}", ["ngt"], ams)
later = begin + dt.timedelta(days=1)
a = services.aanvragen(client, domein="leef", tolktype="ngt", duur_minuten=60, begin=later,
                       plaats=ams)
one_request = race(services.aanbieden(a, aantal=13))
print(json.dumps({"one_interpreter": one_interpreter, "booked_first": booked_first,
                  "one_request": one_request, "booked": Opdracht.objects.count()}))
"""


def test_concurrent_acceptances_exactly_one_wins(tmp_path):
    url = _database_url_for("samen_tolk_parallel")
    env = dict(os.environ, DATABASE_URL=url, SAMEN_VAR_DIR=str(tmp_path))
    for command in (["migrate", "--no-input", "-v0"], ["load-register"]):
        subprocess.run([SAMEN, *command], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [SAMEN, "shell", "--no-imports", "-c", SCRIPT],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["one_interpreter"] == {"won": 1, "refused": 49, "errors": []}
    assert outcome["booked_first"] == 1
    assert outcome["one_request"] == {"won": 1, "refused": 12, "errors": []}
    assert outcome["booked"] == 2
