"""Local sign-in: two-factor authentication (TOTP) for staff, brute-force lock-out on every login
form, secure cookies and CSRF."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samen.accounts.models import Gebruiker, Rol
from samen.audit.models import AuditRegel

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

PASSWORD = "Een-lang-wachtwoord-2017!"


@pytest.fixture
def person(make_user):
    def make(rol, **extra):
        user = make_user(rol, tweestaps=False, **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def sign_in(client, username, password=PASSWORD, next_url="", ip="10.1.1.1"):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/inloggen", data, REMOTE_ADDR=ip)


def test_staff_set_up_totp_before_they_can_do_anything(person):
    user = person(Rol.PROGRAMMABUREAU)
    client = Client()
    r = sign_in(client, user.username, next_url="/admin/")
    assert r.status_code == 302 and r["Location"] == "/admin/"
    # signed in with the password only: every page, the admin too, leads to the setup
    for path in ("/admin/", "/voorzieningen", "/fonds/beheer"):
        r = client.get(path)
        assert r.status_code == 302, path
        assert r["Location"].startswith("/inloggen/tweestaps/instellen?next="), path
    # and on the API the session is no credential at all
    assert client.get("/api/v1/voorzieningen").status_code == 200  # public
    r = client.post("/api/v1/voorzieningen", {}, content_type="application/json")
    assert r.status_code == 403
    page = client.get("/inloggen/tweestaps/instellen?next=/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    sleutel = re.search(r'id="totp-sleutel">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(sleutel) == device.bin_key
    wrong = client.post("/inloggen/tweestaps/instellen", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # a failure makes the next try wait
    r = client.post("/inloggen/tweestaps/instellen", {"code": code_for(device), "next": "/admin/"})
    # the app is set up and the session verified; the recovery codes are shown once, then on
    assert r.status_code == 200 and 'href="/admin/"' in r.content.decode()
    assert len(re.findall(r"<li><code>[2-9a-z-]{19}</code></li>", r.content.decode())) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200
    toelichtingen = list(
        AuditRegel.objects.filter(gebruiker=user, actie__in=["inloggen", "aanmaken"]).values_list(
            "toelichting", flat=True
        )
    )
    assert any("TOTP" in t for t in toelichtingen)


def test_next_time_the_code_is_asked_and_a_wrong_code_is_refused(person):
    user = person(Rol.FINANCIEN)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    sign_in(client, user.username)
    r = client.get("/admin/")
    assert r["Location"] == "/inloggen/tweestaps?next=%2Fadmin%2F"
    # a confirmed device cannot be replaced by whoever knows the password
    r = client.get("/inloggen/tweestaps/instellen")
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/tweestaps")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    r = client.post("/inloggen/tweestaps", {"code": "123456", "next": "/admin/"})
    assert r.status_code == 400
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    r = client.post("/inloggen/tweestaps", {"code": code_for(device), "next": "/admin/"})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_repeated_wrong_codes_are_throttled(person):
    user = person(Rol.BESTUUR)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    sign_in(client, user.username)
    for _ in range(3):
        client.post("/inloggen/tweestaps", {"code": "000000"})
    # even the right code waits now (django-otp's throttling doubles the wait each failure)
    r = client.post("/inloggen/tweestaps", {"code": code_for(device)})
    assert r.status_code == 400 and "Te veel" in r.content.decode()


def test_superusers_need_the_second_factor_too(make_user):
    admin = make_user(is_superuser=True, tweestaps=False)
    admin.set_password(PASSWORD)
    admin.save()
    client = Client()
    r = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert r.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/inloggen/tweestaps/instellen")


def test_municipality_contacts_need_no_second_factor(person):
    contact = person(Rol.GEMEENTE, gemeente="GM0363")
    client = Client()
    assert sign_in(client, contact.username).status_code == 302
    page = client.get("/voorzieningen")
    assert page.status_code == 200 and contact.username in page.content.decode()


def test_force_login_of_make_user_staff_counts_as_verified(client, make_user):
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    assert client.get("/admin/").status_code == 200
    unverified = Client()
    unverified.force_login(make_user(Rol.PROGRAMMABUREAU, tweestaps=False))
    assert unverified.get("/admin/").status_code == 302


# --- brute force ---------------------------------------------------------------------------


@pytest.mark.parametrize("login_url", ["/inloggen", "/admin/login/"])
def test_repeated_failures_lock_out_and_are_recorded(person, settings, login_url):
    user = person(Rol.PROGRAMMABUREAU)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        r = client.post(
            login_url, {"username": user.username, "password": "fout"}, REMOTE_ADDR="10.9.9.9"
        )
        assert r.status_code in (200, 429)
    # now even the right password is refused, with the lock-out page
    r = client.post(
        login_url, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert r.status_code == 429
    assert "tijdelijk geblokkeerd" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditRegel.objects.filter(
        object_id=user.username, toelichting__startswith="Inloggen geblokkeerd"
    ).exists()
    from axes.models import AccessAttempt, AccessFailureLog

    assert AccessAttempt.objects.filter(username=user.username).exists()
    assert AccessFailureLog.objects.filter(username=user.username).count() >= 5
    # the same user from another address is not locked out (no denial of service by name)
    other = Client()
    r = other.post(
        login_url, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.8.8.8"
    )
    assert r.status_code == 302


def test_a_success_resets_the_failure_count(person, settings):
    user = person(Rol.GEMEENTE, gemeente="GM0363")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "fout")
    assert sign_in(client, user.username).status_code == 302
    client.post("/uitloggen")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "fout")
    assert sign_in(client, user.username).status_code == 302


def test_client_address_behind_trusted_proxies(rf, settings):
    from samen.accounts.lockout import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3", REMOTE_ADDR="9.9.9.9")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "9.9.9.9"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "3.3.3.3"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == "2.2.2.2"


# --- sessions, cookies, CSRF, CSP --------------------------------------------------------------


def test_login_form_needs_csrf_and_cookies_are_secure(person, settings):
    user = person(Rol.GEMEENTE, gemeente="GM0363")
    client = Client(enforce_csrf_checks=True)
    r = client.post("/inloggen", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 403
    page = client.get("/inloggen")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    r = client.post(
        "/inloggen", {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert r.status_code == 302
    session = r.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert bool(session["secure"]) is settings.SESSION_COOKIE_SECURE
    csp = client.get("/inloggen")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_two_factor_forms_need_csrf(person):
    user = person(Rol.PROGRAMMABUREAU)
    client = Client(enforce_csrf_checks=True)
    client.force_login(Gebruiker.objects.get(pk=user.pk))
    assert client.post("/inloggen/tweestaps/instellen", {"code": "1"}).status_code == 403
    assert client.post("/inloggen/tweestaps", {"code": "1"}).status_code == 403
