"""Fuzzing the API with schemathesis: the committed OpenAPI document against a live server.

A real gunicorn server on its own database with the CBS register and the demo content (set up
the way `make run` does it) is called with requests that schemathesis derives from
`src/samen/api/openapi.yaml`, once anonymously and once signed in as every role (a municipality
contact with its municipality, a provider with its organisation). Path parameters are, most of
the time, replaced by identifiers of objects that exist, and fields named after a voorziening or
a gemeente get existing values too, so the requests reach past the 404/400 of unknown objects.
Every response must be no server error, have a documented status code and content type, carry
the documented headers and conform to the documented schema.

The suite runs a bounded number of examples per operation with a fixed seed (derandomized);
`make bench` runs the same fuzzer with many more examples (bench/bench_fuzz.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "src" / "samen" / "api" / "openapi.yaml"
BIN = Path(sys.executable).parent
SAMEN = str(BIN / "samen")
ANONYMOUS = "anoniem"
CSRF = "fuzzcsrf" + "0" * 24  # 32 characters: a valid CSRF secret, sent as cookie and header
MAX_EXAMPLES = int(os.environ.get("SAMEN_FUZZ_EXAMPLES", "5"))

# Users per role, each with a session; the superuser only collects identifiers.
USERS_SCRIPT = """
import json
from django.conf import settings
from django.test import Client
from samen.accounts.models import Gebruiker, Organisatie, Rol
from samen.deelnames.models import Deelname

contact = Deelname.objects.order_by("id").values_list("gemeente_id", flat=True).first()
organisaties = Organisatie.objects.order_by("id")
aanbieder = organisaties.filter(soort="aanbieder").first() or organisaties.first()
sessions = {}
for rol in [*Rol.values, "beheerder"]:
    extra = {}
    if rol == "gemeente":
        extra["gemeente_id"] = contact
    if rol == "aanbieder":
        extra["organisatie"] = aanbieder
    user, _ = Gebruiker.objects.update_or_create(
        username=f"fuzz-{rol}",
        defaults={
            "rol": "" if rol == "beheerder" else rol,
            "is_superuser": rol == "beheerder",
            **extra,
        },
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    client = Client()
    client.force_login(user)
    if "django_otp" in settings.INSTALLED_APPS:
        # Staff sign in with a password and a second factor: this session has passed it.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="fuzz", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    sessions[rol] = client.cookies["sessionid"].value
print(json.dumps(sessions))
"""


@dataclass
class Site:
    """A running server: its base URL, its environment and a session per identity."""

    base: str
    env: dict[str, str]
    var: Path
    proc: subprocess.Popen
    sessions: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def log(self) -> str:
        return (self.var / "gunicorn.log").read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_inodes(port: int) -> set[str] | None:
    """The socket inodes listening on 127.0.0.1:port (or any address), from /proc/net/tcp;
    None where /proc is not there to ask."""
    found: set[str] = set()
    wanted = {f"0100007F:{port:04X}", f"00000000:{port:04X}"}
    wanted6 = f":{port:04X}"
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return None
    for table in tables:
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A":  # LISTEN
                continue
            if local in wanted or (table.name == "tcp6" and local.endswith(wanted6)):
                found.add(inode)
    return found


def serves_port(pid: int, port: int) -> bool | None:
    """Whether process `pid` holds the listening socket of `port` (None: cannot tell here).
    A server started on a port another process already holds cannot bind it, and the requests
    meant for it would reach that other server."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return None
    held = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            held.add(os.readlink(fd))
        except OSError:  # closed meanwhile (the directory listing's own, say)
            continue
    return any(f"socket:[{inode}]" in held for inode in inodes)


def start_site(database_url: str, var: Path, port: int | None = None, workers: int = 2) -> Site:
    """Migrate, load the register and the demo content, make a user per role, serve."""
    env = dict(os.environ)
    env.update(
        SAMEN_VAR_DIR=str(var),
        SAMEN_HTTPS="false",
        SAMEN_ALLOWED_HOSTS="127.0.0.1,localhost",
        SAMEN_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    for command in (["migrate", "--no-input", "-v0"], ["load-register"], ["load-demo"]):
        step = subprocess.run([SAMEN, *command], env=env, capture_output=True, text=True, cwd=var)
        if step.returncode:
            raise RuntimeError(f"samen {' '.join(command)}:\n{step.stderr[-3000:]}")
    made = subprocess.run(
        [SAMEN, "shell", "--no-imports", "-c", USERS_SCRIPT],
        env=env,
        capture_output=True,
        cwd=var,
        text=True,
    )
    if made.returncode:
        raise RuntimeError(made.stderr)
    sessions = json.loads(made.stdout.strip().splitlines()[-1])
    port = port or free_port()
    gunicorn = shutil.which("gunicorn", path=str(BIN))
    proc = subprocess.Popen(
        [gunicorn, "samen.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--timeout", "60", "--no-control-socket"]
        # Room above Samen's own 414 (samen.core.middleware.MAX_URI_LENGTH), so a long URI
        # gets the documented problem, not gunicorn's HTML page at its default 4094 bytes.
        + ["--limit-request-line", "8190"],
        env=env,
        cwd=var,
        stdout=subprocess.DEVNULL,
        stderr=open(var / "gunicorn.log", "w"),  # noqa: SIM115
    )
    return wait_until_served(Site(f"http://127.0.0.1:{port}", env, var, proc, sessions), port)


def wait_until_served(site: Site, port: int, seconds: float = 30) -> Site:
    """The site once its own process answers on `port`; stopped and an error otherwise."""
    proc = site.proc
    deadline = time.monotonic() + seconds
    while True:
        answered = False
        try:
            urllib.request.urlopen(site.base + "/api/v1", timeout=2)  # noqa: S310
            answered = True
        except urllib.error.HTTPError:
            answered = True  # an answer all the same (another server's 404, say)
        except OSError:
            pass
        # Something answers: it must be the server just started (a port taken by another
        # process is answered by that one while gunicorn fails to bind).
        owner = serves_port(proc.pid, port) if answered else False
        if answered and owner is not False:
            return site
        if time.monotonic() > deadline or proc.poll() is not None:
            site.stop()
            taken = f"port {port} is answered by another process\n" if answered else ""
            raise RuntimeError(taken + site.log()) from None
        time.sleep(0.2)


# Per role a resource of the API only signed-in users of it (and few others) may read; every
# identity's page shows its own user name. See canary().
CANARY_API = {
    "programmabureau": "/api/v1/audit",
    "administratiekantoor": "/api/v1/bankafschriften",
    "financien": "/api/v1/afdrachten/aansluiting",
    "gemeente": "/api/v1/facturen",
    "aanbieder": "/api/v1/vragen",
    "commissie": "/api/v1/vragen",
    "bestuur": "/api/v1/vragen",
}
CANARY_PAGE = "/mijn-werk"


def canary(site: Site, identity: str) -> list[str]:
    """Proof that requests as `identity` reach this site as that identity (empty when they
    do): its own work page names the user fuzz-<role>, and a resource of its role's is read
    (an anonymous caller is sent to sign in and refused). A run whose session was lost, or
    that talks to another server, would otherwise act as anonymous without a sign."""
    s = _session(site, identity)
    wrong = []
    page = s.get(site.base + CANARY_PAGE, allow_redirects=False, timeout=30)
    if identity == ANONYMOUS:
        if page.status_code != 302 or "/inloggen" not in page.headers.get("Location", ""):
            wrong.append(f"{CANARY_PAGE}: {page.status_code}, not sent to sign in")
    elif page.status_code != 200 or f"fuzz-{identity}" not in page.text:
        wrong.append(f"{CANARY_PAGE}: {page.status_code}, not the page of fuzz-{identity}")
    for role, path in CANARY_API.items():
        if identity not in (ANONYMOUS, role):
            continue
        r = s.get(site.base + path, timeout=30)
        expected = (401, 403) if identity == ANONYMOUS else (200,)
        if r.status_code not in expected:
            wrong.append(f"{path}: {r.status_code}, expected {expected}")
        if identity == ANONYMOUS:
            break
    return [f"[{identity}] canary {w}" for w in wrong]


def _database_url(name: str) -> str:
    """A separate database on the suite's PostgreSQL cluster, or an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return ""
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


# --- the fuzzer --------------------------------------------------------------------------------


def _session(site: Site, identity: str):
    import requests

    s = requests.Session()
    s.cookies.set("csrftoken", CSRF, domain="127.0.0.1", path="/")
    s.headers["X-CSRFToken"] = CSRF
    if identity != ANONYMOUS:
        s.cookies.set("sessionid", site.sessions[identity], domain="127.0.0.1", path="/")
    return s


def known_values(site: Site) -> dict[str, list[str]]:
    """Identifiers of existing objects per collection (first path segment), read as superuser."""
    s = _session(site, "beheerder")
    found: dict[str, list[str]] = {}
    with OPENAPI.open() as fh:
        import yaml

        paths = yaml.safe_load(fh)["paths"]
    collections = {p.split("/")[1] for p in paths if "{" in p}
    for collection in sorted(collections | {"voorzieningen", "gemeenten"}):
        r = s.get(f"{site.base}/api/v1/{collection}", params={"pageSize": 50}, timeout=30)
        if r.status_code != 200:
            continue
        data = r.json()
        items = data["results"] if isinstance(data, dict) else data
        values = [str(i.get("uuid") or i.get("code")) for i in items if isinstance(i, dict)]
        found[collection] = [v for v in values if v != "None"][:50]
    return found


@dataclass
class Report:
    identity: str
    operations: int = 0
    examples: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"{self.identity}: {self.operations} operations, {self.examples} requests "
            f"({codes}), {len(self.failures)} failing operations"
        )


def load_schema():
    import schemathesis

    return schemathesis.openapi.from_path(str(OPENAPI))


def credentials_in(schema) -> dict[str, set[str]]:
    """Where the document's security schemes put credentials (lower-case names by location):
    schemathesis fills them with generated values, which would make every identity a stranger."""
    found: dict[str, set[str]] = {"header": set(), "query": set(), "cookie": set()}
    schemes = schema.raw_schema.get("components", {}).get("securitySchemes", {})
    for scheme in schemes.values():
        if scheme.get("type") == "apiKey":
            found[scheme["in"]].add(scheme["name"].lower())
        elif scheme.get("type") in ("http", "oauth2", "openIdConnect"):
            found["header"].add("authorization")
    return found


def checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]


def describe(exc: BaseException) -> str:
    """A failure in a few lines: what failed, and the curl command that reproduces it."""
    parts = []
    for failure in getattr(exc, "exceptions", None) or [exc]:
        title = getattr(failure, "title", type(failure).__name__)
        message = str(getattr(failure, "message", failure)).strip().splitlines()
        parts.append(f"{title}: {' '.join(message[:3])[:400]}")
    curl = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("curl ")]
    return "; ".join(parts) + (f"\n    {curl[0]}" if curl else "")


def fuzz(
    site: Site,
    identity: str,
    max_examples: int,
    known: dict[str, list[str]],
    schema=None,
    seed: int | None = None,
) -> Report:
    """Every operation of the document, `max_examples` generated requests each, as `identity`;
    derandomized (the same requests every run) unless a `seed` picks another fixed sequence."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st

    schema = schema or load_schema()
    session = _session(site, identity)
    base_url = site.base + "/api/v1"
    report = Report(identity)
    all_checks = checks()
    generated_credentials = credentials_in(schema)
    cookies = {"csrftoken": CSRF}
    if identity != ANONYMOUS:
        cookies["sessionid"] = site.sessions[identity]
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        collection = operation.path.split("/")[1]
        ids = known.get(collection, [])
        path_names = [p.name for p in operation.path_parameters]
        # Existing objects most of the time, the generated (unknown) value now and then.
        pick = st.sampled_from(ids + [None]) if ids and path_names else st.just(None)
        refs = {
            "voorziening": st.sampled_from(known.get("voorzieningen", []) + [None]),
            "gemeente": st.sampled_from(known.get("gemeenten", [])[:20] + [None]),
        }

        @settings(
            max_examples=max_examples,
            derandomize=seed is None,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(case=operation.as_strategy(), ident=pick, ref=st.fixed_dictionaries(refs))
        def run(case, ident, ref):
            # Generated credentials out, the identity's own session cookie in.
            for location in ("headers", "query"):
                values = getattr(case, location)
                names = generated_credentials["header" if location == "headers" else "query"]
                if values:
                    setattr(
                        case, location, {k: v for k, v in values.items() if k.lower() not in names}
                    )
            case.cookies = dict(cookies)
            if ident is not None:
                case.path_parameters[path_names[0]] = ident
            for name, value in ref.items():
                if value is None:
                    continue
                if isinstance(case.body, dict) and name in case.body:
                    case.body[name] = value
                if case.query and name in case.query:
                    case.query[name] = value
            response = case.call(base_url=base_url, session=session, timeout=60)
            report.examples += 1
            report.statuses[response.status_code] += 1
            case.validate_response(
                response,
                checks=all_checks,
                transport_kwargs={"base_url": base_url, "session": session},
            )

        if seed is not None:
            run = with_seed(seed)(run)
        try:
            run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - every failing operation is reported
            report.failures.append(f"[{identity}] {operation.label}: {describe(exc)}")
    return report


# --- the test -----------------------------------------------------------------------------------


def pytest_generate_tests(metafunc):
    if "identity" in metafunc.fixturenames:
        from samen.accounts.models import Rol

        metafunc.parametrize("identity", [ANONYMOUS, *Rol.values])


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory):
    var = tmp_path_factory.mktemp("fuzz-site")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    url = _database_url(f"samen_fuzz_{worker}") or f"sqlite:///{var / 'samen.sqlite3'}"
    site = start_site(url, var)
    site.known = known_values(site)
    # The session and the CSRF token work: the programme office's empty create is a 400, not a
    # 403 (which is what a stranger gets).
    r = _session(site, "programmabureau").post(f"{site.base}/api/v1/voorzieningen", json={})
    assert r.status_code == 400, r.text
    yield site
    site.stop()


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def test_every_operation_as_every_role_conforms(fuzz_site, schema, identity):
    """No server error and no response outside the committed document, for every role; the
    canary proves the run was made as that role on this site, before and after."""
    assert canary(fuzz_site, identity) == []
    report = fuzz(fuzz_site, identity, MAX_EXAMPLES, fuzz_site.known, schema)
    assert canary(fuzz_site, identity) == []
    print(report.summary())
    assert report.operations >= 60
    assert report.examples >= report.operations
    assert not report.failures, "\n\n".join(report.failures) + "\n\n" + fuzz_site.log()[-3000:]


def test_a_port_answered_by_another_server_is_not_taken_for_the_site(tmp_path):
    """bench_fuzz once fuzzed whatever answered on a fixed port: the port must be the started
    process's own."""
    import http.server
    import threading

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    port = other.server_address[1]
    threading.Thread(target=other.serve_forever, daemon=True).start()
    (tmp_path / "gunicorn.log").write_text("")
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert serves_port(os.getpid(), port) is True
        assert serves_port(stand_in.pid, port) is False
        site = Site(f"http://127.0.0.1:{port}", {}, tmp_path, stand_in)
        with pytest.raises(RuntimeError, match=f"port {port} is answered by another process"):
            wait_until_served(site, port, seconds=1)
    finally:
        other.shutdown()
        other.server_close()
        stand_in.kill()
        stand_in.wait()


def test_the_canary_fails_for_a_run_that_acts_as_anonymous(fuzz_site):
    assert canary(fuzz_site, ANONYMOUS) == []
    assert canary(fuzz_site, "taskforce") == []
    lost = Site(fuzz_site.base, fuzz_site.env, fuzz_site.var, fuzz_site.proc)
    lost.sessions = dict.fromkeys(fuzz_site.sessions, "geen-geldige-sessie")
    for identity in ("programmabureau", "taskforce", "gemeente"):
        assert canary(lost, identity), identity


# --- regressions of what the fuzzer found -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.sqlite
def test_a_nul_character_in_the_query_or_path_is_a_4xx_problem(admin_client):
    r = admin_client.get("/api/v1/voorzieningen", {"zoek": "a\x00b", "fase": "beheer"})
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in r.json()["invalidParams"]] == ["zoek"]
    assert r["API-Version"]
    r = admin_client.get("/api/v1/gemeenten/GM%00363")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@pytest.mark.sqlite
@pytest.mark.parametrize("jaar", ["0", "\u00b2", "99999", "1899", "-1", "", "2018.0"])
def test_a_fund_year_outside_the_range_is_a_400_not_a_500(demo, admin_client, jaar):
    from samen.fonds.models import Fonds

    fonds = Fonds.objects.order_by("id").first()
    for path in (
        f"/api/v1/fondsen/{fonds.uuid}/verantwoording",
        f"/api/v1/fondsen/{fonds.uuid}/aansluiting",
        "/api/v1/bijdragen",
    ):
        r = admin_client.get(path, {"jaar": jaar})
        assert r.status_code == 400, (path, jaar, r.content)
        assert r.json()["invalidParams"][0]["name"] == "jaar"


@pytest.mark.django_db
def test_list_shaped_fund_and_ranking_answers_are_documented_as_lists(demo, admin_client):
    import yaml

    from samen.fonds.models import Fonds
    from samen.portfolio.models import WegingVersie

    paths = yaml.safe_load(OPENAPI.read_text())["paths"]
    fonds = Fonds.objects.order_by("id").first()
    weging = WegingVersie.objects.order_by("id").first()
    base = f"/api/v1/fondsen/{fonds.uuid}"
    for template, url in (
        ("/fondsen/{uuid}/aansluiting", f"{base}/aansluiting?jaar=2017"),
        (
            "/fondsen/{uuid}/tussentijdse-controle",
            f"{base}/tussentijdse-controle?peildatum=2017-06-30",
        ),
        (
            "/fondsen/{uuid}/verantwoording",
            f"{base}/verantwoording?jaar=2017",
        ),
        ("/wegingen/{uuid}/ranglijst", f"/api/v1/wegingen/{weging.uuid}/ranglijst"),
    ):
        documented = paths[template]["get"]["responses"]["200"]["content"]["application/json"]
        assert documented["schema"]["type"] == "array", template
        r = admin_client.get(url)
        assert r.status_code == 200 and isinstance(r.json(), list), (url, r.content)
