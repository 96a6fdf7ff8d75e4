"""Faults during a CBS import: the database server dies in the middle of `samen import-cbs`.

On a disposable PostgreSQL cluster (scripts/pg.sh, its own port; never the suite's database) the
server is stopped with `pg_ctl stop -m immediate` while an import has written part of its rows,
then started again (crash recovery). Nothing is half-written: every table has as many rows as
before. A retried import completes exactly once, and a third run says it was already imported.

Two ways to reach "the middle of the import":
- deterministic: the import runs in a subprocess whose database connection carries a Django
  execute wrapper (test code only; src/ is untouched) that pauses right after the first batch
  INSERT of population rows and reports what its own transaction sees;
- the unmodified `samen import-cbs` command on a large synthetic file, stopped as soon as
  pg_stat_activity shows its INSERT into gemeenten_inwonertal.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.trust.test_production import (
    POPULATION_CSV,
    SAMEN,
    Cluster,
    free_port,
    population,
    samen,
    samen_env,
    snapshot,
)

pytestmark = pytest.mark.slow

HEADER = "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
BATCH = 1000  # import_cbs inserts population rows with bulk_create(batch_size=1000)

PAUSING_IMPORT = r"""
import json, os, sys, time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.conf.settings")
import django

django.setup()
from django.core.management import call_command
from django.db import connection

bestand, marker, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
state = {"paused": False}


def pause_after_first_batch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql.startswith('INSERT INTO "gemeenten_inwonertal"') and not state["paused"]:
        state["paused"] = True
        with context["connection"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM gemeenten_inwonertal")
            inside = cursor.fetchone()[0]
        report = {"pid": context["connection"].connection.info.backend_pid, "inside": inside}
        marker.with_suffix(".tmp").write_text(json.dumps(report))
        marker.with_suffix(".tmp").rename(marker)
        while not go.exists():
            time.sleep(0.02)
    return result


with connection.execute_wrapper(pause_after_first_batch):
    call_command("import_cbs", bestand)
"""


def municipalities_of_2024() -> list[dict[str, str]]:
    with POPULATION_CSV.open(encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["jaar"] == "2024"]


def synthetic_file(path: Path, years: range) -> tuple[int, int]:
    """Population figures for every municipality of 2024 in future years (they all exist then).
    Returns the number of rows and their total."""
    rows = municipalities_of_2024()
    lines, total = [], 0
    for jaar in years:
        for n, row in enumerate(rows):
            aantal = int(row["inwoners_1jan"]) + jaar + n
            total += aantal
            lines.append(
                f'{jaar},{row["gemeentecode"]},"{row["gemeentenaam"]}",'
                f"{row['provincienaam']},{row['provinciecode']},{aantal},synthetisch\n"
            )
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return len(lines), total


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """A cluster of its own with one migrated database holding the register."""
    cluster = Cluster(free_port(55475))
    cluster.start()
    var = tmp_path_factory.mktemp("faults")
    url = cluster.create_database("samen_faults")
    env = samen_env(url, var)
    samen(env, "migrate", "--no-input", "-v0")
    samen(env, "load-register")
    yield cluster, url, env
    cluster.destroy()


def crash_and_recover(cluster: Cluster) -> None:
    cluster.crash()
    cluster.restart()
    log = cluster.server_log()
    assert "database system was interrupted" in log or "not properly shut down" in log, log[-2000:]
    assert "redo done" in log or "automatic recovery" in log, log[-2000:]


def year_counts(url: str, years: range) -> dict[int, int]:
    with psycopg.connect(url) as conn:
        return dict(
            conn.execute(
                "SELECT jaar, count(*) FROM gemeenten_inwonertal "
                "WHERE jaar BETWEEN %s AND %s GROUP BY jaar",
                (years.start, years.stop - 1),
            ).fetchall()
        )


def retry_completes_exactly_once(env, url, bestand: Path, before, years, rows, total):
    """After the crash: the retried import adds every row once; a third run changes nothing."""
    again = samen(env, "import-cbs", str(bestand))
    assert f"{rows} nieuw, 0 gewijzigd, 0 ongewijzigd" in again.stdout, again.stdout
    after = snapshot(url)
    assert after["gemeenten_inwonertal"] == before["gemeenten_inwonertal"] + rows
    assert after["gemeenten_cbsimport"] == before["gemeenten_cbsimport"] + 1
    counts = year_counts(url, years)
    per_year = rows // len(years)
    assert counts == dict.fromkeys(years, per_year)
    with psycopg.connect(url) as conn:
        assert (
            conn.execute(
                "SELECT sum(aantal) FROM gemeenten_inwonertal WHERE jaar BETWEEN %s AND %s",
                (years.start, years.stop - 1),
            ).fetchone()[0]
            == total
        )
        assert (
            conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM gemeenten_inwonertal "
                "GROUP BY gemeente_id, jaar HAVING count(*) > 1) d"
            ).fetchone()[0]
            == 0
        )
    third = samen(env, "import-cbs", str(bestand))
    assert "al eerder geïmporteerd; niets gewijzigd" in third.stdout, third.stdout
    assert snapshot(url) == after


def test_crash_after_the_first_batch_leaves_nothing_half_written(faulty, tmp_path):
    cluster, url, env = faulty
    years = range(2025, 2035)
    bestand = tmp_path / "inwoners_2025_2034.csv"
    rows, total = synthetic_file(bestand, years)
    assert rows > 3 * BATCH  # several batches: the crash falls between two of them
    before = snapshot(url)
    register = population(url)

    marker, go = tmp_path / "gepauzeerd.json", tmp_path / "verder"
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSING_IMPORT, str(bestand), str(marker), str(go)],
        env=env,
        cwd=env["SAMEN_VAR_DIR"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import did not reach its first batch"
            time.sleep(0.05)
        paused = json.loads(marker.read_text())
        # Inside the import's transaction the first batch is there ...
        assert paused["inside"] == before["gemeenten_inwonertal"] + BATCH
        with psycopg.connect(url, autocommit=True) as conn:
            # ... outside it is not, and the transaction holds written, uncommitted rows.
            outside = conn.execute("SELECT count(*) FROM gemeenten_inwonertal").fetchone()[0]
            state, wrote = conn.execute(
                "SELECT state, backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = %s",
                (paused["pid"],),
            ).fetchone()
        assert outside == before["gemeenten_inwonertal"]
        assert (state, wrote) == ("idle in transaction", True)

        crash_and_recover(cluster)
    finally:
        go.touch()
        stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0, stdout
    assert "OperationalError" in stderr, stderr[-3000:]

    assert snapshot(url) == before
    assert population(url) == register
    retry_completes_exactly_once(env, url, bestand, before, years, rows, total)


def test_crash_of_the_real_command_while_pg_stat_activity_shows_the_insert(faulty, tmp_path):
    cluster, url, env = faulty
    years = range(2100, 2400)  # about 100,000 rows: the INSERT phase lasts seconds
    bestand = tmp_path / "inwoners_2100_2399.csv"
    rows, total = synthetic_file(bestand, years)
    before = snapshot(url)
    register = population(url)

    proc = subprocess.Popen(
        [SAMEN, "import-cbs", str(bestand)],
        env=env,
        cwd=env["SAMEN_VAR_DIR"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = None
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 120
            while seen is None:
                assert proc.poll() is None, ("the import ended before it was caught",) + tuple(
                    proc.communicate()
                )
                assert time.monotonic() < deadline, "no INSERT seen in pg_stat_activity"
                seen = conn.execute(
                    "SELECT pid, state FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_xid IS NOT NULL "
                    "AND query LIKE 'INSERT INTO \"gemeenten_inwonertal\"%%'"
                ).fetchone()
                if seen is None:
                    time.sleep(0.005)
        crash_and_recover(cluster)
    finally:
        if proc.poll() is None and seen is None:
            proc.kill()
        stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0, stdout
    assert "OperationalError" in stderr or "server closed the connection" in stderr, stderr[-3000:]

    assert snapshot(url) == before
    assert population(url) == register
    retry_completes_exactly_once(env, url, bestand, before, years, rows, total)
