"""Issue 13 for the fund in the browser (JavaScript off): amounts typed the Dutch way and shown
as euros, an ambiguous amount refused with what to write instead, a EUR 0 authorisation
refused, the board's decision confirmed in a second step (a second submit changes nothing), and
a backdated second commitment beyond the authorisation refused naming the amounts. axe checks
the same pages in a context with JavaScript on (axe itself runs in the page)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-fondsvertrouwen-wachtwoord-2025!"
ACTIVITEIT = "Digitaal Klantdossier"  # the demo has a budget for it in 2017 only
JAAR = "2025"


@pytest.fixture(scope="session")
def trust_users(live_site):
    live_site.run(
        "shell",
        "-c",
        "from samen.accounts.models import Gebruiker\n"
        "for name, rol in [('fin-t', 'financien'), ('col-t', 'college'), ('bst-t', 'bestuur')]:\n"
        "    u, _ = Gebruiker.objects.get_or_create(username=name, defaults={'rol': rol})\n"
        f"    u.set_password('{PASSWORD}'); u.save()\n",
    )
    return PASSWORD


def submit(page, form_id):
    page.click(f"#{form_id} button[type=submit]")
    page.wait_for_load_state()


def main(page) -> str:
    return page.inner_text("main")


def budget(page, bedrag):
    page.select_option("#b-act", label=ACTIVITEIT)
    page.fill("#b-jaar", JAAR)
    page.fill("#b-bedrag", bedrag)
    submit(page, "form-begroting")


def propose(page, bedrag):
    page.select_option("#p-act", label=ACTIVITEIT)
    page.fill("#p-jaar", JAAR)
    page.fill("#p-bedrag", bedrag)
    submit(page, "form-voorstel")


def commit(page, ref, datum, bedrag):
    page.select_option("#v-act", label=ACTIVITEIT)
    page.fill("#v-ref", ref)
    page.fill("#v-oms", "Contract klantdossier")
    page.fill("#v-datum", datum)
    page.fill("#v-jaar", JAAR)
    page.fill("#v-bedrag", bedrag)
    submit(page, "form-verplichting")


def decide(page, bedrag_text, knop):
    form = page.locator("form", has_text=f"{ACTIVITEIT} {JAAR}: {bedrag_text}")
    form.locator(f"button[value={knop}]").click()
    page.wait_for_load_state()


def assert_accessible(page, what):
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


def test_dutch_amounts_authorisation_and_commitments(browser, live_site, trust_users):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()

    login(page, live_site, "fin-t", trust_users)
    page.goto(live_site + "/fonds/beheer")
    budget(page, "1.250.000,00")
    assert f"Opgeslagen. Begroting {ACTIVITEIT} {JAAR} € 1.250.000,00" in main(page)
    budget(page, "1.250")
    text = main(page)
    assert "niet eenduidig" in text and "1.250,00" in text and "1250" in text
    page.goto(f"{live_site}/fonds?jaar={JAAR}")
    assert "€ 1.250.000,00" in page.locator("tr", has_text=ACTIVITEIT).inner_text()

    login(page, live_site, "col-t", trust_users)
    page.goto(live_site + "/fonds/beheer")
    propose(page, "0")
    assert "groter zijn dan € 0,00" in main(page)
    propose(page, "0,00")
    assert "groter zijn dan € 0,00" in main(page)
    propose(page, "1.000.000,00")
    assert f"Opgeslagen. Voorstel autorisatie {ACTIVITEIT} {JAAR} € 1.000.000,00" in main(page)

    login(page, live_site, "bst-t", trust_users)
    other = context.new_page()  # a second tab with the same confirmation (a double submit)
    for tab in (page, other):
        tab.goto(live_site + "/fonds/beheer")
        decide(tab, "€ 1.000.000,00", "vastgesteld")
        text = main(tab)
        assert "Autorisatie vaststellen?" in text
        assert f"€ 1.000.000,00 voor {ACTIVITEIT} in {JAAR}" in text and "€ 1.250.000,00" in text
    submit(page, "form-bevestigen")
    assert f"Autorisatie {ACTIVITEIT} {JAAR}: € 1.000.000,00" in main(page)
    submit(other, "form-bevestigen")
    assert "al besloten" in main(other)
    other.close()

    login(page, live_site, "fin-t", trust_users)
    page.goto(live_site + "/fonds/beheer")
    commit(page, "V-DKD-1", f"{JAAR}-02-01", "600.000,00")
    assert "Opgeslagen. Verplichting V-DKD-1" in main(page) and "€ 600.000,00" in main(page)
    # dated in the previous year, its term in the authorised year: held to the authorisation
    commit(page, "V-DKD-2", "2024-12-01", "600.000,00")
    text = main(page)
    assert "€ 600.000,00 is meer dan geautoriseerd" in text, text
    assert f"geautoriseerd in {JAAR} € 1.000.000,00, al verplicht € 600.000,00" in text
    assert "vrij € 400.000,00" in text
    page.goto(f"{live_site}/fonds/controle?peildatum={JAAR}-12-31")
    row = page.locator("tr", has_text=ACTIVITEIT).first.inner_text()
    assert "€ 1.000.000,00" in row and "€ 600.000,00" in row
    context.close()


def test_the_fund_pages_of_issue_13_are_accessible(browser, live_site, trust_users):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "fin-t", trust_users)
    for path in ("/fonds/beheer", f"/fonds/controle?peildatum={JAAR}-12-31", "/fonds?jaar=²"):
        page.goto(live_site + path)
        assert page.locator("h1").count() == 1
        assert_accessible(page, path)
    page.goto(live_site + "/fonds/beheer")
    budget(page, "1.250")  # the page with the error message
    assert_accessible(page, "beheer with an error")

    login(page, live_site, "col-t", trust_users)
    page.goto(live_site + "/fonds/beheer")
    propose(page, "12.345,67")
    login(page, live_site, "bst-t", trust_users)
    page.goto(live_site + "/fonds/beheer")
    decide(page, "€ 12.345,67", "afgewezen")
    assert "Voorstel afwijzen?" in main(page)
    assert_accessible(page, "the confirmation of a decision")
    submit(page, "form-bevestigen")  # leave no open proposal behind on the shared site
    assert "afgewezen" in main(page)
    context.close()
