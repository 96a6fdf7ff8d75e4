"""Every public page in a real browser: axe finds no serious or critical violations, and the
main flows work (also without JavaScript)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser


def _uuid(live_site, zoek: str) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/voorzieningen?zoek={zoek}") as r:  # noqa: S310
        return json.load(r)["results"][0]["uuid"]


def _versions(live_site) -> list[str]:
    with urllib.request.urlopen(f"{live_site}/api/v1/routekaarten") as r:  # noqa: S310
        return [v["uuid"] for v in sorted(json.load(r)["results"], key=lambda v: v["nummer"])]


PUBLIC_PAGES = [
    "/",
    "/gemeenten",
    "/gemeenten?q=amster",
    "/gemeenten?provincie=PV27",
    "/gemeenten?peildatum=2017-01-01",
    "/gemeenten/GM0363",
    "/gemeenten/GM0788",
    "/gemeenten/GM1940",
    "/voorzieningen",
    "/voorzieningen?fase=opschaling",
    "/prioritering",
    "/routekaart",
    "/routekaart/vergelijken",
    "/toegankelijkheid",
    "/inloggen",
    "/bestaat-niet",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(page, live_site, path):
    page.goto(live_site + path)
    assert page.locator("html").get_attribute("lang") == "nl"
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1)[:4000]


@pytest.mark.sqlite
def test_home_and_detail_accessible_on_the_make_run_database(page, live_site):
    for path in ("/", "/gemeenten/GM0363"):
        page.goto(live_site + path)
        assert not axe_violations(page)


def test_voorziening_pages_are_accessible(page, live_site):
    uuid = _uuid(live_site, "overlijden")
    first, second = _versions(live_site)[:2]
    for path in (
        f"/voorzieningen/{uuid}",
        f"/voorzieningen/{uuid}/gemeente?gemeente=GM0363",
        f"/routekaart/vergelijken?a={first}&b={second}",
    ):
        page.goto(live_site + path)
        violations = axe_violations(page)
        assert not violations, (path, json.dumps(violations, indent=1)[:3000])


def test_skip_link_is_first_and_moves_focus(page, live_site):
    page.goto(live_site + "/gemeenten")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


def test_search_municipalities(page, live_site):
    page.goto(live_site + "/gemeenten")
    page.fill("#q", "Amster")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Amsterdam" in rows.first.inner_text()
    assert "1 gemeente gevonden" in page.content()


def test_municipalities_on_a_date(page, live_site):
    page.goto(live_site + "/gemeenten?peildatum=2017-01-01")
    assert "388 gemeenten gevonden" in page.inner_text("main")


def test_detail_page_chart_and_table(page, live_site):
    page.goto(live_site + "/gemeenten/GM0363")
    assert page.locator("svg[role=img] title").count() >= 1
    row = page.locator("table tr", has_text="2024")
    assert "931.298" in row.first.inner_text()
    assert "Bron: CBS, CC BY 4.0" in page.inner_text("footer")


def test_dissolved_municipality_shows_its_successors(page, live_site):
    page.goto(live_site + "/gemeenten/GM0788")
    text = page.inner_text("main")
    assert "bestaat niet meer" in text
    for name in ("Boxtel", "Oisterwijk", "Tilburg", "Vught"):
        assert name in text


def test_search_works_without_javascript(page_without_js, live_site):
    page = page_without_js
    page.goto(live_site + "/gemeenten")
    page.fill("#q", "Haaren")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Geen gemeenten gevonden" in page.inner_text("table tbody")  # dissolved in 2021
    page.goto(live_site + "/gemeenten?peildatum=2020-01-01")
    page.fill("#q", "Haaren")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Haaren" in page.inner_text("table tbody")


def test_browse_catalogue_and_read_a_factsheet(page, live_site):
    page.goto(live_site + "/voorzieningen")
    page.fill("#id_zoek", "overlijden")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    page.click("text=Digitale overlijdensaangifte")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "1. Wie heeft het ontwikkeld?" in main
    assert "1,5 tot 5 uur per aangifte" in main
    assert "€ 15.000.000,00" in main  # the stated figure beside the computed range
    assert "Fasehistorie" in main


def test_what_it_means_for_my_municipality(page_without_js, live_site):
    page = page_without_js
    page.goto(live_site + f"/voorzieningen/{_uuid(live_site, 'overlijden')}")
    page.select_option("#id_gemeente", "GM0363")
    page.click("section#mijn-gemeente button, section[aria-labelledby=mijn-gemeente] button")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Amsterdam" in main
    assert "931.298" in main  # inhabitants on 1 January 2024 (CBS)
    assert "Wat vraagt implementatie?" in main and "Randvoorwaarden" in main


def test_taskforce_changes_weighting_and_sees_ranking_and_plot_change(
    page, live_site, taskforce_login
):
    page.goto(live_site + "/prioritering")
    before = page.locator("#ranglijst-tabel tbody tr").all_inner_texts()
    plot_before = page.locator("svg circle").evaluate_all(
        "els => els.map(e => e.getAttribute('r'))"
    )
    labels_before = page.locator("svg .dot__label").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    login(page, live_site, *taskforce_login)
    page.goto(live_site + "/prioritering/weging/nieuw")
    page.fill("#id_naam", "Alleen urgentie")
    for code, value in (
        ("dienstverlening", "0"),
        ("bedrijfsvoering", "0"),
        ("opschaling", "0"),
        ("urgentie", "1"),
    ):
        page.fill(f"#id_gewicht_{code}", value)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "Concept-weging" in page.inner_text("main")
    after = page.locator("#ranglijst-tabel tbody tr").all_inner_texts()
    labels_after = page.locator("svg .dot__label").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert after != before
    assert labels_after != labels_before
    assert len(plot_before) == page.locator("svg circle").count()
    # Bad input: negative weights are refused and nothing is saved
    page.goto(live_site + "/prioritering/weging/nieuw")
    page.fill("#id_naam", "Fout")
    page.fill("#id_gewicht_urgentie", "-1")
    page.click("form.form button[type=submit]")
    assert "niet negatief" in page.inner_text("main")


def test_compare_two_roadmap_versions(page_without_js, live_site):
    page = page_without_js
    first, second = _versions(live_site)[:2]
    page.goto(live_site + "/routekaart/vergelijken")
    page.select_option("#a", first)
    page.select_option("#b", second)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert re.search(r"\d+ verschillen", main)
    assert "verschoven" in main and "vervallen" in main


def test_public_pages_send_security_headers(live_site):
    with urllib.request.urlopen(live_site + "/gemeenten") as response:  # noqa: S310
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
