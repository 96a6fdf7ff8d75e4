"""No raw data in what people read: every HTML page of the demo that answers GET (the pages of
the authorisation matrix, with its sample objects, for the anonymous visitor and each role)
is fetched and its visible text (not markup, scripts or attributes) is scanned for Python
dict/list reprs, ``None``, ``uuid``, bare uuids and the slugs of the demo's services where
their names should be."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.trust.test_authorisation_matrix import ROLES, parse_matrix

pytestmark = [pytest.mark.django_db]

DOWNLOADS = (".<fmt>", ".pdf", ".xml", ".txt")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
# "uuid" as a field name (lower case); "UUID" in a sentence names a format (a CSV column).
REPR = re.compile(r"\{'|'\s*:\s|\['|\bNone\b|\buuid\b")
# The audit trail is searched by object number: there the id is the data, not a leak.
IDS_ALLOWED = ("/audit",)


class _Text(HTMLParser):
    SKIP = {"script", "style", "template", "code", "pre"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems_in(text: str, slugs: set[str], ids_allowed: bool = False) -> list[str]:
    found = [m.group(0) for m in REPR.finditer(text)]
    if not ids_allowed:
        found += UUID.findall(text)
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text))
    found += sorted(words & slugs)
    return found


def test_the_scanner_finds_what_it_looks_for():
    html = "<p>factsheet: {'wie': 1}</p><script>{'x': None}</script><p>luisterend-oor</p>"
    assert problems_in(visible_text(html), {"luisterend-oor"}) == ["{'", "': ", "luisterend-oor"]
    assert problems_in("Een 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 hier", set()) != []
    assert problems_in("Geen probleem: een co-productie, 2018-2021.", {"luisterend-oor"}) == []


def _routes():
    return [
        (route, outcomes)
        for (route, method), outcomes in parse_matrix().items()
        if method == "GET" and not route.startswith("/api/") and not route.endswith(DOWNLOADS)
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules
    from django.utils.text import slugify

    from samen.core import demo as loaders
    from samen.portfolio.models import Voorziening
    from tests.trust import test_authorisation_matrix as m

    with django_db_blocker.unblock(), transaction.atomic():
        autodiscover_modules("demo")
        loaders.load_all()
        m.ensure_samples()
        cookies = m.login_cookies(m.make_users())
        urls = {route: m.url_for(route) for route, _ in _routes()}
        names = Voorziening.objects.values_list("naam", flat=True)
        slugs = {s for s in map(slugify, names) if "-" in s}
        yield cookies, urls, slugs
        transaction.set_rollback(True)


@pytest.mark.parametrize("identity", ROLES)
def test_no_raw_data_in_the_visible_text_of_any_page(world, identity):
    from django.test import Client

    cookies, urls, slugs = world
    client = Client()
    for key, value in cookies[identity].items():
        client.cookies[key] = value
    failures, scanned = [], 0
    for route, outcomes in _routes():
        if outcomes[identity] != "ja" or (identity != "anoniem" and outcomes["anoniem"] == "ja"):
            continue  # the public pages once, as the anonymous visitor sees them
        url = urls[route]
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        scanned += 1
        text = visible_text(response.content.decode())
        found = problems_in(text, slugs, ids_allowed=url.startswith(IDS_ALLOWED))
        if found:
            failures.append(f"{url}: {sorted(set(found))[:8]}")
    assert scanned or identity != "anoniem"
    assert not failures, f"{identity}: raw data on {len(failures)} pages:\n" + "\n".join(failures)
