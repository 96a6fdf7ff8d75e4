"""The path request → assessment → advice → decision → joining → status → coverage and map,
in the browser, one step per role (JavaScript off), with axe on the new public pages."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Een-lang-wachtwoord-2017!"


@pytest.fixture(scope="session")
def role_users(live_site):
    script = (
        "from samen.accounts.models import Gebruiker\n"
        "from samen.gemeenten.models import Gemeente\n"
        "users = [('po', 'programmabureau', None), ('tf', 'taskforce', None),\n"
        "         ('cvd', 'college', None), ('best', 'bestuur', None),\n"
        "         ('utrecht', 'gemeente', 'GM0344'), ('ams', 'gemeente', 'GM0363')]\n"
        "for name, rol, code in users:\n"
        "    u, _ = Gebruiker.objects.get_or_create(username=name, defaults={'rol': rol})\n"
        "    u.gemeente = Gemeente.objects.get(code=code) if code else None\n"
        f"    u.set_password('{PASSWORD}'); u.save()\n"
    )
    live_site.run("shell", "-c", script)
    return PASSWORD


def _uuid(live_site, zoek: str) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/voorzieningen?zoek={zoek}") as r:  # noqa: S310
        return json.load(r)["results"][0]["uuid"]


def _submit(page):
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def test_new_public_pages_are_accessible(page, live_site):
    gibit = _uuid(live_site, "GIBIT")
    for path in (
        "/besluiten",
        f"/voorzieningen/{gibit}/deelnemers",
        f"/voorzieningen/{gibit}/kaart",
        f"/voorzieningen/{gibit}/kaart?peildatum=2016-01-01",
        "/gemeenten/GM0344",
        "/voortgang",
        "/fonds",
        "/fonds/bijdragen?jaar=2018",
        "/fonds/controle?peildatum=2018-06-30",
        "/fonds/verantwoording?jaar=2017",
        "/fonds/meerjarenbegroting?vanaf=2017",
        "/fonds/wat-als?totaal=52300000&jaar=2024",
        f"/voorzieningen/{_uuid(live_site, 'Govroam')}/deelnemers",
    ):
        page.goto(live_site + path)
        violations = axe_violations(page)
        assert not violations, (path, json.dumps(violations, indent=1)[:3000])


def test_full_decision_path_one_role_at_a_time(browser, live_site, role_users):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    omgevingswet = _uuid(live_site, "Omgevingswet")

    login(page, live_site, "po", role_users)  # programme office: the request
    page.goto(f"{live_site}/voorzieningen/{omgevingswet}/verzoek")
    page.fill("#id_titel", "Opschaling informatievoorziening Omgevingswet")
    page.fill("#id_motivering", "De kopgroep is klaar voor opschaling.")
    page.fill("#id_steunende_gemeenten", "GM0344, GM0363")
    _submit(page)
    _submit(page)  # the confirmation step: "Bevestigen"
    verzoek_url = page.url
    assert "Het verzoek is ingediend" in page.inner_text("main")

    login(page, live_site, "tf", role_users)  # Task Force: assessment
    page.goto(verzoek_url)
    for field in (
        "impact_gemeenten",
        "impact_inwoners",
        "maatschappelijke_baten",
        "opschaalbaarheid",
    ):
        page.fill(f"#id_{field}", "Beoordeeld.")
    _submit(page)
    _submit(page)  # confirm
    assert "beoordeeld door de Task Force" in page.inner_text("main")

    login(page, live_site, "cvd", role_users)  # College: advice, first without exit terms
    page.goto(verzoek_url)
    for field in ("uitrol", "tijdpad", "samenwerkingsvorm", "voorwaarden"):
        page.fill(f"#id_{field}", "Advies.")
    page.select_option("#id_binding", "vrijwillig")
    page.select_option("#id_uitvoering", "landelijk")
    _submit(page)
    assert "uittredingsvoorwaarden" in page.inner_text("main")  # refused, nothing saved
    page.fill("#id_uittredingsvoorwaarden", "Uittreden na twee jaar.")
    page.fill("#id_uittreden_vanaf", "2030-01-01")
    _submit(page)
    _submit(page)  # confirm
    assert "geadviseerd door het College" in page.inner_text("main")

    login(page, live_site, "best", role_users)  # board: decision
    page.goto(verzoek_url)
    page.select_option("#id_uitkomst", "vastgesteld")
    _submit(page)
    _submit(page)  # confirm: the summary of what the decision binds
    main = page.inner_text("main")
    assert "besloten door het bestuur" in main and "vastgesteld" in main

    login(page, live_site, "utrecht", role_users)  # municipality contact: join and update
    page.goto(f"{live_site}/voorzieningen/{omgevingswet}/deelnemen")
    _submit(page)  # without accepting the conditions: refused
    assert page.url.endswith("/deelnemen")
    page.check("#id_accepteer")
    page.select_option("#id_status", "in_implementatie")
    _submit(page)
    assert "Utrecht neemt deel" in page.inner_text("main")
    page.select_option("#id_status", "in_gebruik")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state()
    assert "De status is bijgewerkt" in page.inner_text("main")
    page.click("button[name=uittreden]")
    page.wait_for_load_state()
    assert "Uittreden na twee jaar" in page.inner_text("main")  # voluntary but binding

    login(page, live_site, "ams", role_users)  # another municipality cannot change Utrecht's
    page.goto(f"{live_site}/voorzieningen/{omgevingswet}/deelnemers")
    main = page.inner_text("main")
    assert "Utrecht" in main and "in gebruik" in main
    page.click("text=Utrecht")
    page.wait_for_load_state()
    assert page.locator("form.form").count() == 0  # no status or leave form for Amsterdam

    page.goto(f"{live_site}/voorzieningen/{omgevingswet}/kaart")
    assert "Utrecht" in page.inner_text("table")
    assert page.locator("svg path[aria-label='Utrecht: in gebruik']").count() == 1
    context.close()
