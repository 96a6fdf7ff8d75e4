"""OpenID Connect sign-in, walked end to end against a real local provider (oidc_provider.py):
/inloggen -> the provider -> the callback -> signed in with the role from the claims."""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest
import requests
from django.test import Client

from samen.accounts.models import Gebruiker, Rol
from samen.audit.models import AuditRegel
from tests.accounts.oidc_provider import Provider

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

MAPPING = {
    "samen-programmabureau": "programmabureau",
    "samen-taskforce": "taskforce",
    "samen-gemeente": "gemeente",
}


@pytest.fixture(scope="module")
def provider():
    p = Provider().start()
    yield p
    p.stop()


@pytest.fixture
def oidc(provider, settings):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.OIDC_ROLE_MAPPING = dict(MAPPING)
    settings.OIDC_CREATE_USER = True
    provider.id_token_overrides = {}
    provider.sign_with_other_key = False
    return provider


def walk(client: Client, provider: Provider, person: dict, next_url: str = "/admin/"):
    """Click the OIDC button on /inloggen, let the provider approve, follow back to Samen."""
    provider.person = person
    page = client.get(f"/inloggen?next={next_url}").content.decode()
    link = html.unescape(re.search(r'href="(/inloggen/oidc[^"]*)"', page)[1])
    to_provider = client.get(link)
    assert to_provider.status_code == 302
    assert to_provider["Location"].startswith(provider.issuer + "/authorize?")
    at_provider = requests.get(to_provider["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlparse(at_provider.headers["Location"])
    assert back.path == "/inloggen/oidc/terug"
    return client.get(f"{back.path}?{back.query}")


def signed_in(client) -> Gebruiker | None:
    pk = client.session.get("_auth_user_id")
    return Gebruiker.objects.get(pk=pk) if pk else None


def test_a_new_staff_member_signs_in_with_the_role_from_the_groups(oidc):
    client = Client()
    person = {
        "sub": "abc-123",
        "email": "Petra@VNG.nl",
        "given_name": "Petra",
        "family_name": "de Vries",
        "groups": ["iedereen", "samen-programmabureau"],
    }
    r = walk(client, oidc, person, next_url="/admin/")
    assert r.status_code == 302 and r["Location"] == "/admin/"
    user = signed_in(client)
    assert user.rol == Rol.PROGRAMMABUREAU and user.email == "Petra@vng.nl"
    assert user.is_staff and not user.has_usable_password()
    # the provider's multi-factor policy applies: no local TOTP step
    assert client.get("/admin/").status_code == 200
    # PKCE and the client secret were used at the token endpoint
    assert oidc.token_requests[-1]["code_verifier"]
    trail = AuditRegel.objects.filter(gebruiker=user).values_list("actie", "toelichting")
    assert ("inloggen", "ingelogd via OpenID Connect") in set(trail)
    assert any(a == "aanmaken" for a, _ in trail)


def test_an_existing_account_is_matched_and_its_role_follows_the_provider(oidc, make_user):
    existing = make_user(Rol.TASKFORCE, email="jan@gemeente.nl")
    client = Client()
    person = {
        "sub": "x",
        "email": "JAN@gemeente.nl",
        "groups": ["samen-gemeente"],
        "gemeentecode": "GM0363",
    }
    walk(client, oidc, person, next_url="/")
    user = signed_in(client)
    assert user.pk == existing.pk
    assert (user.rol, user.gemeente.code) == (Rol.GEMEENTE, "GM0363")
    change = AuditRegel.objects.filter(object_id=str(user.pk), actie="wijzigen").latest("id")
    assert change.voor["rol"] == "taskforce" and change.na["gemeente"] == "GM0363"


def test_the_first_matching_group_in_the_mapping_wins(oidc):
    client = Client()
    walk(client, oidc, {"email": "a@b.nl", "groups": ["samen-taskforce", "samen-programmabureau"]})
    assert signed_in(client).rol == Rol.PROGRAMMABUREAU


@pytest.mark.parametrize(
    "person",
    [
        {"email": "geen-groep@vng.nl", "groups": ["iedereen"]},  # no mapped role
        {"email": "geen-code@vng.nl", "groups": ["samen-gemeente"]},  # contact without municipality
        {"email": "fout@vng.nl", "groups": "samen-gemeente", "gemeentecode": "GM9999"},
        {"sub": "zonder-email", "groups": ["samen-taskforce"]},  # no matching claim
    ],
)
def test_people_samen_cannot_place_are_refused(oidc, person):
    client = Client()
    r = walk(client, oidc, person)
    assert r.status_code == 302 and r["Location"] == "/inloggen?oidc=mislukt"
    assert signed_in(client) is None
    page = client.get(r["Location"]).content.decode()
    assert "niet gelukt" in page
    assert not Gebruiker.objects.filter(email=person.get("email", "-")).exists()


def test_unknown_users_are_refused_unless_creation_is_configured(oidc, settings):
    settings.OIDC_CREATE_USER = False
    client = Client()
    walk(client, oidc, {"email": "nieuw@vng.nl", "groups": ["samen-programmabureau"]})
    assert signed_in(client) is None
    assert not Gebruiker.objects.filter(email="nieuw@vng.nl").exists()


def test_without_a_mapping_only_existing_accounts_sign_in_with_their_own_role(
    oidc, settings, make_user
):
    settings.OIDC_ROLE_MAPPING = {}
    existing = make_user(Rol.COLLEGE, email="lid@college.nl")
    client = Client()
    walk(client, oidc, {"email": "lid@college.nl", "groups": ["samen-programmabureau"]})
    assert signed_in(client).pk == existing.pk
    assert Gebruiker.objects.get(pk=existing.pk).rol == Rol.COLLEGE
    client = Client()
    walk(client, oidc, {"email": "onbekend@college.nl", "groups": ["samen-programmabureau"]})
    assert signed_in(client) is None


def test_matching_by_another_claim_never_reaches_client_accounts(oidc, settings):
    from samen.accounts import tokens

    settings.OIDC_MATCH_CLAIM = "sub"
    token, _ = tokens.issue("Robot", Rol.PROGRAMMABUREAU)
    client = Client()
    walk(client, oidc, {"sub": token.gebruiker.username, "groups": ["samen-programmabureau"]})
    assert signed_in(client) is None  # the name is taken by the client account: refused
    client = Client()
    walk(client, oidc, {"sub": "medewerker-7", "groups": ["samen-taskforce"]})
    assert signed_in(client).username == "medewerker-7"


@pytest.mark.parametrize(
    "tamper",
    [
        {"id_token_overrides": {"aud": "een-andere-client"}},
        {"id_token_overrides": {"iss": "https://nep.example"}},
        {"id_token_overrides": {"nonce": "verkeerd"}},
        {"id_token_overrides": {"exp": 1}},
        {"sign_with_other_key": True},
    ],
)
def test_tampered_id_tokens_are_refused(oidc, tamper):
    for attribute, value in tamper.items():
        setattr(oidc, attribute, value)
    client = Client(raise_request_exception=False)
    r = walk(client, oidc, {"email": "x@vng.nl", "groups": ["samen-programmabureau"]})
    assert r.status_code in (302, 400)
    if r.status_code == 302:
        assert r["Location"] == "/inloggen?oidc=mislukt"
    assert signed_in(client) is None


def test_a_replayed_callback_does_not_sign_in(oidc):
    client = Client(raise_request_exception=False)
    oidc.person = {"email": "r@vng.nl", "groups": ["samen-taskforce"]}
    link = "/inloggen/oidc?next=/"
    to_provider = client.get(link)
    back = urlparse(
        requests.get(to_provider["Location"], allow_redirects=False, timeout=10).headers["Location"]
    )
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.post("/uitloggen")
    again = client.get(f"{back.path}?{back.query}")
    assert signed_in(client) is None
    assert again.status_code in (302, 400)


def test_without_configuration_there_is_no_oidc_sign_in(client):
    assert "/inloggen/oidc" not in client.get("/inloggen").content.decode()
    assert client.get("/inloggen/oidc").status_code == 404
    assert client.get("/inloggen/oidc/terug?code=x&state=y").status_code == 404


def test_signing_out_ends_the_session_at_the_provider_too(oidc, settings):
    """RP-initiated logout: after an OIDC sign-in, /uitloggen ends Samen's session and sends the
    browser to the provider's end_session_endpoint with the ID token as hint."""
    from urllib.parse import parse_qs

    settings.OIDC_OP_LOGOUT_ENDPOINT = oidc.issuer + "/logout"
    client = Client()
    walk(
        client, oidc, {"sub": "u-logout", "email": "uit@vng.example", "groups": ["samen-taskforce"]}
    )
    assert signed_in(client) is not None
    id_token = client.session["oidc_id_token"]
    r = client.post("/uitloggen")
    assert r.status_code == 302 and r["Location"].startswith(oidc.issuer + "/logout?")
    query = parse_qs(urlparse(r["Location"]).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert query["client_id"] == [settings.OIDC_RP_CLIENT_ID]
    assert signed_in(client) is None and "oidc_id_token" not in client.session


def test_local_sign_out_stays_local(oidc, settings, make_user):
    """A local account (or no logout endpoint configured) signs out of Samen only."""
    settings.OIDC_OP_LOGOUT_ENDPOINT = oidc.issuer + "/logout"
    client = Client()
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    r = client.post("/uitloggen")
    assert r.status_code == 302 and r["Location"] == "/"
    assert signed_in(client) is None
    settings.OIDC_OP_LOGOUT_ENDPOINT = ""
    walk(client, oidc, {"sub": "u-l2", "email": "l2@vng.example", "groups": ["samen-taskforce"]})
    r = client.post("/uitloggen")
    assert r["Location"] == "/" and signed_in(client) is None
