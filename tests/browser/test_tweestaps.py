"""The second factor in the browser: a new staff member sets up the authenticator app from the
key on the page, keeps the recovery codes, and signs in later with one of them; axe on the
set-up page, the codes page, the code page and the recovery-codes page."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp

from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-tweestaps-wachtwoord-2018!"


def accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def sign_in_with_password(page, base) -> None:
    page.context.clear_cookies()
    page.goto(base + "/inloggen?next=/fonds")
    page.fill("#id_username", "nieuw-po")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def test_set_up_the_app_keep_the_codes_and_sign_in_with_one(page, live_site):
    live_site.run(
        "shell",
        "-c",
        "from samen.accounts.models import Gebruiker\n"
        "u, _ = Gebruiker.objects.get_or_create(username='nieuw-po',"
        " defaults={'rol': 'programmabureau'})\n"
        f"u.set_password({PASSWORD!r}); u.save()",
    )
    sign_in_with_password(page, live_site)
    assert "/inloggen/tweestaps/instellen" in page.url
    accessible(page)
    key = base64.b32decode(page.inner_text("#totp-sleutel").replace(" ", ""))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    codes = page.locator("#herstelcodes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[2-9a-z]{4}(-[2-9a-z]{4}){3}", c) for c in codes)
    accessible(page)
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    page.wait_for_load_state()
    assert page.url.endswith("/fonds")

    # later, without the phone: the recovery code instead of the app's code
    sign_in_with_password(page, live_site)
    assert "/inloggen/tweestaps?" in page.url
    accessible(page)
    page.get_by_text("App niet bij de hand? Gebruik een herstelcode").click()
    page.fill("#id_herstelcode", codes[3].upper())
    page.get_by_role("button", name="Inloggen met herstelcode").click()
    page.wait_for_load_state()
    assert page.url.endswith("/fonds")

    page.locator(".user-menu summary").click()  # the user menu (a <details>, no script)
    page.get_by_role("link", name="herstelcodes").click()
    page.wait_for_load_state()
    assert "U heeft nog 9 ongebruikte herstelcodes." in page.inner_text("main")
    accessible(page)

    # the same code again is refused, and said so next to the field
    sign_in_with_password(page, live_site)
    page.get_by_text("App niet bij de hand? Gebruik een herstelcode").click()
    page.fill("#id_herstelcode", codes[3])
    page.get_by_role("button", name="Inloggen met herstelcode").click()
    page.wait_for_load_state()
    assert "/inloggen/tweestaps" in page.url
    assert "onjuist of al gebruikt" in page.inner_text("[role=alert]")
    assert page.get_attribute("#id_herstelcode", "aria-invalid") == "true"
    accessible(page)
