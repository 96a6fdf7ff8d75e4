"""The bodies in the browser: the public list, the Task Force with its composition on a date and
a meeting of the demo (axe on each), and the Task Force's secretary adding an agenda item."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-secretariaat-wachtwoord-2017!"

SETUP = """
from samen.accounts.models import Gebruiker
from samen.gremia.models import Lidmaatschap

u, _ = Gebruiker.objects.get_or_create(username="tf-secretaris", defaults={"rol": "taskforce"})
u.set_password(PASSWORD)
u.save()
Lidmaatschap.objects.filter(gremium__soort="taskforce", rol="secretaris").update(gebruiker=u)
"""


def _serious(page, what):
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


def _taskforce(live_site) -> str:
    with urllib.request.urlopen(f"{live_site}/api/v1/gremia?soort=taskforce") as r:  # noqa: S310
        return json.load(r)["results"][0]["uuid"]


def test_public_bodies_pages_are_accessible(page, live_site):
    response = page.goto(f"{live_site}/gremia")
    assert response.status == 200
    assert "Task Force Samen Organiseren" in page.inner_text("main")
    _serious(page, "list of bodies")
    uuid = _taskforce(live_site)
    response = page.goto(f"{live_site}/gremia/{uuid}?peildatum=2017-06-01")
    assert response.status == 200
    main = page.inner_text("main")
    assert "voorbeeldgegevens" in main and "Leden op 1 juni 2017" in main
    _serious(page, "body with its composition")
    page.click(
        "table#tabel-vergaderingen a, #tabel-vergaderingen ~ tbody a, main table a >> nth=-1"
    )
    page.wait_for_load_state()
    assert "Besluitenlijst" in page.inner_text("main")
    _serious(page, "meeting")


def test_the_secretary_adds_an_agenda_item(browser, live_site):
    live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP)
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "tf-secretaris", PASSWORD)
    page.goto(f"{live_site}/gremia/secretariaat")
    _serious(page, "secretariat")
    page.fill("#v-datum", "2017-09-01")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "Vergadering bijhouden" in page.title() or "Agenda" in page.inner_text("main")
    page.fill("#a-titel", "Prioritering initiatieven")
    page.click("#a-titel >> xpath=ancestor::form//button")
    page.wait_for_load_state()
    assert "Prioritering initiatieven" in page.inner_text("main")
    _serious(page, "keeping a meeting")
    context.close()
