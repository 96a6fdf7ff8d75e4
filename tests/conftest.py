"""Shared fixtures: the CBS register in every test database, users per role, a live site."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMEN = str(Path(sys.executable).parent / "samen")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real CBS register loaded (as `make run` does)."""
    from samen.gemeenten.services import load_register

    with django_db_blocker.unblock():
        load_register()


@pytest.fixture
def criteria(db):
    from samen.portfolio.models import Criterium

    return [
        Criterium.objects.create(code="dienstverlening", naam="Dienstverlening", volgorde=1),
        Criterium.objects.create(code="bedrijfsvoering", naam="Bedrijfsvoering", volgorde=2),
        Criterium.objects.create(code="opschaling", naam="Opschaling", volgorde=3),
    ]


@pytest.fixture
def org(db):
    from samen.accounts.models import Organisatie

    return Organisatie.objects.create(
        naam="Rijksdienst voor het Wegverkeer", afkorting="RDW", soort="ketenpartner"
    )


@pytest.fixture
def make_voorziening(db):
    import datetime as dt

    from samen.portfolio import services

    counter = {"n": 0}

    def make(fase="initiatief", startdatum=dt.date(2017, 1, 1), **extra):
        counter["n"] += 1
        data = {
            "naam": f"Voorziening {counter['n']}",
            "korte_omschrijving": "Een voorziening om te testen.",
            "spoor": 2,
            "domein": "publieksdienstverlening",
            "soort": "applicatie",
            "gebruikers": "gemeente",
            "startdatum": startdatum,
            **extra,
        }
        return services.create_voorziening(data, {"wat_is_het": "Iets."}, fase=fase)

    return make


def _verify_force_login(sender, request, user, **kwargs):
    """django-otp marks a session verified when the user logging in carries ``otp_device`` (what
    its OTP login forms set). Client.force_login logs in with a bare HttpRequest that has no
    ``user``, so django-otp's own receiver cannot do it there; this one does, the same way."""
    device = getattr(user, "otp_device", None)
    if device is not None and not hasattr(request, "user"):
        import django_otp

        request.user = user
        django_otp.login(request, device)


@pytest.fixture
def make_user(db):
    from django.contrib.auth.signals import user_logged_in

    from samen.accounts.models import Gebruiker, vereist_tweestaps

    counter = {"n": 0}
    user_logged_in.connect(_verify_force_login, dispatch_uid="tests-verify-force-login")

    def make(
        rol: str = "",
        gemeente: str | None = None,
        organisatie=None,
        tweestaps: bool = True,
        **extra,
    ):
        """A user with a role. Staff (who need a second factor) get a confirmed TOTP device
        unless ``tweestaps=False``, and ``client.force_login(user)`` then opens a session that
        passed it, as a sign-in with the code does."""
        from samen.gemeenten.models import Gemeente

        counter["n"] += 1
        user = Gebruiker.objects.create_user(
            username=f"{rol or 'gebruiker'}-{counter['n']}",
            password=None,
            rol=rol,
            gemeente=Gemeente.objects.get(code=gemeente) if gemeente else None,
            organisatie=organisatie,
            **extra,
        )
        if tweestaps and vereist_tweestaps(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            user.otp_device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


class LiveSite(str):
    """The base URL of the live site; ``run`` runs a `samen` command against its database."""

    env: dict[str, str]
    cwd: Path

    def run(self, *args: str) -> str:
        if args and args[0] == "shell":
            args = ("shell", "--no-imports", *args[1:])
        result = subprocess.run(
            [SAMEN, *args], env=self.env, cwd=self.cwd, check=True, capture_output=True, text=True
        )
        return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url_for(name: str) -> str:
    """A separate database for the live site, on the same engine as the suite."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _ = url.rpartition("/")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{base}/{name}"
    return ""


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """A real server (gunicorn) on its own database with the CBS data and demo content loaded,
    set up the way `make run` does it. Yields the base URL."""
    var = tmp_path_factory.mktemp("live-site")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    env = dict(os.environ)
    env["SAMEN_VAR_DIR"] = str(var)
    env["SAMEN_HTTPS"] = "false"
    env["SAMEN_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    url = _database_url_for(f"samen_live_{worker}")
    env["DATABASE_URL"] = url or f"sqlite:///{var / 'samen.sqlite3'}"
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["load-register"],
        ["load-demo"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run([SAMEN, *command], env=env, check=True, capture_output=True, cwd=var)
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    proc = subprocess.Popen(
        [
            gunicorn,
            "samen.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",  # gunicorn 27: no shared ~/.gunicorn socket between sites
        ],
        env=env,
        cwd=var,
        stdout=subprocess.DEVNULL,
        stderr=open(var / "gunicorn.log", "w"),  # noqa: SIM115
    )
    base = LiveSite(f"http://127.0.0.1:{port}")
    base.env = env
    base.cwd = var
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/api/v1", timeout=2)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError((var / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
