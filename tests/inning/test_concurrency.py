"""Issue 13 item 9 on PostgreSQL: the manual payment form sent twice at the same moment (here
twelve times, each request in its own thread and connection, with the same idempotency key)
books one payment and lowers the open amount once; twelve parallel distribution runs of the same
period make one period.

The threads need committed data, which the suite's per-test transaction cannot give (and a
transactional test would empty the append-only tables). So the test runs in a database of its
own on the suite's PostgreSQL server, set up like `make run` (migrate, load-register), in a
`samen shell` process (as tests/deelnames/test_parallel.py does)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import SAMEN, _database_url_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="unique constraints and locks under concurrency (the suite runs it on PostgreSQL)",
)

SCRIPT = r"""
import datetime as dt, json, threading
from decimal import Decimal
from django.db import connection
from samen.abonnementen import services as abonnementen
from samen.abonnementen.demo_ubl import voorbeeld_afzendergegevens
from samen.abonnementen.models import Arrangement, Dienst, Factuur
from samen.accounts.models import Organisatie
from samen.inning import queries, services
from samen.inning.models import Afdrachtperiode, Betaling

kantoor = Organisatie.objects.create(naam="Kantoor", afkorting="K", soort="administratiekantoor")
voorbeeld_afzendergegevens(kantoor).save()
aanbieder = Organisatie.objects.create(naam="AKJ", afkorting="AKJ", soort="aanbieder")
a = Arrangement.objects.create(
    naam="Parallel", eerste_jaar=2018, laatste_jaar=2018, tarief=Decimal("0.90"), prijspeil=2017,
    afleiding_budget=Decimal("15000000"), afleiding_inwoners=17_081_507,
    afleiding_peildatum=dt.date(2017, 1, 1), administratiekantoor=kantoor,
)
Dienst.objects.create(arrangement=a, code="vw", naam="Vertrouwenswerk", aanbieder=aanbieder,
                      budget=Decimal("15000000"), genoemd_per_inwoner=Decimal("0.90"), volgorde=0)
abonnementen.set_index(a, 2018, "0")
abonnementen.subscribe_all(a)
abonnementen.billing_run(a, 2018, factuurdatum=dt.date(2017, 12, 1))
f = Factuur.objects.filter(arrangement=a, jaar=2018).order_by("volgnummer").first()
before = queries.open_amount(f)
N = 12

def run(target):
    barrier = threading.Barrier(N)
    results, errors = [], []
    def one():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=one) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors

paid, errors = run(lambda: services.register_payment(
    bedrag="0,01", boekdatum=dt.date(2018, 1, 15), factuur=f,
    idempotentiesleutel="formulier:dubbel").nieuw)
runs, run_errors = run(lambda: services.run_distribution(
    dt.date(2018, 1, 1), dt.date(2018, 1, 31)).nieuw)
print(json.dumps({
    "payments": Betaling.objects.count(), "new": sum(paid), "answered": len(paid),
    "lowered": str(before - queries.open_amount(f)), "errors": errors,
    "periods": Afdrachtperiode.objects.count(), "runs_new": sum(runs), "run_errors": run_errors,
}))
"""


def test_a_payment_sent_in_parallel_books_once(tmp_path):
    url = _database_url_for("samen_inning_parallel")
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
    assert outcome["errors"] == [] and outcome["answered"] == 12
    assert outcome["payments"] == 1 and outcome["new"] == 1
    assert outcome["lowered"] == "0.01"
    assert outcome["run_errors"] == [] and outcome["periods"] == 1 and outcome["runs_new"] == 1
