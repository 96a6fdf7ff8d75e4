"""Issue 13 in the browser (Chromium, JavaScript off): the administration office enters the bad
values of the finance tester on /inning and sees the refusal or the confirmation step: a
distribution period in the future, a payment dated 9999-12-31, "12,50" accepted and shown as
"€ 12,50", the manual payment form sent twice books once, a run shown before it is confirmed.
The pages (with the confirmation step) pass axe.

The date fields carry min/max, so a browser refuses those dates itself; the test takes the
limits off the form (as a browser without date validation, or a hand-made request, would) to
see the server's refusal."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-inning-trust-wachtwoord-2019!"

SETUP = """
import json
from samen.accounts.models import Gebruiker
from samen.inning import queries

k, _ = Gebruiker.objects.get_or_create(
    username="kantoor-trust", defaults={"rol": "administratiekantoor"}
)
k.set_password(PASSWORD)
k.save()
f = next(f for f in queries.overdue() if f.open > 100)
print(json.dumps({"nummer": f.nummer}))
"""


@pytest.fixture(scope="session")
def office_trust(live_site):
    out = live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP)
    return json.loads(out.strip().splitlines()[-1])


def main(page) -> str:
    return page.inner_text("main")


def without_limits(page, selector):
    """Take the browser's own date limits off a field (see the module's docstring)."""
    page.locator(selector).evaluate("e => { e.removeAttribute('max'); e.removeAttribute('min'); }")


def payments_with(live_site, nummer: str) -> int:
    out = live_site.run(
        "shell",
        "-c",
        "from samen.inning.models import Betaling\n"
        f"print(Betaling.objects.filter(handmatig=True, factuur__volgnummer={int(nummer[5:])},"
        f" factuur__nummerjaar={int(nummer[:4])}, bedrag='12.50').count())",
    )
    return int(out.strip().splitlines()[-1])


def assert_accessible(page, what):
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


def test_the_office_enters_the_testers_bad_values(browser, live_site, office_trust):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "kantoor-trust", PASSWORD)

    # a distribution period in the future: refused, nothing runs
    page.goto(live_site + "/inning")
    without_limits(page, "#afd-eind")
    page.fill("#afd-start", "2030-01-01")
    page.fill("#afd-eind", "2030-01-31")
    page.click("form:has(input[value=afdragen]) button[type=submit]")
    page.wait_for_load_state()
    text = main(page)
    assert "De afdracht is niet uitgevoerd" in text and "vóór vandaag" in text, text[:800]
    assert "30-01-2030" not in text and "Bevestigen" not in text

    # a payment dated 9999-12-31: refused
    without_limits(page, "#reg-datum")
    page.fill("#reg-factuur", office_trust["nummer"])
    page.fill("#reg-bedrag", "12,50")
    page.fill("#reg-datum", "9999-12-31")
    page.click("form:has(input[value=registreren]) button[type=submit]")
    page.wait_for_load_state()
    text = main(page)
    assert "De betaling is niet geregistreerd" in text and "31-12-9999" in text, text[:800]
    assert payments_with(live_site, office_trust["nummer"]) == 0

    # "12,50" is accepted and shown as € 12,50; the same form sent again books nothing more
    form = page.locator("form:has(input[value=registreren])")
    page.fill("#reg-factuur", office_trust["nummer"])
    page.fill("#reg-bedrag", "12,50")
    page.fill("#reg-datum", "2019-01-15")
    fields = {
        "csrfmiddlewaretoken": form.locator("input[name=csrfmiddlewaretoken]").get_attribute(
            "value"
        ),
        "actie": "registreren",
        "sleutel": form.locator("input[name=sleutel]").get_attribute("value"),
        "factuur": office_trust["nummer"],
        "bedrag": "12,50",
        "boekdatum": "2019-01-15",
    }
    page.click("form:has(input[value=registreren]) button[type=submit]")
    page.wait_for_load_state()
    text = main(page)
    assert "Betaling van € 12,50 geregistreerd" in text, text[:800]
    # the second submit of the same rendered form (a double click, a resend)
    again = context.request.post(
        live_site + "/inning", form=fields, headers={"Referer": live_site + "/inning"}
    )
    assert again.ok  # redirected back to /inning, which shows the message
    assert "was al geregistreerd" in again.text() and "€ 12,50" in again.text()
    assert payments_with(live_site, office_trust["nummer"]) == 1

    # a real period: first what would be passed on, then the confirmation
    start = page.locator("#afd-start").get_attribute("value")
    assert start, "the page proposes the day after the last period"
    eind = start[:8] + "28"
    page.fill("#afd-eind", eind)
    page.click("form:has(input[value=afdragen]) button[type=submit]")
    page.wait_for_load_state()
    text = main(page)
    assert "bevestigen" in text.lower() and "betalingsregel" in text and "€ " in text, text[:800]
    assert "Per aanbieder" in text
    confirm = page.locator("form:has(input[name=bevestigd])")
    confirm_fields = {
        name: confirm.locator(f"input[name={name}]").get_attribute("value")
        for name in ("csrfmiddlewaretoken", "actie", "start", "eind", "bevestigd")
    }
    confirm.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "uitgevoerd (€ " in main(page), main(page)[:800]
    # the confirmation sent a second time changes nothing
    again = context.request.post(
        live_site + "/inning", form=confirm_fields, headers={"Referer": live_site + "/inning"}
    )
    assert "was al uitgevoerd; er is niets veranderd" in again.text()
    context.close()


def test_the_collection_pages_with_their_steps_are_accessible(browser, live_site, office_trust):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "kantoor-trust", PASSWORD)
    page.goto(live_site + "/inning")
    assert page.locator("h1").count() == 1
    assert_accessible(page, "/inning")
    page.goto(live_site + "/inning?peildatum=9999-12-31")
    assert "peildatum" in main(page).lower()
    assert_accessible(page, "/inning with a refused peildatum")
    # the confirmation step of a period that ran already (nothing is written on this step)
    page.fill("#afd-start", "2018-01-01")
    page.fill("#afd-eind", "2018-01-31")
    page.click("form:has(input[value=afdragen]) button[type=submit]")
    page.wait_for_load_state()
    assert "al afgedragen" in main(page)
    assert_accessible(page, "the confirmation step")
    # the reversal's confirmation step (not confirmed)
    page.goto(live_site + "/inning")
    form = page.locator("form:has(input[value=terugdraaien])").first
    form.locator("input[name=reden]").fill("controle van de stap")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "terugdraaien" in main(page).lower() and "Bevestigen" in main(page)
    assert_accessible(page, "the reversal's confirmation step")
    context.close()
