"""Production without Docker (docs/productie.md).

The guide is followed start to finish by scripts/production_guide.sh on a clean directory, and a
backup made with pg_dump (custom format) restores with pg_restore to exactly the same data. Both
run on disposable PostgreSQL clusters of their own (scripts/pg.sh), never on the suite's database.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from samen.conf.env import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "production_guide.sh"
PG_SH = ROOT / "scripts" / "pg.sh"
SAMEN = str(Path(sys.executable).parent / "samen")
POPULATION_CSV = ROOT / "src/samen/gemeenten/data/gemeenten_inwoners_1jan_2012_2024.csv"
PG_USER = "samen-pg"  # scripts/pg.sh runs the server as this user when we are root


def pg_bindir() -> Path:
    candidates = [Path("/usr/lib/postgresql/15/bin"), *Path("/").glob("usr/lib/postgresql/*/bin")]
    for candidate in candidates:
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if not found:
        pytest.skip("PostgreSQL server binaries not installed")
    return Path(found).parent


def free_port(preferred: int) -> int:
    """The preferred port when it is free, otherwise any free port on the loopback address."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


def public_tmpdir(prefix: str) -> Path:
    """A fresh directory the PostgreSQL user (samen-pg, when we are root) can reach."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


class Cluster:
    """A disposable PostgreSQL cluster started by scripts/pg.sh on its own port; superuser
    'samen' with trust authentication over TCP 127.0.0.1 (so root can run pg_dump/pg_restore)."""

    # The server options scripts/pg.sh starts with, for a restart after a crash.
    OPTIONS = (
        "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )

    def __init__(self, port: int):
        self.base = public_tmpdir("samen-trust-pg-")
        self.dir = self.base / "pg"
        self.port = port
        self.bindir = pg_bindir()

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://samen@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        subprocess.run(
            [str(PG_SH), "start", str(self.dir), str(self.port)],
            check=True,
            capture_output=True,
            text=True,
        )

    def destroy(self) -> None:
        subprocess.run([str(PG_SH), "stop", str(self.dir)], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)

    def _as_owner(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", PG_USER, "--", *args]
        return list(args)

    def crash(self) -> None:
        """Stop the server the way a power cut or a killed postmaster would."""
        subprocess.run(
            self._as_owner(str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "stop")
            + ["-m", "immediate"],
            check=True,
            capture_output=True,
        )

    def restart(self) -> None:
        options = self.OPTIONS.format(port=self.port, dir=self.dir)
        subprocess.run(
            self._as_owner(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-l",
                str(self.dir / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
                "-o",
                options,
            ),
            check=True,
            capture_output=True,
        )

    def server_log(self) -> str:
        return (self.dir / "server.log").read_text(errors="replace")

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    def databases(self) -> set[str]:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}

    def tool(self, name: str) -> str:
        return str(self.bindir / name)


# Set by the test harness for itself (the browser tests drive Playwright's sync API inside
# pytest-django); a production host has none of them, and `check --deploy` refuses the first.
HARNESS_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}


def production_environ() -> dict[str, str]:
    """This process's environment without the Samen variables and the test harness's own."""
    return {k: v for k, v in os.environ.items() if k not in VARIABLES and k not in HARNESS_ONLY}


def samen_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of a `samen` command against another database than the suite's."""
    env = production_environ()
    env.update(
        DATABASE_URL=database_url,
        SAMEN_VAR_DIR=str(var_dir),
        SAMEN_HTTPS="false",
        SAMEN_LOG_LEVEL="WARNING",
    )
    return env


def samen(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [SAMEN, *args], env=env, cwd=env["SAMEN_VAR_DIR"], capture_output=True, text=True
    )
    if check:
        assert result.returncode == 0, f"samen {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def snapshot(url: str) -> dict[str, int]:
    """The number of rows of every table, and of the triggers and functions of the schema."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        counts["(triggers)"] = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
        ).fetchone()[0]
        counts["(functions)"] = conn.execute(
            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public'"
        ).fetchone()[0]
    return counts


def population(url: str) -> tuple[int, int, int, str]:
    """Municipalities, population rows, total and an md5 over every (code, year, count, source)."""
    with psycopg.connect(url) as conn:
        gemeenten = conn.execute("SELECT count(*) FROM gemeenten_gemeente").fetchone()[0]
        rows, total, checksum = conn.execute(
            "SELECT count(*), coalesce(sum(i.aantal), 0), "
            "md5(string_agg(g.code || ':' || i.jaar || ':' || i.aantal || ':' || i.bron, ','"
            "    ORDER BY g.code, i.jaar)) "
            "FROM gemeenten_inwonertal i JOIN gemeenten_gemeente g ON g.id = i.gemeente_id"
        ).fetchone()
    return gemeenten, rows, int(total), checksum


def applied_migrations(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()


def shipped_population() -> tuple[int, int, int]:
    with POPULATION_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return (
        len({r["gemeentecode"] for r in rows}),
        len(rows),
        sum(int(r["inwoners_1jan"]) for r in rows),
    )


# --- the guide ---------------------------------------------------------------------------------


def _table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([A-Z_]+)` \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split(" | ")]
    return rows


def test_guide_lists_every_variable_with_its_default():
    from samen.core.management.commands.config_docs import render

    generated = _table_rows(render())
    guide = _table_rows((ROOT / "docs" / "productie.md").read_text())
    assert set(generated) == set(VARIABLES)
    assert set(guide) == set(VARIABLES), "docs/productie.md: one table row per variable"
    for name, cells in generated.items():
        assert guide[name][0] == cells[0], f"{name}: default differs from docs/configuratie.md"


def test_guide_names_what_the_brief_requires():
    text = (ROOT / "docs" / "productie.md").read_text()
    for needed in (
        "pip install /opt/samen/src",
        "createdb --owner=samen",
        "samen-beheer migrate",
        "samen-beheer collectstatic",
        "samen-beheer load-register",
        "samen-beheer createsuperuser",
        "gunicorn samen.wsgi:application",
        "samen db_worker",
        "X-Forwarded-Proto",
        "pg_dump --format=custom",
        "pg_restore --exit-on-error",
        "## Bijwerken",
        "configuratie.md",
    ):
        assert needed in text, needed


def _units() -> dict[str, str]:
    text = (ROOT / "docs" / "productie.md").read_text()
    pattern = r"`/etc/systemd/system/(samen-[a-z]+\.service)`:\n\n```ini\n(.*?)```"
    units = dict(re.findall(pattern, text, re.S))
    assert set(units) == {"samen-web.service", "samen-worker.service"}
    return units


def test_systemd_units_of_the_guide_are_valid(tmp_path):
    systemd_analyze = shutil.which("systemd-analyze")
    if not systemd_analyze:
        pytest.skip("systemd-analyze not installed")
    venv = Path(sys.executable).parent.parent
    for name, body in _units().items():
        (tmp_path / name).write_text(body.replace("/opt/samen/venv", str(venv)))
    result = subprocess.run(
        [systemd_analyze, "verify", *(str(tmp_path / name) for name in _units())],
        capture_output=True,
        text=True,
    )
    problems = [line for line in result.stderr.splitlines() if "samen-" in line]
    assert result.returncode == 0 and not problems, result.stderr


def test_gunicorn_accepts_the_command_line_of_the_guide(tmp_path):
    """The options of ExecStart (e.g. --no-control-socket) are known to the installed gunicorn."""
    exec_start = re.search(r"^ExecStart=(.*)$", _units()["samen-web.service"], re.M).group(1)
    args = exec_start.split()
    assert args[0] == "/opt/samen/venv/bin/gunicorn"
    args[0] = str(Path(sys.executable).parent / "gunicorn")
    env = samen_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    result = subprocess.run(
        [*args, "--check-config"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_production_guide_script_runs_start_to_finish():
    """scripts/production_guide.sh: clone, venv, install, PostgreSQL role and database,
    migrate, collectstatic, load-register, first admin, gunicorn + worker, pages/API/static
    answer, pg_dump, change, pg_restore into a new database with the expected counts, upgrade,
    stop and clean up."""
    clean = public_tmpdir("samen-guide-")
    try:
        env = production_environ()
        result = subprocess.run(
            ["bash", str(SCRIPT), str(clean), str(free_port(55473))],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-6000:]
        assert "production_guide: OK" in result.stdout
        gemeenten, rows, _ = shipped_population()
        assert f"restored: {gemeenten} {rows} " in result.stdout
        assert "the worker imported 3 inwonertallen" in result.stdout
        assert list(clean.iterdir()) == [], "the script leaves nothing behind"
    finally:
        shutil.rmtree(clean, ignore_errors=True)


def test_production_guide_script_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "iets").write_text("x")
    result = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "is not empty" in result.stderr
    assert (tmp_path / "iets").read_text() == "x"


# --- backup and restore ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(free_port(55474))
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.mark.slow
def test_backup_and_restore_with_pg_dump_and_pg_restore(cluster, tmp_path):
    name = "samen_backup"
    url = cluster.create_database(name)
    env = samen_env(url, tmp_path)
    samen(env, "migrate", "--no-input", "-v0")
    samen(env, "load-register")
    samen(env, "load-demo")

    before = snapshot(url)
    figures = population(url)
    migrations = applied_migrations(url)
    assert figures[:3] == shipped_population()
    assert before["(triggers)"] > 0  # the append-only and immutability triggers
    assert all(before[t] > 0 for t in ("gemeenten_herindeling", "audit_auditregel"))

    dump = tmp_path / "samen.dump"
    subprocess.run(
        [cluster.tool("pg_dump"), "--format=custom", f"--file={dump}", f"--dbname={url}"],
        check=True,
        capture_output=True,
    )
    listing = subprocess.run(
        [cluster.tool("pg_restore"), "--list", str(dump)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "TABLE DATA public gemeenten_inwonertal" in listing

    cluster.drop_database(name)
    assert name not in cluster.databases()

    url = cluster.create_database(name)
    subprocess.run(
        [cluster.tool("pg_restore"), "--exit-on-error", "--no-owner", f"--dbname={url}", str(dump)],
        check=True,
        capture_output=True,
    )
    assert snapshot(url) == before
    assert population(url) == figures

    # The restored database is complete for the application: the same migrations recorded,
    # the register knows it is loaded, and sequences continue (new rows get new keys).
    assert applied_migrations(url) == migrations
    assert "al geladen" in samen(env, "load-register").stdout
    new_year = tmp_path / "inwoners_2025.csv"
    new_year.write_text(
        "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
        "2025,GM0363,Amsterdam,Noord-Holland,PV27,940000,test\n"
    )
    assert "1 nieuw" in samen(env, "import-cbs", str(new_year)).stdout
    assert population(url)[1] == figures[1] + 1
