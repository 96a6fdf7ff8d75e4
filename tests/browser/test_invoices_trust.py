"""Trust in invoices in the browser, with JavaScript off (the pages need none; axe runs in a
context with JavaScript on, on the same pages): the office's billing run with an impossible
invoice date is refused and a plausible one is shown for confirmation first; a municipality's
invoice details with a made-up postcode, country or a control character are refused one by one;
an issued invoice's e-invoice and PDF are the same bytes before and after its details change."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.browser.conftest import axe_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-vertrouwens-wachtwoord-2018!"
NAAM = "Vertrouwensarrangement (browsertest)"
GEMEENTE = "GM0034"  # Almere

SETUP = """
import datetime as dt
from decimal import Decimal
from samen.accounts.models import Gebruiker, Organisatie
from samen.gemeenten.models import Gemeente
from samen.abonnementen import services
from samen.abonnementen.models import Arrangement, Dienst

k, _ = Gebruiker.objects.get_or_create(
    username="kantoor-trust", defaults={"rol": "administratiekantoor"}
)
k.set_password(PASSWORD)
k.save()
g, _ = Gebruiker.objects.get_or_create(
    username="almere-trust",
    defaults={"rol": "gemeente", "gemeente": Gemeente.objects.get(code=GEMEENTE)},
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
def trust_users(live_site):
    live_site.run(
        "shell",
        "-c",
        f"PASSWORD = {PASSWORD!r}\nNAAM = {NAAM!r}\nGEMEENTE = {GEMEENTE!r}\n" + SETUP,
    )
    return PASSWORD


def _context(browser, javascript: bool):
    return browser.new_context(locale="nl-NL", java_script_enabled=javascript)


def _preview(page, jaar: str, datum: str) -> None:
    page.select_option("#run-arrangement", label=f"{NAAM} (2018–2019)")
    page.fill("#run-jaar", jaar)
    page.fill("#run-datum", datum)
    page.click("section[aria-labelledby=factureren] form.filters button[type=submit]")
    page.wait_for_load_state()


def test_a_billing_run_refuses_an_impossible_date_and_asks_to_confirm(
    browser, live_site, trust_users
):
    context = _context(browser, javascript=False)
    page = context.new_page()
    login(page, live_site, "kantoor-trust", trust_users)
    page.goto(live_site + "/facturen")
    _preview(page, "2018", "9999-12-31")
    main = page.inner_text("main")
    assert "Er is niets gestart" in main and "31-12-9999" in main
    assert "Controleer de factuurrun" not in main
    # a plausible date: what the run will do, and nothing happens before it is confirmed
    _preview(page, "2018", "2017-12-01")
    confirm = page.inner_text("#bevestigen")
    assert NAAM in confirm and "2018" in confirm and "01-12-2017" in confirm
    te_maken = re.search(r"Facturen die worden gemaakt\s+([0-9.]+)", confirm).group(1)
    assert int(te_maken.replace(".", "")) > 300
    assert re.search(r"Totaalbedrag\s+€ [0-9.]+,[0-9]{2}", confirm), confirm
    assert page.locator("#bevestigen button[type=submit]").inner_text().startswith("Ja, ")
    assert "is gestart" not in page.inner_text("main")
    context.close()
    # the confirmation step passes axe (in a context with JavaScript for axe itself)
    context = _context(browser, javascript=True)
    page = context.new_page()
    login(page, live_site, "kantoor-trust", trust_users)
    page.goto(live_site + "/facturen")
    _preview(page, "2018", "2017-12-01")
    assert page.locator("#bevestigen").count() == 1
    assert not axe_violations(page), describe_violations(axe_violations(page))
    context.close()


def _details_form(page, **values) -> None:
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def _error_of(page, name: str) -> str:
    return page.locator(f"#id_{name} ~ p.error").all_inner_texts()


def test_a_municipality_sees_each_refusal_and_issued_invoices_stay_the_same(
    browser, live_site, trust_users
):
    context = _context(browser, javascript=False)
    page = context.new_page()
    login(page, live_site, "almere-trust", trust_users)

    # an issued invoice of Almere: its e-invoice and PDF before any change
    page.goto(live_site + "/facturen?jaar=2018")
    link = page.locator("[aria-labelledby=tabel-facturen] tbody tr th a").first
    uuid = link.get_attribute("href").rsplit("/", 1)[1]
    before = {
        ext: hashlib.sha256(
            page.request.get(f"{live_site}/facturen/{uuid}.{ext}").body()
        ).hexdigest()
        for ext in ("xml", "pdf")
    }
    xml = page.request.get(f"{live_site}/facturen/{uuid}.xml").text()
    postcode = re.search(r"<cbc:PostalZone>([^<]+)</cbc:PostalZone>", xml.split("Customer")[1])
    assert postcode is not None

    page.goto(f"{live_site}/facturen/gegevens/{GEMEENTE}")
    _details_form(page, postcode="ABCDEF", land="XX", juridische_naam="Gemeente \x01Almere")
    main = page.inner_text("main")
    assert "ISO 3166" in " ".join(_error_of(page, "land")), main
    assert "stuurteken" in " ".join(_error_of(page, "juridische_naam")), main
    # with a real country the postcode itself is refused
    _details_form(page, postcode="ABCDEF", land="NL", juridische_naam="Gemeente Almere")
    assert "1234 AB" in " ".join(_error_of(page, "postcode"))
    _details_form(page, postcode="1315 HR", land="NL", inkoopreferentie="REF\x1b[31m")
    assert "stuurteken" in " ".join(_error_of(page, "inkoopreferentie"))
    # valid new details are saved ...
    _details_form(page, postcode="1315 HR", land="NL", inkoopreferentie="ALM-2018")
    assert "De factuurgegevens zijn opgeslagen" in page.inner_text("main")
    # ... and the issued invoice is the same bytes
    after = {
        ext: hashlib.sha256(
            page.request.get(f"{live_site}/facturen/{uuid}.{ext}").body()
        ).hexdigest()
        for ext in ("xml", "pdf")
    }
    assert after == before
    assert "1315 HR" not in page.request.get(f"{live_site}/facturen/{uuid}.xml").text()
    context.close()

    # the refusals pass axe too
    context = _context(browser, javascript=True)
    page = context.new_page()
    login(page, live_site, "almere-trust", trust_users)
    page.goto(f"{live_site}/facturen/gegevens/{GEMEENTE}")
    _details_form(page, postcode="ABCDEF", land="XX", juridische_naam="Gemeente \x01Almere")
    assert page.locator("p.error").count() >= 2
    assert not axe_violations(page), describe_violations(axe_violations(page))
    context.close()
