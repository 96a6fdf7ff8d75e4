"""Subscriptions in the browser: the public arrangement pages (axe, reflow), the administration
office's billing year (start a run, watch it finish, correct an invoice, a second run creates
nothing) and a municipality reading and downloading its own invoice (the pages need no
JavaScript; axe itself runs in the page, so these contexts have it on)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import axe_all_violations, axe_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-abonnementen-wachtwoord-2018!"
NAAM = "Browserarrangement (test)"


def _arrangement_uuid(live_site) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/arrangementen") as r:  # noqa: S310
        rows = json.load(r)["results"]
    return next(a["uuid"] for a in rows if a["naam"].startswith("Vertrouwenswerk"))


SETUP = """
import datetime as dt
from decimal import Decimal
from samen.accounts.models import Gebruiker, Organisatie
from samen.gemeenten.models import Gemeente
from samen.abonnementen import services
from samen.abonnementen.models import Arrangement, Dienst

k, _ = Gebruiker.objects.get_or_create(
    username="kantoor", defaults={"rol": "administratiekantoor"}
)
k.set_password(PASSWORD)
k.save()
g, _ = Gebruiker.objects.get_or_create(
    username="groningen",
    defaults={"rol": "gemeente", "gemeente": Gemeente.objects.get(code="GM0014")},
)
g.set_password(PASSWORD)
g.save()
if not Arrangement.objects.filter(naam=NAAM).exists():
    kantoor = Organisatie.objects.get(afkorting="Administratiekantoor")
    a = Arrangement.objects.create(
        naam=NAAM, eerste_jaar=2018, laatste_jaar=2019, tarief=Decimal("0.50"),
        prijspeil=2017, afleiding_budget=Decimal("8540000"), afleiding_inwoners=17081507,
        afleiding_peildatum=dt.date(2017, 1, 1), administratiekantoor=kantoor,
    )
    Dienst.objects.create(
        arrangement=a, code="een", naam="Dienst een", aanbieder=kantoor,
        budget=Decimal("8540000"),
    )
    services.set_index(a, 2018, "0")
    services.subscribe_all(a)
"""


@pytest.fixture(scope="session")
def billing_users(live_site):
    live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\nNAAM = {NAAM!r}\n" + SETUP)
    return PASSWORD


@pytest.mark.parametrize("suffix", ["", "/wat-als?jaar=2018&niet_betalend=GM0014", "?jaar=2019"])
def test_public_subscription_pages_are_accessible(page, live_site, suffix):
    path = f"/abonnementen/{_arrangement_uuid(live_site)}{suffix}"
    response = page.goto(live_site + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert page.locator("[style], style, script:not([src])").count() == 0
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{path}: axe found\n{describe_violations(violations)}"


def test_subscription_pages_reflow_on_a_narrow_screen(browser, live_site):
    uuid = _arrangement_uuid(live_site)
    context = browser.new_context(locale="nl-NL", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        for path in (f"/abonnementen/{uuid}", f"/abonnementen/{uuid}/wat-als?jaar=2018"):
            page.goto(live_site + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{path} is {width}px wide"
    finally:
        context.close()


def test_the_administration_offices_billing_year(browser, live_site, billing_users):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "kantoor", billing_users)
    page.goto(live_site + "/facturen")
    assert not axe_violations(page), describe_violations(axe_violations(page))
    page.select_option("#run-arrangement", label=f"{NAAM} (2018–2019)")
    page.fill("#run-jaar", "2018")
    page.fill("#run-datum", "2017-12-01")
    page.click("section[aria-labelledby=factureren] button[type=submit]")
    page.wait_for_load_state()
    page.click("#bevestigen button[type=submit]")  # the confirmation step
    page.wait_for_load_state()
    assert "is gestart" in page.inner_text("main")
    assert "wacht op de achtergrondverwerking" in page.inner_text("main")
    live_site.run("db_worker", "--batch")  # the background worker picks the job up
    page.goto(live_site + "/facturen")
    runs = page.inner_text("[aria-labelledby=tabel-runs]")
    assert "380 facturen uitgegeven" in runs
    page.click(f"[aria-labelledby=tabel-runs] tbody tr:has-text('{NAAM}') a")
    page.wait_for_load_state()
    assert page.inner_text("#run-status") == "gereed"
    assert not axe_violations(page), describe_violations(axe_violations(page))

    # an invoice of Groningen for 2018, corrected with a credit note
    page.goto(live_site + "/facturen?jaar=2018&gemeente=GM0014")
    page.click(
        "[aria-labelledby=tabel-facturen] tbody tr:has-text('Groningen') >> nth=0 >> a >> nth=0"
    )
    page.wait_for_load_state()
    assert "Corrigeren" in page.inner_text("main")
    assert not axe_violations(page), describe_violations(axe_violations(page))
    page.fill("#inwoners", "1000")
    page.fill("#reden", "CBS-correctie (test)")
    page.click("section[aria-labelledby=corrigeren] button[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Creditnota" in main and "CBS-correctie (test)" in main

    # a second run for the same year creates nothing and says so
    page.goto(live_site + "/facturen")
    page.select_option("#run-arrangement", label=f"{NAAM} (2018–2019)")
    page.fill("#run-jaar", "2018")
    page.click("section[aria-labelledby=factureren] button[type=submit]")
    page.wait_for_load_state()
    assert "niets nieuw te factureren" in page.inner_text("#bevestigen")
    assert page.locator("#bevestigen button[type=submit]").count() == 0
    context.close()


def test_a_municipality_reads_and_downloads_its_invoice(browser, live_site, billing_users):
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    login(page, live_site, "groningen", billing_users)
    page.goto(live_site + "/facturen?jaar=2019")
    main = page.inner_text("main")
    assert "Facturen van Groningen" in main
    rows = page.locator("[aria-labelledby=tabel-facturen] tbody tr")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "Groningen" in text  # only its own municipality
    assert "Factuurrun controleren" not in main
    assert not axe_violations(page), describe_violations(axe_violations(page))
    page.locator(
        "[aria-labelledby=tabel-facturen] tbody tr:has(td:text-is('factuur'))"
    ).first.locator("a").first.click()
    page.wait_for_load_state()
    assert "Betalingskenmerk" in page.inner_text("main")
    assert not axe_violations(page), describe_violations(axe_violations(page))
    with page.expect_download() as info:
        page.click("text=Download als PDF")
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")
    context.close()
