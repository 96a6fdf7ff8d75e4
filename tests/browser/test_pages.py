"""Every public page in a real browser: axe finds no serious or critical violations, and the
main flows work (also without JavaScript)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import (
    SERIOUS,
    axe_all_violations,
    axe_violations,
    describe_violations,
    login,
)

pytestmark = pytest.mark.browser


def _uuid(live_site, zoek: str) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/voorzieningen?zoek={zoek}") as r:  # noqa: S310
        return json.load(r)["results"][0]["uuid"]


def _versions(live_site) -> list[str]:
    with urllib.request.urlopen(f"{live_site}/api/v1/routekaarten") as r:  # noqa: S310
        return [v["uuid"] for v in sorted(json.load(r)["results"], key=lambda v: v["nummer"])]


SQLITE = pytest.mark.sqlite  # also run on SQLite: proves the database of `make run` in a browser

# Every public page of the portal (the municipality register) and of the portfolio.
PORTAL_PAGES = [
    pytest.param("/", marks=SQLITE),
    "/gemeenten",
    "/gemeenten?q=amster",
    "/gemeenten?provincie=PV27",
    "/gemeenten?peildatum=2017-01-01",
    pytest.param("/gemeenten/GM0363", marks=SQLITE),  # Amsterdam
    "/gemeenten/GM0788",  # Haaren, split over four municipalities on 1 January 2021
    "/gemeenten/GM1940",
    "/toegankelijkheid",
    "/bestaat-niet",  # the 404 page
]
PUBLIC_PAGES = [
    *PORTAL_PAGES,
    "/voorzieningen",
    "/voorzieningen?fase=opschaling",
    "/prioritering",
    "/routekaart",
    "/routekaart/vergelijken",
    "/inloggen",
    # governance, agreements, financing forms, interpreter service (issues 18-22)
    "/gremia",
    "/vergaderingen",
    "/ledenvergaderingen",
    "/ledenvergaderingen/stemgewichten",
    "/overeenkomsten",
    "/financiering",
    "/financiering/compensaties",
    "/financiering/regionale-compensatie",
    "/tolkvoorziening/tarieven",
]
PORTAL_PATHS = [p.values[0] if hasattr(p, "values") else p for p in PORTAL_PAGES]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(page, live_site, path):
    csp_errors = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(live_site + path)
    assert response.status == (404 if path == "/bestaat-niet" else 200)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").count() == 1
    assert "Bron: CBS, CC BY 4.0" in page.inner_text("footer")
    # The Content-Security-Policy allows no inline styles or scripts: none are used.
    assert page.locator("[style], style, script:not([src])").count() == 0
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in SERIOUS]
    assert not serious, f"{path}: axe found\n{describe_violations(violations)}"
    assert not csp_errors, csp_errors


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
        assert not violations, f"{path}: axe found\n{describe_violations(violations)}"


def test_skip_link_is_the_first_focusable_element_and_moves_focus_to_main(page, live_site):
    for path in ("/", "/gemeenten/GM0363"):
        page.goto(live_site + path)
        skip = page.locator("a.skip-link")
        box = skip.bounding_box()
        assert not skip.is_visible() or box["x"] < 0 or box["y"] < 0  # off screen until focused
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.textContent.trim(), document.activeElement.className]"
        )
        assert focused[0] == "Direct naar de inhoud" and "skip-link" in focused[1].split()
        box = skip.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0  # visible when it has focus
        page.keyboard.press("Enter")
        assert page.evaluate("[document.activeElement.tagName, document.activeElement.id]") == [
            "MAIN",
            "inhoud",
        ]
        page.keyboard.press("Tab")  # the next Tab continues inside the main content
        assert page.evaluate("!!document.activeElement.closest('main')")


def _count_text(page) -> str:
    return page.locator("main p", has_text="gevonden").inner_text()


def test_search_municipalities(page, live_site):
    page.goto(live_site + "/gemeenten")
    before = _count_text(page)
    assert re.fullmatch(r"\d{3} gemeenten gevonden\.", before)
    page.get_by_label("Naam of CBS-code").fill("Amster")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert "q=Amster" in page.url
    assert page.get_by_label("Naam of CBS-code").input_value() == "Amster"  # kept
    rows = page.locator("table:has(#tabel-gemeenten) tbody tr")
    assert rows.count() == 1
    assert "Amsterdam" in rows.first.inner_text()
    assert "GM0363" in rows.first.inner_text()
    assert _count_text(page) == "1 gemeente gevonden."
    rows.first.get_by_role("link", name="Amsterdam").click()
    page.wait_for_load_state()
    assert page.url.endswith("/gemeenten/GM0363")
    assert page.locator("h1").inner_text() == "Amsterdam"


def test_municipalities_on_a_date(page, live_site):
    page.goto(live_site + "/gemeenten?peildatum=2017-01-01")
    assert _count_text(page) == "388 gemeenten gevonden."
    assert "1 januari 2017" in page.locator("table caption").inner_text()
    # The same through the form, with the province filter on top
    page.goto(live_site + "/gemeenten")
    page.get_by_label("Peildatum").fill("2017-01-01")
    page.get_by_label("Provincie").select_option(label="Groningen")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert "peildatum=2017-01-01" in page.url
    assert re.fullmatch(r"\d+ gemeenten gevonden\.", _count_text(page))
    assert "Groningen" in page.locator("table tbody").inner_text()
    assert "Drenthe" not in page.locator("table tbody").inner_text()


def test_a_bad_date_is_explained(page, live_site):
    # a Dutch date (1-1-2017) is read now; a date that does not exist is explained
    page.goto(live_site + "/gemeenten?peildatum=31-02-2017")
    assert "Ongeldige peildatum" in page.get_by_role("alert").inner_text()


def test_detail_page_chart_and_table(page, live_site):
    page.goto(live_site + "/gemeenten/GM0363")
    chart = page.locator("figure svg[role=img]")
    assert chart.count() == 1
    title_id = chart.get_attribute("aria-labelledby")
    title = page.locator(f"svg title#{title_id}").text_content()
    assert "Amsterdam" in title and "tabel" in title
    assert "Bron: CBS, CC BY 4.0" in page.locator("figure figcaption").inner_text()
    table = page.locator("table:has(caption#tabel-inwoners)")
    assert "Inwoners van Amsterdam op 1 januari" in table.locator("caption").inner_text()
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:2] == ["Jaar", "Inwoners"]
    row = table.locator("tbody tr", has=page.locator("th", has_text="2024"))
    assert row.locator("td").first.inner_text() == "931.298"  # Dutch thousands separator
    years = table.locator("tbody th[scope=row]").all_inner_texts()
    assert years == [str(y) for y in range(2012, 2025)]
    # the chart draws one bar per row of its table, with the same figures
    assert chart.locator("rect").count() == len(years)
    assert chart.locator("text.chart__value").all_text_contents()[-1] == "931.298"
    # Weesp merged into Amsterdam in 2022
    herindelingen = page.locator("table:has(caption#tabel-herindelingen)")
    assert "Weesp" in herindelingen.inner_text()
    page.screenshot(path="/tmp/samen-gemeente-amsterdam.png", full_page=True)


def test_dissolved_municipality_shows_its_successors(page, live_site):
    page.goto(live_site + "/gemeenten/GM0788")
    assert page.locator("h1").inner_text() == "Haaren"
    alert = page.locator("main .alert")
    assert "bestaat niet meer" in alert.inner_text()
    successors = alert.get_by_role("link").all_inner_texts()
    assert successors == ["Boxtel", "Oisterwijk", "Tilburg", "Vught"]
    text = page.inner_text("main")
    assert "Opgeheven per" in text and "1 januari 2021" in text
    # the split, with the inhabitants that went to each successor
    herindelingen = page.locator("table:has(caption#tabel-herindelingen) tbody tr")
    assert herindelingen.count() == 4
    alert.get_by_role("link", name="Vught").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Vught"
    assert "Haaren" in page.locator("table:has(caption#tabel-herindelingen)").inner_text()


def test_search_works_without_javascript(page_without_js, live_site):
    page = page_without_js
    page.goto(live_site + "/gemeenten")
    page.fill("#q", "Amster")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Amsterdam" in page.inner_text("table tbody")
    assert _count_text(page) == "1 gemeente gevonden."
    page.fill("#q", "Haaren")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Geen gemeenten gevonden" in page.inner_text("table tbody")  # dissolved in 2021
    page.goto(live_site + "/gemeenten?peildatum=2020-01-01")
    page.fill("#q", "Haaren")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Haaren" in page.inner_text("table tbody")
    page.click("table tbody a")  # the detail page, chart and table included, without JavaScript
    page.wait_for_load_state()
    assert page.locator("svg[role=img] rect").count() > 0
    assert "Boxtel" in page.inner_text("main")


def test_pagination_of_the_list(page_without_js, live_site):
    page = page_without_js
    page.goto(live_site + "/gemeenten?peildatum=2017-01-01")
    assert page.locator("table tbody tr").count() == 50
    page.get_by_role("navigation", name="Paginering").get_by_role("link", name="Volgende").click()
    page.wait_for_load_state()
    assert "peildatum=2017-01-01" in page.url and "pagina=2" in page.url
    assert "Pagina 2 van 8" in page.inner_text("main")
    assert _count_text(page) == "388 gemeenten gevonden."


@pytest.mark.parametrize("path", ["/", "/gemeenten", "/gemeenten/GM0363", "/gemeenten/GM0788"])
def test_portal_pages_reflow_on_a_narrow_screen(browser, live_site, path):
    """WCAG 1.4.10: at 320 CSS pixels nothing makes the page scroll sideways, and the chart's
    text keeps a readable size."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(live_site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide"
        for size in page.locator("svg[role=img] text").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)"
        ):
            assert size >= 12
    finally:
        context.close()


def test_list_page_layout_screenshot(page, live_site):
    page.goto(live_site + "/gemeenten")
    heights = (
        page.locator("form.filters")
        .locator("input, select, button")
        .evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().height))")
    )
    assert len(set(heights)) == 1, heights  # the fields and the button line up
    page.screenshot(path="/tmp/samen-gemeenten.png")


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


@pytest.mark.parametrize("path", PORTAL_PATHS)
def test_public_pages_send_security_headers(live_site, path):
    try:
        response = urllib.request.urlopen(live_site + path)  # noqa: S310
    except urllib.error.HTTPError as error:  # the 404 page carries them too
        assert error.code == 404
        response = error
    with response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert csp, "no Content-Security-Policy"
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
