"""Recovery codes for the second factor: made when the app is set up (shown once, stored as a
hash), each usable once instead of the app's code, throttled with it, replaceable only by a
session that passed the second factor, removed with the app by `samen tweestaps-herstellen`."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from samen.accounts import queries, services
from samen.accounts.models import Herstelcode, Rol
from samen.audit.models import AuditRegel

from .test_sign_in import PASSWORD, code_for, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

CODE_RE = re.compile(r"<li><code>([2-9a-z]{4}(?:-[2-9a-z]{4}){3})</code></li>")


@pytest.fixture
def staff(make_user):
    """A finance officer with a confirmed app and ten recovery codes (returned with it)."""
    user = make_user(Rol.FINANCIEN, tweestaps=False)
    user.set_password(PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = services.new_recovery_codes(user)
    return user, device, codes


def half_signed_in(user) -> Client:
    client = Client()
    r = sign_in(client, user.username, next_url="/admin/")
    assert r.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/inloggen/tweestaps")
    return client


def test_setting_up_the_app_shows_ten_codes_once_and_stores_only_hashes(make_user):
    user = make_user(Rol.PROGRAMMABUREAU, tweestaps=False)
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    sign_in(client, user.username)
    client.get("/inloggen/tweestaps/instellen")
    device = TOTPDevice.objects.get(user=user)
    r = client.post("/inloggen/tweestaps/instellen", {"code": code_for(device), "next": "/fonds"})
    assert r.status_code == 200
    codes = CODE_RE.findall(r.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/fonds"' in r.content.decode()
    stored = set(Herstelcode.objects.filter(gebruiker=user).values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    for code in codes:  # the codes themselves are nowhere in the database
        assert not Herstelcode.objects.filter(code_hash__icontains=code[:9]).exists()
        assert not AuditRegel.objects.filter(na__icontains=code[:9]).exists()
    # the codes are not shown again
    page = client.get("/tweestaps/herstelcodes").content.decode()
    assert "nog 10 ongebruikte herstelcodes" in page and not CODE_RE.search(page)
    assert AuditRegel.objects.filter(
        gebruiker=user, toelichting="herstelcodes (tweede factor) aangemaakt"
    ).exists()


def test_a_recovery_code_replaces_the_app_once(staff):
    user, device, codes = staff
    client = half_signed_in(user)
    # typed with capitals and spaces instead of dashes: still the code
    typed = codes[0].upper().replace("-", " ")
    r = client.post("/inloggen/tweestaps", {"herstelcode": typed, "next": "/admin/"})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert queries.unused(user) == 9
    assert Herstelcode.objects.filter(gebruiker=user, gebruikt_op__isnull=False).count() == 1
    assert AuditRegel.objects.filter(
        gebruiker=user, actie="inloggen", toelichting__contains="herstelcode; nog 9"
    ).exists()
    # the same code a second time: refused, the session stays half signed in
    other = half_signed_in(user)
    r = other.post("/inloggen/tweestaps", {"herstelcode": codes[0], "next": "/admin/"})
    assert r.status_code == 400 and "onjuist of al gebruikt" in r.content.decode()
    assert other.get("/admin/").status_code == 302
    assert queries.unused(user) == 9


def test_wrong_recovery_codes_are_throttled_with_the_app(staff):
    user, device, codes = staff
    client = half_signed_in(user)
    for guess in ("aaaa-bbbb-cccc-dddd", "2222-3333-4444-5555", "kort"):
        r = client.post("/inloggen/tweestaps", {"herstelcode": guess})
        assert r.status_code == 400
    # now even a right code (of either kind) waits: one counter for every try
    r = client.post("/inloggen/tweestaps", {"herstelcode": codes[1]})
    assert r.status_code == 400 and "Te veel" in r.content.decode()
    r = client.post("/inloggen/tweestaps", {"code": code_for(device)})
    assert r.status_code == 400
    assert queries.unused(user) == 10  # nothing spent while throttled


def test_a_warning_when_few_codes_are_left(staff):
    user, device, codes = staff
    Herstelcode.objects.filter(gebruiker=user).exclude(
        code_hash__in=[hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes[:4]]
    ).delete()
    client = half_signed_in(user)
    r = client.post("/inloggen/tweestaps", {"herstelcode": codes[0], "next": "/voorzieningen"})
    assert r["Location"] == "/voorzieningen"
    page = client.get("/voorzieningen").content.decode()
    assert "U heeft nog 3 herstelcodes" in page and "alert--warning" in page


def test_new_codes_need_a_verified_session_and_replace_the_old(staff, make_user):
    user, device, codes = staff
    # a session with the password only cannot make codes (that would bypass the app)
    client = half_signed_in(user)
    r = client.post("/tweestaps/herstelcodes")
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/tweestaps?next=")
    assert queries.unused(user) == 10
    # after the app's code it can, and the old codes stop working
    client.post("/inloggen/tweestaps", {"code": code_for(device)})
    r = client.post("/tweestaps/herstelcodes")
    assert r.status_code == 200
    new = CODE_RE.findall(r.content.decode())
    assert len(new) == 10 and not set(new) & set(codes)
    assert services.use_recovery_code(user, codes[2]) is None
    assert services.use_recovery_code(user, new[2]) == 9
    # anonymous: to the sign-in page; a municipality contact has no app, so no codes
    assert Client().get("/tweestaps/herstelcodes")["Location"].startswith("/inloggen?next=")
    contact = make_user(Rol.GEMEENTE, gemeente="GM0014")
    other = Client()
    other.force_login(contact)
    assert (
        "U logt niet in met een authenticator-app"
        in other.get("/tweestaps/herstelcodes").content.decode()
    )
    assert other.post("/tweestaps/herstelcodes").status_code == 403
    assert not Herstelcode.objects.filter(gebruiker=contact).exists()


def test_forms_need_csrf(staff):
    """A half-signed-in session posting a valid code without the CSRF token is refused."""
    user, device, codes = staff
    client = half_signed_in(user)
    client.handler.enforce_csrf_checks = True
    r = client.post("/inloggen/tweestaps", {"herstelcode": codes[0]})
    assert r.status_code == 403
    assert queries.unused(user) == 10
    assert client.get("/admin/").status_code == 302  # still not past the second factor


def test_lost_phone_reset_removes_the_app_and_the_codes(staff, capsys):
    user, device, codes = staff
    call_command("tweestaps_herstellen", user.username)
    assert "1 apparaat/apparaten en 10 herstelcode(s)" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not Herstelcode.objects.filter(gebruiker=user).exists()
    assert AuditRegel.objects.filter(toelichting="herstelcodes (tweede factor) verwijderd").exists()
    # next sign-in: set up a new app
    client = Client()
    sign_in(client, user.username)
    assert client.get("/admin/")["Location"].startswith("/inloggen/tweestaps/instellen")


def test_staff_without_codes_are_asked_to_make_them(make_user):
    """Who set up the app before recovery codes existed (or used them all) is told so after the
    app's code, and the page says none are left."""
    user = make_user(Rol.PROGRAMMABUREAU, tweestaps=False)
    user.set_password(PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = half_signed_in(user)
    r = client.post("/inloggen/tweestaps", {"code": code_for(device), "next": "/voorzieningen"})
    assert r["Location"] == "/voorzieningen"
    assert "U heeft geen herstelcodes" in client.get("/voorzieningen").content.decode()
    page = client.get("/tweestaps/herstelcodes").content.decode()
    assert "U heeft geen ongebruikte herstelcodes" in page and "nog 0" not in page
