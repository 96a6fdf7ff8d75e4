"""Two commitments entered at once on PostgreSQL: the activity's row is locked, so the second
is checked against what the first committed (before, both read 'nothing committed yet' and
together exceeded the authorisation).

Two processes against a database of their own on the suite's PostgreSQL server (a test's own
data is invisible to other connections until committed). Each process reads what is committed
and then waits up to a few seconds for the other to have read too: without the lock both read
EUR 0 and both commitments are stored (the control run shows it); with the lock the second
process cannot read before the first has committed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.trust.test_production import public_tmpdir, samen, samen_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SETUP = r"""
import datetime as dt
from samen.fonds import services
from samen.fonds.models import Activiteit, Compartiment, Fonds

fonds = Fonds.objects.create(naam="Gelijktijdig")
comp = Compartiment.objects.create(fonds=fonds, code="beheer", naam="Beheer")
for naam in ("met slot", "zonder slot"):
    a = Activiteit.objects.create(compartiment=comp, naam=naam, soort="structureel")
    services.enter_budget(a, 2025, "2.000.000,00")
    voorstel = services.propose_authorisation(a, 2025, "1.000.000,00")
    services.decide_authorisation(voorstel, True, dt.date(2025, 1, 15))
"""

COMMIT = r"""
import datetime as dt, os, sys, time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.conf.settings")
django.setup()
from samen.core.errors import DomainError
from samen.fonds import queries, services
from samen.fonds.models import Activiteit
from samen.fonds.services import execution

naam, me, other, sync = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
if naam == "zonder slot":
    execution._lock = lambda activiteit: activiteit  # the control: the code before the fix
read = queries.committed


def committed_then_wait(activiteit, jaar):
    amount = read(activiteit, jaar)
    (sync / me).touch()
    deadline = time.monotonic() + 4
    while not (sync / other).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return amount


queries.committed = committed_then_wait
activiteit = Activiteit.objects.get(naam=naam)
try:
    services.enter_commitment(
        activiteit, f"V-{me}", "contract", dt.date(2025, 2, 1), {2025: "600.000,00"}
    )
except DomainError as exc:
    print("geweigerd:", "; ".join(p.reason for p in exc.problems))
else:
    print("opgeslagen")
"""


@pytest.fixture
def database():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter (SQLite writes one at a time)")
    s = connection.settings_dict
    base = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    name = "samen_fonds_gelijktijdig"
    with psycopg.connect(f"{base}/postgres", autocommit=True, password=s["PASSWORD"]) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    url = f"{base}/{name}"
    if s["PASSWORD"]:
        url = f"postgres://{s['USER']}:{s['PASSWORD']}@{base.split('@', 1)[1]}/{name}"
    env = samen_env(url, public_tmpdir("samen-fonds-gelijktijdig-"))
    samen(env, "migrate", "--no-input", "-v0")
    samen(env, "shell", "--no-imports", "-c", SETUP)
    yield url, env
    with psycopg.connect(f"{base}/postgres", autocommit=True, password=s["PASSWORD"]) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _two_at_once(env, naam: str) -> list[str]:
    sync = Path(tempfile.mkdtemp(prefix="samen-fonds-sync-"))
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", COMMIT, naam, me, other, str(sync)],
            env=env,
            cwd=env["SAMEN_VAR_DIR"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, other in (("a", "b"), ("b", "a"))
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    return sorted(out.strip() for out, _ in outputs)


def _committed(url: str, naam: str) -> str:
    with psycopg.connect(url) as conn:
        return str(
            conn.execute(
                "SELECT coalesce(sum(t.bedrag), 0) FROM fonds_termijn t "
                "JOIN fonds_verplichting v ON v.id = t.verplichting_id "
                "JOIN fonds_activiteit a ON a.id = v.activiteit_id WHERE a.naam = %s",
                [naam],
            ).fetchone()[0]
        )


def test_two_commitments_at_once_never_exceed_the_authorisation(database):
    url, env = database
    results = _two_at_once(env, "met slot")
    assert results.count("opgeslagen") == 1, results
    (refused,) = [r for r in results if r != "opgeslagen"]
    assert "geautoriseerd in 2025 € 1.000.000,00" in refused, refused
    assert "al verplicht € 600.000,00" in refused and "vrij € 400.000,00" in refused, refused
    assert _committed(url, "met slot") == "600000.00"

    # the control: the same two requests without the lock both pass the check
    assert _two_at_once(env, "zonder slot") == ["opgeslagen", "opgeslagen"]
    assert _committed(url, "zonder slot") == "1200000.00"
