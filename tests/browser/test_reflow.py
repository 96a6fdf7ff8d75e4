"""WCAG 2.1 SC 1.4.10 Reflow: every HTML page of the authorisation matrix fits a 320 px wide
screen without scrolling sideways (only a wide table may scroll, inside its own region), and no
page is wider than a 1280 px screen.

The pages are the GET rows of docs/autorisatiematrix.md that are not the API or a download,
filled with the sample objects of the matrix test, for each identity whose outcome is ``ja``;
a page is measured when it answers 200 with HTML. One browser page per identity loads each URL
once and measures it at both widths (the layout is redone on resize, no second load).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.trust.test_authorisation_matrix import ROLES, parse_matrix

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NARROW, WIDE, HEIGHT = 320, 1280, 900
DOWNLOADS = (".<fmt>", ".pdf", ".xml", ".txt")
# Every page for these identities: the public, the roles with the most sections in their menu,
# and every variant of /fonds/beheer (financien, college, bestuur) and /audit (programmabureau).
EVERY_PAGE = {
    "anoniem",
    "gemeente",
    "programmabureau",
    "college",
    "bestuur",
    "financien",
    "administratiekantoor",
    "aanbieder",
}
# The other roles only on the pages an anonymous visitor cannot open (their own pages): the
# public ones are measured above with signed-in menus already (saves browser time).
IDENTITIES = ROLES


def _page_routes() -> list[tuple[str, dict[str, str]]]:
    return [
        (route, outcomes)
        for (route, method), outcomes in parse_matrix().items()
        if method == "GET" and not route.startswith("/api/") and not route.endswith(DOWNLOADS)
    ]


# Run on the live site's database: the sample objects of the matrix in its URLs, one user per
# role (as the matrix test makes them) and a signed-in session for each, as cookies.
_WORLD = """
import json, sys
sys.path.insert(0, {root!r})
from tests.trust import test_authorisation_matrix as m
m.ensure_samples()
users = m.make_users()
cookies = m.login_cookies(users)
urls = {{route: m.url_for(route) for route in {routes!r}}}
print("REFLOW " + json.dumps({{"cookies": cookies, "urls": urls}}))
"""


@pytest.fixture(scope="module")
def world(live_site):
    routes = [route for route, _ in _page_routes()]
    out = live_site.run("shell", "-c", _WORLD.format(root=str(ROOT), routes=routes))
    line = next(line for line in out.splitlines() if line.startswith("REFLOW "))
    return json.loads(line.removeprefix("REFLOW "))


_MEASURE = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_page_reflows_at_320_and_fits_1280(browser, live_site, world, identity):
    context = browser.new_context(locale="nl-NL", viewport={"width": NARROW, "height": HEIGHT})
    host = live_site.split("://", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {"name": name, "value": value, "domain": host, "path": "/"}
            for name, value in world["cookies"][identity].items()
        ]
    )
    page = context.new_page()
    measured, narrow_failures, wide_failures = 0, [], []
    try:
        for route, outcomes in _page_routes():
            if outcomes[identity] != "ja":
                continue
            if identity not in EVERY_PAGE and outcomes["anoniem"] == "ja":
                continue
            url = world["urls"][route]
            response = page.goto(live_site + url)
            if response is None or response.status != 200:
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            measured += 1
            width = NARROW if measured % 2 else WIDE  # alternate: one resize per page
            for viewport in (width, WIDE + NARROW - width):
                if page.viewport_size["width"] != viewport:
                    page.set_viewport_size({"width": viewport, "height": HEIGHT})
                scroll, client = page.evaluate(_MEASURE)
                if scroll > viewport:
                    wide = "" if viewport == NARROW else f" at {WIDE}"
                    (narrow_failures if viewport == NARROW else wide_failures).append(
                        f"{url} ({scroll} px wide{wide}, client {client})"
                    )
    finally:
        context.close()
    assert measured, f"{identity}: no page answered 200"
    assert not narrow_failures and not wide_failures, (
        f"{identity}: {len(narrow_failures)} of {measured} pages wider than {NARROW} px: "
        + ", ".join(narrow_failures)
        + (f"; wider than {WIDE} px: " + ", ".join(wide_failures) if wide_failures else "")
    )


def test_the_menu_folds_into_a_disclosure_at_320_and_is_open_at_1280(page, live_site):
    page.goto(live_site + "/")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    toggle = page.locator(".page-header summary", has_text="Menu")
    assert nav.get_by_role("link", name="Voorzieningen").is_visible()  # 1280: always open
    assert not toggle.is_visible()
    page.set_viewport_size({"width": NARROW, "height": HEIGHT})
    assert toggle.is_visible()
    assert not nav.get_by_role("link", name="Voorzieningen").is_visible()
    assert page.locator(".page-header").bounding_box()["height"] < 100  # not 230 px of menu
    toggle.click()  # a <details>: no script needed
    nav.get_by_role("link", name="Voorzieningen").click()
    page.wait_for_load_state()
    assert page.url.endswith("/voorzieningen")
