"""The fund's year in the browser: finance, College and board (JavaScript off)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-fonds-wachtwoord-2018!"
ACTIVITEIT = "Informatiebeveiligingsdienst IBD"


@pytest.fixture(scope="session")
def fund_users(live_site):
    live_site.run(
        "shell",
        "-c",
        "from samen.accounts.models import Gebruiker\n"
        "for name, rol in [('fin', 'financien'), ('col', 'college'), ('bst', 'bestuur')]:\n"
        "    u, _ = Gebruiker.objects.get_or_create(username=name, defaults={'rol': rol})\n"
        f"    u.set_password('{PASSWORD}'); u.save()\n",
    )
    return PASSWORD


def submit(page, form_id):
    page.click(f"#{form_id} button[type=submit]")
    page.wait_for_load_state()


def test_the_year_of_finance_college_and_board(browser, live_site, fund_users):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()

    login(page, live_site, "fin", fund_users)
    page.goto(live_site + "/fonds/beheer")
    page.select_option("#b-act", label=ACTIVITEIT)
    page.fill("#b-jaar", "2026")
    page.fill("#b-bedrag", "2000000")
    submit(page, "form-begroting")
    assert "Opgeslagen." in page.inner_text("main")

    login(page, live_site, "col", fund_users)
    page.goto(live_site + "/fonds/beheer")
    page.select_option("#p-act", label=ACTIVITEIT)
    page.fill("#p-jaar", "2026")
    page.fill("#p-bedrag", "1500000")
    submit(page, "form-voorstel")
    assert "Opgeslagen." in page.inner_text("main")

    login(page, live_site, "bst", fund_users)
    page.goto(live_site + "/fonds/beheer")
    assert ACTIVITEIT in page.inner_text("main")
    page.click("button[value=vastgesteld]")
    page.wait_for_load_state()
    assert "Autorisatie vaststellen?" in page.inner_text("main")  # the confirmation step
    submit(page, "form-bevestigen")
    assert "Opgeslagen." in page.inner_text("main")

    login(page, live_site, "fin", fund_users)
    page.goto(live_site + "/fonds/beheer")
    page.select_option("#v-act", label=ACTIVITEIT)
    page.fill("#v-ref", "V-2026")
    page.fill("#v-oms", "Contract IBD")
    page.fill("#v-datum", "2026-02-01")
    page.fill("#v-jaar", "2026")
    page.fill("#v-bedrag", "1000000")
    submit(page, "form-verplichting")
    assert "Opgeslagen." in page.inner_text("main")
    page.select_option("#r-act", label=ACTIVITEIT)
    page.select_option("#r-verpl", label=f"V-2026 ({ACTIVITEIT})")
    page.fill("#r-datum", "2026-03-01")
    page.fill("#r-bedrag", "1000000.01")  # more than the commitment: refused
    page.fill("#r-ref", "F1")
    submit(page, "form-realisatie")
    assert "meer dan de verplichting" in page.inner_text("main")
    page.select_option("#r-act", label=ACTIVITEIT)
    page.select_option("#r-verpl", label=f"V-2026 ({ACTIVITEIT})")
    page.fill("#r-datum", "2026-03-01")
    page.fill("#r-bedrag", "400000")
    page.fill("#r-ref", "F1")
    submit(page, "form-realisatie")
    assert "Opgeslagen." in page.inner_text("main")

    page.goto(live_site + "/fonds/controle?peildatum=2026-06-30")
    row = page.locator("tr", has_text=ACTIVITEIT).inner_text()
    assert "€ 2.000.000,00" in row and "€ 1.500.000,00" in row and "€ 400.000,00" in row
    page.goto(live_site + "/fonds/verantwoording?jaar=2026")
    assert "€ 400.000,00" in page.locator("tr", has_text=ACTIVITEIT).inner_text()
    context.close()


def test_fund_management_is_for_the_fund_roles_only(page, live_site, fund_users):
    """An anonymous visitor is sent to the sign-in page, and back to fund management after
    signing in (issue 15: one page guard; it answered 403 before)."""
    page.goto(live_site + "/fonds/beheer")
    assert "/inloggen" in page.url and "next=/fonds/beheer" in page.url.replace("%2F", "/")
    assert "Gebruikersnaam" in page.inner_text("main")
