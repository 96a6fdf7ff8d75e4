"""API tokens of machine clients: hashed, scoped, expiring, revocable, audited; the commands,
the admin and the OpenAPI security scheme."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from samen.accounts import tokens
from samen.accounts.models import ApiToken, Gebruiker, Rol
from samen.audit.models import AuditRegel

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

ROOT = Path(__file__).resolve().parents[2]
VOORZIENING = {
    "naam": "Via token",
    "korteOmschrijving": "x",
    "spoor": 2,
    "domein": "belastingen",
    "soort": "app",
    "gebruikers": "gemeente",
    "startdatum": "2017-01-01",
    "factsheet": {"watIsHet": "Een app."},
}


def client_with(raw: str, keyword: str = "Token") -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return api


def test_only_a_hash_is_stored_and_the_token_is_shown_once():
    token, raw = tokens.issue("Koppeling RDW", Rol.PROGRAMMABUREAU, dagen=30)
    assert raw.startswith(f"samen_{token.prefix}_")
    assert len(raw) == len("samen_") + 8 + 1 + 43
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.sleutel_hash == hashlib.sha256(raw.encode()).hexdigest()
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in str(row)
    assert not any(raw in str(v) for v in AuditRegel.objects.values_list("na", "toelichting"))
    account = token.gebruiker
    assert account.api_client and not account.has_usable_password()
    assert account.rol == Rol.PROGRAMMABUREAU == token.rol
    assert token.verloopt_op - timezone.now() > dt.timedelta(days=29, hours=23)


def test_a_token_acts_with_its_role_and_is_audited(make_voorziening):
    _, raw = tokens.issue("Portfoliobeheer", Rol.PROGRAMMABUREAU)
    _, gemeente_raw = tokens.issue("Amsterdam", Rol.GEMEENTE, gemeente="GM0363")
    r = client_with(raw).post("/api/v1/voorzieningen", VOORZIENING, format="json")
    assert r.status_code == 201, r.content
    refused = client_with(gemeente_raw).post(
        "/api/v1/voorzieningen", {**VOORZIENING, "naam": "Ander"}, format="json"
    )
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    # the change itself is recorded by the service under the client account ...
    change = AuditRegel.objects.filter(object_type="portfolio.voorziening").latest("id")
    assert change.gebruiker_naam == "api-portfoliobeheer" and change.kanaal == "api"
    # ... and the use of the token: the first use today and every write, even a refused one
    uses = AuditRegel.objects.filter(object_type="accounts.apitoken").exclude(actie="aanmaken")
    assert [(u.actie, u.gebruiker_naam) for u in uses.order_by("id")] == [
        ("inloggen", "api-portfoliobeheer"),
        ("overig", "api-portfoliobeheer"),
        ("inloggen", "api-amsterdam"),
        ("overig", "api-amsterdam"),
    ]
    assert "POST /api/v1/voorzieningen" in uses.filter(actie="overig").first().toelichting


def test_reads_are_recorded_once_a_day_and_last_use_is_kept():
    token, raw = tokens.issue("Lezer", Rol.TASKFORCE)
    api = client_with(raw, "Bearer")
    for _ in range(3):
        assert api.get("/api/v1/voorzieningen").status_code == 200
    assert AuditRegel.objects.filter(object_type="accounts.apitoken", actie="inloggen").count() == 1
    assert not AuditRegel.objects.filter(object_type="accounts.apitoken", actie="overig").exists()
    token.refresh_from_db()
    assert timezone.now() - token.laatst_gebruikt_op < dt.timedelta(minutes=1)
    # the next day counts again
    ApiToken.objects.filter(pk=token.pk).update(
        laatst_gebruikt_op=timezone.now() - dt.timedelta(days=1)
    )
    assert api.get("/api/v1/voorzieningen").status_code == 200
    assert AuditRegel.objects.filter(object_type="accounts.apitoken", actie="inloggen").count() == 2


def test_a_municipality_token_is_scoped_to_its_municipality(make_voorziening, make_user):
    from tests.deelnames.test_api import decided

    v = make_voorziening(fase="ontwikkeling")
    besluit = decided(APIClient(), make_user, v)
    _, amsterdam = tokens.issue("Amsterdam", Rol.GEMEENTE, gemeente="GM0363")
    _, rotterdam = tokens.issue("Rotterdam", Rol.GEMEENTE, gemeente="GM0599")
    body = {"gemeente": "GM0363", "voorziening": str(v.uuid), "besluit": besluit["nummer"]}
    assert client_with(rotterdam).post("/api/v1/deelnames", body, format="json").status_code == 403
    r = client_with(amsterdam).post("/api/v1/deelnames", body, format="json")
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    "header",
    [
        "Token samen_00000000_" + "A" * 43,  # unknown prefix
        "Token nonsense",
        "Token a b",
        "Bearer ",
    ],
)
def test_unknown_or_malformed_tokens_are_refused(header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    r = api.get("/api/v1/voorzieningen")
    assert r.status_code in (401, 403)
    assert r["Content-Type"] == "application/problem+json"


def test_a_wrong_secret_with_a_known_prefix_is_refused():
    token, raw = tokens.issue("Raden", Rol.PROGRAMMABUREAU)
    wrong = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert client_with(wrong).get("/api/v1/voorzieningen").status_code in (401, 403)
    assert client_with(raw).get("/api/v1/voorzieningen").status_code == 200


def test_expired_and_revoked_tokens_stop_working():
    expired, expired_raw = tokens.issue("Oud", Rol.PROGRAMMABUREAU, dagen=1)
    ApiToken.objects.filter(pk=expired.pk).update(
        verloopt_op=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client_with(expired_raw).get("/api/v1/voorzieningen").status_code in (401, 403)

    token, raw = tokens.issue("Ingetrokken", Rol.PROGRAMMABUREAU)
    assert client_with(raw).get("/api/v1/voorzieningen").status_code == 200
    tokens.revoke(token.prefix)
    r = client_with(raw).post("/api/v1/voorzieningen", VOORZIENING, format="json")
    assert r.status_code in (401, 403)
    assert AuditRegel.objects.filter(
        object_type="accounts.apitoken",
        object_id=str(token.pk),
        toelichting="API-token ingetrokken",
    ).exists()
    with pytest.raises(tokens.TokenFout):
        tokens.revoke(token.prefix)


def test_a_disabled_client_account_stops_its_tokens():
    token, raw = tokens.issue("Uitgezet", Rol.PROGRAMMABUREAU)
    Gebruiker.objects.filter(pk=token.gebruiker_id).update(is_active=False)
    assert client_with(raw).get("/api/v1/voorzieningen").status_code in (401, 403)


def test_issuing_checks_its_input(make_user):
    with pytest.raises(tokens.TokenFout, match="rol"):
        tokens.issue("x", "koning")
    with pytest.raises(tokens.TokenFout, match="gemeente"):
        tokens.issue("x", Rol.GEMEENTE)  # a municipality client needs its municipality
    with pytest.raises(tokens.TokenFout, match="gemeentecode"):
        tokens.issue("x", Rol.GEMEENTE, gemeente="GM9999")
    with pytest.raises(tokens.TokenFout, match="dagen"):
        tokens.issue("x", Rol.PROGRAMMABUREAU, dagen=0)
    # a second token for the same client (rotation) shares the account, with the same scope only
    a, _ = tokens.issue("Utrecht", Rol.GEMEENTE, gemeente="GM0344")
    b, _ = tokens.issue("Utrecht", Rol.GEMEENTE, gemeente="GM0344")
    assert a.gebruiker_id == b.gebruiker_id and a.prefix != b.prefix
    with pytest.raises(tokens.TokenFout, match="andere rol"):
        tokens.issue("Utrecht", Rol.GEMEENTE, gemeente="GM0363")
    # a person's account is never turned into a client
    person = make_user(Rol.PROGRAMMABUREAU)
    Gebruiker.objects.filter(pk=person.pk).update(username="api-jan")
    with pytest.raises(tokens.TokenFout, match="persoon"):
        tokens.issue("Jan", Rol.PROGRAMMABUREAU)


def test_client_accounts_cannot_sign_in_on_pages(client):
    token, _ = tokens.issue("Geen mens", Rol.PROGRAMMABUREAU)
    r = client.post(
        "/inloggen", {"username": token.gebruiker.username, "password": ""}, REMOTE_ADDR="10.0.0.1"
    )
    assert r.status_code == 200 and "_auth_user_id" not in client.session


def test_the_commands_issue_and_revoke():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token_aanmaken",
        "--naam",
        "Gemeente Amsterdam",
        "--rol",
        "gemeente",
        "--gemeente",
        "GM0363",
        "--dagen",
        "365",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    token = tokens.check(raw)
    assert token is not None and token.gemeente.code == "GM0363"
    assert "niet opnieuw getoond" in err.getvalue()
    audit = AuditRegel.objects.get(object_type="accounts.apitoken", actie="aanmaken")
    assert audit.kanaal == "commando" and audit.na["prefix"] == token.prefix

    out = io.StringIO()
    call_command("token_intrekken", token.prefix, stdout=out)
    assert "ingetrokken" in out.getvalue()
    assert tokens.check(raw) is None
    with pytest.raises(CommandError):
        call_command("token_intrekken", token.prefix)
    with pytest.raises(CommandError):
        call_command("token_aanmaken", "--naam", "x", "--rol", "gemeente")


def test_the_samen_command_prints_only_the_token_on_stdout(tmp_path):
    env = {"SAMEN_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    samen = str(Path(sys.executable).parent / "samen")
    import os

    env = {**os.environ, **env}
    subprocess.run([samen, "migrate", "-v0"], env=env, check=True, capture_output=True)
    r = subprocess.run(
        [samen, "token-aanmaken", "--naam", "CI", "--rol", "programmabureau", "--dagen", "7"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert tokens.TOKEN_RE.match(r.stdout.strip())
    prefix = r.stdout.strip()[6:14]
    r = subprocess.run([samen, "token-intrekken", prefix], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "ingetrokken" in r.stdout


def test_admin_issues_shows_once_and_revokes(client, make_user):
    office = make_user(Rol.PROGRAMMABUREAU)
    client.force_login(office)
    r = client.post(
        "/admin/accounts/apitoken/add/",
        {"naam": "Beheer", "rol": "taskforce", "gemeente": "", "organisatie": "", "dagen": 90},
    )
    assert r.status_code == 200
    raw = r.context["raw"]
    assert raw in r.content.decode() and "no-store" in r["Cache-Control"]
    token = tokens.check(raw)
    assert token.aangemaakt_door == office.username
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing and raw not in listing
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert raw not in detail and token.sleutel_hash not in detail
    r = client.post(
        "/admin/accounts/apitoken/",
        {"action": "intrekken", "_selected_action": [token.pk]},
    )
    assert r.status_code == 302
    assert tokens.check(raw) is None
    # other roles do not manage tokens
    client.force_login(make_user(Rol.TASKFORCE))
    assert client.get("/admin/accounts/apitoken/").status_code == 403
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_openapi_document_describes_the_token_scheme():
    doc = yaml.safe_load((ROOT / "src" / "samen" / "api" / "openapi.yaml").read_text())
    scheme = doc["components"]["securitySchemes"]["tokenAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    post = doc["paths"]["/voorzieningen"]["post"]
    assert {"tokenAuth": []} in post["security"]
