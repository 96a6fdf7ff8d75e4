"""Issue 14 item 8 on PostgreSQL: twenty identical status changes at the same moment, each in its
own thread and connection, add one history row (they added twenty).

The threads need committed data, which the suite's per-test transaction cannot give (and a
transactional test would empty the append-only audit trail). So the test runs in a database of
its own on the suite's PostgreSQL server, set up like `make run` (migrate, load-register), in a
`samen shell` process."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import SAMEN, _database_url_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="row locks of PostgreSQL (the suite runs it on its PostgreSQL cluster)",
)

SCRIPT = r"""
import datetime as dt, json, threading
from django.db import connection
from samen.core import clock
from samen.deelnames import services
from samen.deelnames.models import Statuswijziging
from samen.gemeenten.models import Gemeente
from samen.portfolio import services as portfolio

v = portfolio.create_voorziening(
    {"naam": "Parallel", "korte_omschrijving": "x", "spoor": 2,
     "domein": "publieksdienstverlening", "soort": "applicatie", "gebruikers": "gemeente",
     "startdatum": dt.date(2017, 1, 1)},
    {"wat_is_het": "x"}, fase="opschaling",
)
with clock.replaying(dt.date(2017, 3, 1)):
    d = services.join(Gemeente.objects.get(code="GM0344"), v, None, dt.date(2017, 3, 1))
barrier = threading.Barrier(20)
results, errors = [], []

def change():
    try:
        barrier.wait()
        results.append(services.update_status(d, "in_implementatie", clock.today()).gewijzigd)
    except Exception as exc:  # noqa: BLE001
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=change) for _ in range(20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
rows = list(Statuswijziging.objects.filter(deelname=d).values_list("status", flat=True))
print(json.dumps({"rows": rows, "changed": sum(results), "errors": errors}))
"""


def test_twenty_parallel_identical_status_changes_add_one_row(tmp_path):
    url = _database_url_for("samen_deelnames_parallel")
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
    assert outcome["errors"] == []
    assert outcome["rows"] == ["geinteresseerd", "in_implementatie"]
    assert outcome["changed"] == 1
