"""Support is confirmed by the supporting municipality itself, and the board sees what it
publishes before it does (Chromium, JavaScript off, axe on every page of the path)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import axe_violations, describe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Een-lang-wachtwoord-steun-2026!"


@pytest.fixture(scope="session")
def steun_users(live_site):
    script = (
        "from samen.accounts.models import Gebruiker\n"
        "from samen.gemeenten.models import Gemeente\n"
        "users = [('amersfoort-st', 'gemeente', 'GM0307'), ('utrecht-st', 'gemeente', 'GM0344'),\n"
        "         ('bestuur-st', 'bestuur', None)]\n"
        "for name, rol, code in users:\n"
        "    u, _ = Gebruiker.objects.get_or_create(username=name, defaults={'rol': rol})\n"
        "    u.gemeente = Gemeente.objects.get(code=code) if code else None\n"
        "    u.first_name, u.last_name = 'Persoon', name.split('-')[0].capitalize()\n"
        f"    u.set_password('{PASSWORD}'); u.save()\n"
    )
    live_site.run("shell", "-c", script)
    return PASSWORD


def _uuid(live_site, zoek: str) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/voorzieningen?zoek={zoek}") as r:  # noqa: S310
        return json.load(r)["results"][0]["uuid"]


def _api(live_site, path: str) -> dict:
    with urllib.request.urlopen(live_site + path) as r:  # noqa: S310
        return json.load(r)


def _accessible(page, checker) -> None:
    """axe on the page as the JavaScript-free browser got it: its HTML is checked in a page
    with JavaScript (axe runs as a script) on the same origin, so its styles load too."""
    html = page.content()
    checker.goto("/".join(page.url.split("/")[:3]) + "/toegankelijkheid")
    checker.set_content(html)
    checker.wait_for_load_state()
    violations = axe_violations(checker)
    assert not violations, (page.url, describe_violations(violations))


def _dd(page, term: str) -> str:
    return page.locator(f"dl.steun dt:text-is('{term}') + dd").inner_text()


def test_support_is_asked_then_confirmed_and_the_board_confirms_its_publication(
    browser, live_site, steun_users
):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    public = browser.new_context(java_script_enabled=False, locale="nl-NL").new_page()
    checker = browser.new_context(locale="nl-NL").new_page()  # JavaScript on, for axe only
    for p in (page, public, checker):
        p.set_default_timeout(20_000)
    voorziening = _uuid(live_site, "verhuisservice")

    # Amersfoort files a request and names Utrecht (and itself) as supporters
    login(page, live_site, "amersfoort-st", steun_users)
    page.goto(f"{live_site}/voorzieningen/{voorziening}/verzoek")
    _accessible(page, checker)
    page.fill("#id_titel", "Opschaling verhuisservice naar heel Utrecht")
    page.fill("#id_motivering", "Amersfoort en Utrecht willen samen verder.")
    page.fill("#id_steunende_gemeenten", "GM0344, GM0307")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    _accessible(page, checker)
    assert "gevraagd, niet bevestigd" in page.inner_text("main")  # the confirmation step
    page.click("button[name=bevestigen]")
    page.wait_for_load_state()
    assert "Het verzoek is ingediend" in page.inner_text("main")
    verzoek_url = page.url
    uuid = verzoek_url.rstrip("/").rsplit("/", 1)[1]

    # the public sees Utrecht as asked, not confirmed, and not as a supporter
    public.goto(verzoek_url)
    _accessible(public, checker)
    assert "Utrecht" in _dd(public, "Om steun gevraagd")
    assert "gevraagd, niet bevestigd" in _dd(public, "Om steun gevraagd")
    assert "Utrecht" not in _dd(public, "Gesteund door")
    assert "Amersfoort" in _dd(public, "Gesteund door")  # the requester's own municipality
    assert "Ingediend door gemeente Amersfoort" in public.inner_text("main")
    assert "Persoon" not in public.inner_text("main")  # no person's name
    assert _api(live_site, f"/api/v1/verzoeken/{uuid}")["gevraagdeGemeenten"] == ["GM0344"]

    # Amersfoort's own support counts at once; it has no form to answer for Utrecht
    assert page.locator("form[action$='/steun']").count() == 0

    # Utrecht's contact confirms, after a confirmation step
    login(page, live_site, "utrecht-st", steun_users)
    page.goto(verzoek_url)
    _accessible(page, checker)
    assert "Steun van de gemeente Utrecht" in page.inner_text("main")
    page.check("#id_antwoord_0")  # steun bevestigen
    page.click("form[action$='/steun'] button[type=submit]")
    page.wait_for_load_state()
    _accessible(page, checker)
    assert "openbaar getoond" in page.inner_text("main")
    assert _api(live_site, f"/api/v1/verzoeken/{uuid}")["steunendeGemeenten"] == ["GM0307"]
    page.click("button[name=bevestigen]")
    page.wait_for_load_state()
    assert "De steun van uw gemeente is bevestigd" in page.inner_text("main")

    # now the public sees Utrecht as a supporter
    public.goto(verzoek_url)
    assert "Utrecht" in _dd(public, "Gesteund door")
    assert public.locator("dl.steun dt:text-is('Om steun gevraagd')").count() == 0
    body = _api(live_site, f"/api/v1/verzoeken/{uuid}")
    assert body["steunendeGemeenten"] == ["GM0307", "GM0344"] and body["gevraagdeGemeenten"] == []

    # the Task Force and the College take their steps (through the services)
    live_site.run(
        "shell",
        "-c",
        "from samen.besluiten import services\n"
        "from samen.besluiten.models import Verzoek\n"
        "from samen.core import clock\n"
        f"v = Verzoek.objects.get(uuid='{uuid}')\n"
        "services.assess(v, {'impact_gemeenten': 'a', 'impact_inwoners': 'b',\n"
        "    'maatschappelijke_baten': 'c', 'opschaalbaarheid': 'd'}, clock.today())\n"
        "services.advise(v, {'uitrol': 'a', 'tijdpad': 'b', 'binding': 'vrijwillig',\n"
        "    'samenwerkingsvorm': 'netwerk', 'uitvoering': 'landelijk', 'voorwaarden': 'c',\n"
        "    'uittredingsvoorwaarden': 'Na twee jaar.'}, clock.today())\n",
    )

    # the board: first what will be published, then the publication
    login(page, live_site, "bestuur-st", steun_users)
    page.goto(verzoek_url)
    page.select_option("#id_uitkomst", "vastgesteld")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    _accessible(page, checker)
    main = page.inner_text("main")
    assert "Controleer en bevestig" in main
    assert "Opschaling verhuisservice naar heel Utrecht" in main
    assert "vrijwillig maar niet vrijblijvend" in main
    assert "Gemeenten die het besluit bindt" in main and "Digitale verhuisservice" in main
    assert _api(live_site, f"/api/v1/verzoeken/{uuid}")["stap"] == "geadviseerd"  # not yet
    page.click("button[name=bevestigen]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "gepubliceerd" in main and "besloten door het bestuur" in main
    besluiten = _api(live_site, f"/api/v1/verzoeken/{uuid}")["besluiten"]
    assert len(besluiten) == 1 and besluiten[0]["genomenDoor"] == "VNG-bestuur"
    context.close()
    public.context.close()
    checker.context.close()
