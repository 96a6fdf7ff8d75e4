"""The interpreter service in the browser (issue 22), with axe on every page: the mediator's day
view, a client's page, offering a request to interpreters and adding a tariff version in the
admin; the interpreter's agenda, accepting the offer; the municipality officer seeing its own
residents only (another municipality's client is refused)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-tolkvoorziening-wachtwoord-2017!"

# Three users, an interpreter linked to the interpreter's account, a client of Amsterdam and one
# of Rotterdam, and a request of the Amsterdam client for tomorrow (the interpreter preferred, so
# that the matcher offers it to this interpreter first). Prints what the test needs as JSON.
SETUP = """
import datetime as dt
import json

from samen.accounts.models import Gebruiker
from samen.core import clock
from samen.gemeenten.models import Gemeente
from samen.tolk import services

today = clock.today()
amsterdam = Gemeente.objects.op(today).get(code="GM0363")
rotterdam = Gemeente.objects.op(today).get(code="GM0599")
users = {}
for username, rol, gemeente in (
    ("tv-bemiddelaar", "bemiddelaar", None),
    ("tv-tolk", "tolk", None),
    ("tv-amsterdam", "gemeente", amsterdam),
):
    u, _ = Gebruiker.objects.get_or_create(
        username=username, defaults={"rol": rol, "gemeente": gemeente}
    )
    u.set_password(PASSWORD)
    u.save()
    users[rol] = u
tolk = services.tolk_vastleggen(
    "Tineke Tolk", ["ngt"], amsterdam, gebruiker=users["tolk"]
)
eigen = services.inschrijven(amsterdam, ["ngt"], dt.date(2020, 1, 1))
ander = services.inschrijven(rotterdam, ["ngt"], dt.date(2020, 1, 1))
morgen = today + dt.timedelta(days=1)
for c in (eigen, ander):
    for jaar in sorted({today.year, morgen.year}):
        services.indicatie_toekennen(c, "leef", jaar, 40)
aanvraag = services.aanvragen(
    eigen,
    domein="leef",
    tolktype="ngt",
    begin=dt.datetime.combine(morgen, dt.time(13, 15), tzinfo=dt.UTC),
    duur_minuten=75,
    plaats=amsterdam,
    voorkeur=[tolk],
)
print(json.dumps({
    "eigen": str(eigen.uuid), "eigen_nummer": eigen.nummer,
    "ander": str(ander.uuid), "ander_nummer": ander.nummer,
    "aanvraag": aanvraag.nummer, "morgen": morgen.isoformat(),
    "jaar": str(today.year),
}))
"""


def _serious(page, what):
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


@pytest.fixture(scope="module")
def tolkdata(live_site):
    try:
        out = live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP)
    except subprocess.CalledProcessError as exc:
        raise AssertionError(f"setting up the interpreter service failed:\n{exc.stderr}") from None
    return json.loads(out.strip().splitlines()[-1])


def _row(page, nummer):
    return page.locator("main tr", has_text=nummer)


def test_mediator_offers_interpreter_accepts_municipality_sees_its_own(
    browser, live_site, tolkdata
):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()

    # The mediator: the day view with the request, offering it to interpreters.
    login(page, live_site, "tv-bemiddelaar", PASSWORD)
    response = page.goto(f"{live_site}/tolkvoorziening/dag?datum={tolkdata['morgen']}")
    assert response.status == 200
    row = _row(page, tolkdata["aanvraag"])
    assert row.count() == 1
    assert "Open" in row.inner_text() or "open" in row.inner_text()
    assert "Amsterdam" in row.inner_text()
    _serious(page, "the mediator's day view")
    row.get_by_role("button", name="Aanbieden aan tolken").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Aangeboden aan" in main and "tolken." in main
    assert "aangeboden" in _row(page, tolkdata["aanvraag"]).inner_text().lower()
    _serious(page, "the day view after offering")

    # The mediator: the list of clients and a client's page.
    response = page.goto(f"{live_site}/tolkvoorziening/clienten?gemeente=GM0363")
    assert response.status == 200
    main = page.inner_text("main")
    assert tolkdata["eigen_nummer"] in main and tolkdata["ander_nummer"] not in main
    _serious(page, "the mediator's list of clients")
    page.get_by_role("link", name=tolkdata["eigen_nummer"]).click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert f"Cliënt {tolkdata['eigen_nummer']}" in main and "Amsterdam" in main
    assert "Leef" in main or "leef" in main
    _serious(page, "a client's page")

    # The mediator in the admin: the tariff table, a new version of a year.
    response = page.goto(f"{live_site}/admin/tolk/tarieftabel/")
    assert response.status == 200
    _serious(page, "the admin's tariff tables")
    page.goto(f"{live_site}/admin/tolk/tarieftabel/add/")
    _serious(page, "the admin's new tariff version")
    page.fill("#id_jaar", tolkdata["jaar"])
    page.fill("#id_uurtarief", "64.10")
    page.fill("#id_reisuurtarief", "46.00")
    page.fill("#id_kilometertarief", "0.240")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert "/admin/tolk/tarieftabel/" in page.url
    assert "64,10" in page.inner_text("#result_list") or "64.10" in page.inner_text("#result_list")
    page.locator("#result_list a", has_text=tolkdata["jaar"]).first.click()
    page.wait_for_load_state()
    # A version that priced assignments is shown, never changed.
    assert page.locator("input[name=uurtarief]").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    # Saved through the service: the next version (the demo has version 1 of this year), in
    # the audit trail with the user and the channel.
    trail = live_site.run(
        "shell",
        "-c",
        "from samen.audit.models import AuditRegel\n"
        "from samen.tolk.models import Tarieftabel\n"
        f"t = Tarieftabel.objects.filter(jaar={tolkdata['jaar']}).first()\n"
        "r = AuditRegel.objects.filter(object_type='tolk.tarieftabel', object_id=str(t.pk))\n"
        "print(t.versie, t.uurtarief, [(x.actie, x.kanaal, x.gebruiker_naam) for x in r])",
    )
    assert trail.split()[:2] == ["2", "64.10"], trail
    assert "('aanmaken', 'admin', 'tv-bemiddelaar')" in trail, trail
    response = page.goto(f"{live_site}/tolkvoorziening/tarieven")
    assert "64,10" in page.inner_text("main")

    # The interpreter: the agenda with the offer, accepting it.
    login(page, live_site, "tv-tolk", PASSWORD)
    response = page.goto(f"{live_site}/tolkvoorziening/agenda")
    assert response.status == 200
    aanbod = page.locator("main li", has_text=tolkdata["aanvraag"])
    assert aanbod.count() == 1 and "75 minuten" in aanbod.inner_text()
    assert "Geen opdrachten." in page.inner_text("main")
    _serious(page, "the interpreter's agenda")
    aanbod.get_by_role("button", name="Aannemen").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "U hebt de opdracht aangenomen." in main
    assert "Geen open aanbiedingen." in main
    assert _row(page, tolkdata["aanvraag"]).count() == 1  # now among the assignments
    _serious(page, "the agenda after accepting")
    # The mediator's day shows it assigned.
    login(page, live_site, "tv-bemiddelaar", PASSWORD)
    page.goto(f"{live_site}/tolkvoorziening/dag?datum={tolkdata['morgen']}")
    row_text = _row(page, tolkdata["aanvraag"]).inner_text().lower()
    assert "toegewezen" in row_text
    assert page.locator("main tr", has_text=tolkdata["aanvraag"]).get_by_role("button").count() == 0

    # The municipality officer: its own residents only.
    login(page, live_site, "tv-amsterdam", PASSWORD)
    response = page.goto(f"{live_site}/tolkvoorziening/clienten")
    assert response.status == 200
    main = page.inner_text("main")
    assert tolkdata["eigen_nummer"] in main and tolkdata["ander_nummer"] not in main
    _serious(page, "the municipality's own residents")
    page.get_by_role("link", name=tolkdata["eigen_nummer"]).click()
    page.wait_for_load_state()
    assert f"Cliënt {tolkdata['eigen_nummer']}" in page.inner_text("main")
    _serious(page, "the municipality's resident")
    response = page.goto(f"{live_site}/tolkvoorziening/clienten/{tolkdata['ander']}")
    assert response.status in (403, 404)
    assert tolkdata["ander_nummer"] not in page.content()
    # Not the mediator's pages either.
    assert page.goto(f"{live_site}/tolkvoorziening/dag").status == 403
    context.close()
