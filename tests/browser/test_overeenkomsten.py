"""Agreements in the browser: the public campaign page of the demo's 2017 campaign (axe, the
chart with its table, example data marked) and a municipality contact signing its own
agreement (the steps, the "what does this mean" page, axe on each)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-overeenkomsten-wachtwoord-2017!"

SETUP = """
from samen.accounts.models import Gebruiker
from samen.overeenkomsten.models import Ondertekening

# a municipality of the example campaign that is in its council, not yet signed
g = (
    Ondertekening.objects.filter(
        overeenkomst__voorbeeld=True, status="in_raad", te_bevestigen=False
    )
    .order_by("gemeente__code").first().gemeente
)
u, _ = Gebruiker.objects.get_or_create(
    username="ovk-tekenaar", defaults={"rol": "gemeente", "gemeente": g}
)
u.set_password(PASSWORD)
u.save()
print(u.gemeente.code)
"""


def _uuid(live_site) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/overeenkomsten") as r:  # noqa: S310
        rows = json.load(r)["results"]
    return next(o["uuid"] for o in rows if o["voorbeeld"])


def _serious(page, what):
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


def test_public_campaign_page_is_accessible(page, live_site):
    uuid = _uuid(live_site)
    response = page.goto(f"{live_site}/overeenkomsten/{uuid}")
    assert response.status == 200
    main = page.inner_text("main")
    assert "Voorbeeldgegevens" in main
    assert "Verloop per week" in main and "Tekort per aanbieder" in main
    assert page.locator("svg[role=img] title").count() == 1
    assert page.locator("[style], style, script:not([src])").count() == 0
    _serious(page, "campaign page")
    response = page.goto(f"{live_site}/overeenkomsten")
    assert response.status == 200
    _serious(page, "list of agreements")


def test_a_municipality_signs(browser, live_site):
    uuid = _uuid(live_site)
    code = (
        live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP).strip().splitlines()[-1]
    )
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "ovk-tekenaar", PASSWORD)
    url = f"{live_site}/overeenkomsten/{uuid}/gemeenten/{code}"
    page.goto(url)
    assert "Wat betekent dit voor uw gemeente?" in page.inner_text("main")
    _serious(page, "signing page")
    assert page.inner_text("#huidige-stap") == "in de raad"
    page.select_option("#id_status", "getekend")
    page.fill("#id_datum", "30-05-2017")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    # who signed and the local decision's reference are required: the form says so
    assert "wie heeft getekend" in page.inner_text("main")
    _serious(page, "signing page with errors")
    page.select_option("#id_status", "getekend")
    page.fill("#id_datum", "30-05-2017")
    page.fill("#id_getekend_door", "De burgemeester")
    page.fill("#id_besluitreferentie", "RB-2017-042")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#huidige-stap") == "getekend"
    assert "RB-2017-042" in page.inner_text("main")
    # the start page no longer lists it as waiting
    page.goto(f"{live_site}/mijn-werk")
    _serious(page, "start page")
    context.close()
