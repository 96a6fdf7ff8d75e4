"""Faults during a billing run: the database server dies in the middle of a run.

On a disposable PostgreSQL cluster (never the suite's database) a billing run for the seed's
arrangement (2018, 380 municipalities) runs in a subprocess with a small batch size; its progress
callback stops the server with `pg_ctl stop -m immediate` right after the second batch of drafts
was committed (a deterministic point). After the server is started again (crash recovery):
nothing is half-written (no invoice issued, no number taken, the ledger empty; the committed
drafts are not invoices), a retried run takes the cut-off run over and issues every invoice
exactly once with a gapless series, and a third run creates nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest

from tests.trust.test_production import Cluster, free_port, public_tmpdir, samen, samen_env

pytestmark = pytest.mark.slow

ARRANGEMENT = "Vertrouwenswerk, Kindertelefoon en Luisterend Oor 2018–2021"

CRASHING_RUN = r"""
import datetime as dt, json, os, subprocess, sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.conf.settings")
import django

django.setup()
from samen.abonnementen import services
from samen.abonnementen.models import Arrangement

stop_command = json.loads(sys.argv[1])


class StopTheServerAfterTwoBatches:
    def total(self, n):
        pass

    def advance(self, done, message=""):
        if done >= 100:  # the second batch of 50 drafts has been committed
            subprocess.run(stop_command, check=True)


arrangement = Arrangement.objects.get(naam=sys.argv[2])
services.billing_run(
    arrangement, 2018, factuurdatum=dt.date(2017, 12, 1), batch_size=50,
    progress=StopTheServerAfterTwoBatches(),
)
"""

DEMO_WITHOUT_RUNS = r"""
import datetime as dt
from decimal import Decimal
from samen.abonnementen import demo, services
from samen.abonnementen.models import Abonnement, Arrangement, Dienst
from samen.accounts.models import Organisatie

kantoor = Organisatie.objects.get_or_create(
    naam="Administratiekantoor (test)",
    defaults={"afkorting": "Kantoor", "soort": "administratiekantoor"},
)[0]
a = Arrangement.objects.create(
    naam=NAAM, eerste_jaar=2018, laatste_jaar=2021, tarief=Decimal("0.90"), prijspeil=2017,
    afleiding_budget=Decimal("15320000"), afleiding_inwoners=17081507,
    afleiding_peildatum=dt.date(2017, 1, 1), administratiekantoor=kantoor,
)
for i, (code, naam, _, budget, _) in enumerate(demo.DIENSTEN):
    Dienst.objects.create(
        arrangement=a, code=code, naam=naam, aanbieder=kantoor, budget=Decimal(budget), volgorde=i
    )
services.set_index(a, 2018, "1.5")
services.subscribe_all(a)
"""


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:

        def one(sql: str) -> int:
            return conn.execute(sql).fetchone()[0]

        return {
            "uitgegeven": one(
                "SELECT count(*) FROM abonnementen_factuur WHERE status = 'uitgegeven'"
            ),
            "concepten": one("SELECT count(*) FROM abonnementen_factuur WHERE status = 'concept'"),
            "regels": one("SELECT count(*) FROM abonnementen_factuurregel"),
            "vorderingen": one("SELECT count(*) FROM abonnementen_vordering"),
            "nummers": one("SELECT coalesce(sum(laatste), 0) FROM abonnementen_nummerreeks"),
            "lopende runs": one(
                "SELECT count(*) FROM abonnementen_factuurrun WHERE status = 'bezig'"
            ),
        }


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(free_port(55520))
    c.start()
    yield c
    c.destroy()


def test_a_billing_run_cut_off_by_a_crash_is_retried_exactly_once(cluster):
    url = cluster.create_database("samen_fault_billing")
    env = samen_env(url, public_tmpdir("samen-fault-var-"))
    samen(env, "migrate", "--no-input", "-v0")
    samen(env, "load-register")
    samen(env, "shell", "--no-imports", "-c", f"NAAM = {ARRANGEMENT!r}\n" + DEMO_WITHOUT_RUNS)
    before = counts(url)
    assert before["uitgegeven"] == before["concepten"] == before["nummers"] == 0

    stop = cluster._as_owner(
        cluster.tool("pg_ctl"), "-D", str(cluster.dir / "data"), "stop", "-m", "immediate"
    )
    # The disposable cluster runs with synchronous_commit=off (fast tests); the billing process
    # asks for durable commits, as production has them, so a committed batch survives the crash.
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_RUN, json.dumps(stop), ARRANGEMENT],
        env=dict(env, PGOPTIONS="-c synchronous_commit=on"),
        cwd=env["SAMEN_VAR_DIR"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crashed.returncode != 0, crashed.stdout + crashed.stderr
    cluster.restart()  # crash recovery

    after = counts(url)
    # Nothing is half-written: the two committed batches are drafts, nothing was issued, no
    # number was taken and the ledger is empty; the cut-off run still says it is running.
    assert after["uitgegeven"] == 0
    assert after["concepten"] == 100 and after["regels"] == 400
    assert after["nummers"] == 0 and after["vorderingen"] == 0
    assert after["lopende runs"] == 1

    # A plain retry is refused while the cut-off run looks alive; taking it over completes it.
    refused = samen(env, "billing-run", "--arrangement", ARRANGEMENT, "--year", "2018", check=False)
    assert refused.returncode != 0 and "loopt al een factuurrun" in refused.stderr
    done = samen(
        env,
        "billing-run",
        "--arrangement",
        ARRANGEMENT,
        "--year",
        "2018",
        "--factuurdatum",
        "2017-12-01",
        "--overnemen",
    )
    assert "380 facturen uitgegeven" in done.stdout
    final = counts(url)
    assert final == {
        "uitgegeven": 380,
        "concepten": 0,
        "regels": final["regels"],
        "vorderingen": 380,
        "nummers": 380,
        "lopende runs": 0,
    }
    with psycopg.connect(url) as conn:
        numbers = [
            row[0]
            for row in conn.execute(
                "SELECT volgnummer FROM abonnementen_factuur ORDER BY volgnummer"
            )
        ]
        mismatched = conn.execute(
            "SELECT count(*) FROM abonnementen_factuur f WHERE f.totaal <> "
            "(SELECT sum(bedrag) FROM abonnementen_factuurregel r WHERE r.factuur_id = f.id)"
        ).fetchone()[0]
    assert numbers == list(range(1, 381))  # gapless: the crashed run took no numbers
    assert mismatched == 0

    again = samen(env, "billing-run", "--arrangement", ARRANGEMENT, "--year", "2018")
    assert "niets nieuw" in again.stdout
    assert counts(url) == final


def test_two_runs_started_at_once_create_each_invoice_once(cluster):
    url = cluster.create_database("samen_concurrent_billing")
    env = samen_env(url, public_tmpdir("samen-concurrent-var-"))
    samen(env, "migrate", "--no-input", "-v0")
    samen(env, "load-register")
    samen(env, "shell", "--no-imports", "-c", f"NAAM = {ARRANGEMENT!r}\n" + DEMO_WITHOUT_RUNS)
    command = [
        sys.executable, "-m", "samen", "billing-run", "--arrangement", ARRANGEMENT,
        "--year", "2018", "--factuurdatum", "2017-12-01",
    ]  # fmt: skip
    runs = [
        subprocess.Popen(
            command,
            env=env,
            cwd=env["SAMEN_VAR_DIR"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    codes = [run.returncode for run in runs]
    issued = [out for out, _ in outputs if "380 facturen uitgegeven" in out]
    assert len(issued) == 1, outputs
    other = next(i for i, (out, _) in enumerate(outputs) if out not in issued)
    # the other run was refused while the first ran, or found everything invoiced
    assert (codes[other] != 0 and "loopt al een factuurrun" in outputs[other][1]) or (
        codes[other] == 0 and "niets nieuw" in outputs[other][0]
    ), outputs[other]
    final = counts(url)
    assert final["uitgegeven"] == 380 and final["nummers"] == 380
    assert final["concepten"] == 0 and final["lopende runs"] == 0
    with psycopg.connect(url) as conn:
        per_municipality = conn.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM abonnementen_factuur "
            "GROUP BY gemeente_id) t"
        ).fetchone()[0]
    assert per_municipality == 1
