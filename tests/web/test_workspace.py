"""The workspace: role-aware navigation, the start page "Mijn werk" (registry of waiting work,
constant queries), and the standard pages (privacy, contact, accessibility, security.txt)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samen.accounts.models import Rol

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

ROLES = [
    (Rol.GEMEENTE, {"gemeente": "GM0014"}),
    (Rol.PROGRAMMABUREAU, {}),
    (Rol.TASKFORCE, {}),
    (Rol.COLLEGE, {}),
    (Rol.COMMISSIE, {}),
    (Rol.BESTUUR, {}),
    (Rol.FINANCIEN, {}),
    (Rol.ADMINISTRATIEKANTOOR, {}),
    (Rol.AANBIEDER, {}),
]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _verzoek(voorziening, titel):
    from samen.besluiten.models import Verzoek

    return Verzoek.objects.create(
        voorziening=voorziening,
        titel=titel,
        motivering="Om te testen.",
        aanvrager_naam="Gemeente Groningen",
        ingediend_op=dt.date(2018, 1, 1),
        stap=Verzoek.Stap.INGEDIEND,
    )


def _work_links(html: str) -> list[str]:
    bar = html.split('aria-label="Mijn werk"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', bar)


def test_anonymous_visitors_see_no_work_bar_and_are_sent_to_sign_in(client):
    html = client.get("/").content.decode()
    assert 'aria-label="Mijn werk"' not in html
    r = client.get("/mijn-werk")
    assert r.status_code == 302 and r["Location"].startswith("/inloggen?next=/mijn-werk")


@pytest.mark.parametrize(("rol", "extra"), ROLES, ids=[r for r, _ in ROLES])
def test_every_section_in_a_roles_menu_opens_for_that_role(make_user, org, rol, extra):
    """The menu shows each role its sections, and every one of them answers (never a 403):
    the role acted as itself (its own start page names it)."""
    from samen.fonds.models import Fonds

    Fonds.objects.create(naam="Fonds Samen Organiseren")
    if rol in (Rol.AANBIEDER,):
        extra = {"organisatie": org}
    user = make_user(rol, **extra)
    client = _client(user)
    start = client.get("/mijn-werk")
    assert start.status_code == 200
    html = start.content.decode()
    assert user.get_rol_display() in html
    links = _work_links(html)
    assert links[0] == "/mijn-werk"
    for link in links:
        response = client.get(link, follow=True)  # e.g. a municipality to its own details
        assert response.status_code == 200, (rol, link, response.status_code)


def test_roles_see_their_own_sections_only(make_user, org):
    office = _work_links(
        _client(make_user(Rol.ADMINISTRATIEKANTOOR)).get("/mijn-werk").content.decode()
    )
    assert "/inning" in office and "/facturen" in office
    assert "/audit" not in office and "/fonds/beheer" not in office
    bureau = _work_links(_client(make_user(Rol.PROGRAMMABUREAU)).get("/mijn-werk").content.decode())
    assert "/audit" in bureau and "/ondersteuning" in bureau and "/inning" not in bureau
    gemeente = _work_links(
        _client(make_user(Rol.GEMEENTE, gemeente="GM0014")).get("/mijn-werk").content.decode()
    )
    assert "/facturen" in gemeente and "/inning" not in gemeente and "/audit" not in gemeente


def test_the_start_page_shows_what_waits_with_counts_and_links(make_user, make_voorziening):
    v = make_voorziening()
    for n in range(3):
        _verzoek(v, f"Verzoek {n}")
    taskforce = make_user(Rol.TASKFORCE)
    html = _client(taskforce).get("/mijn-werk").content.decode()
    block = html.split('data-werk="verzoeken.beoordelen"', 1)[1].split("</li>\n", 1)[0]
    assert '<span class="werk__aantal">3</span>' in block
    assert "Verzoek 0" in html and "/verzoeken/" in html
    # the College sees its own kind, with nothing waiting
    college = _client(make_user(Rol.COLLEGE)).get("/mijn-werk").content.decode()
    assert 'data-werk="verzoeken.adviseren"' in college
    assert 'data-werk="verzoeken.beoordelen"' not in college


def test_the_start_page_runs_a_constant_number_of_queries(make_user, make_voorziening):
    taskforce = make_user(Rol.TASKFORCE)
    client = _client(taskforce)
    v = make_voorziening()

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/mijn-werk").status_code == 200
        return len(ctx.captured_queries)

    _verzoek(v, "Eerste")
    few = measure()
    for n in range(20):
        _verzoek(v, f"Meer {n}")
    assert measure() == few


def test_sign_in_lands_on_the_start_page(settings):
    assert settings.LOGIN_REDIRECT_URL == "/mijn-werk"


def test_standard_pages_exist_and_say_what_they_are(client):
    privacy = client.get("/privacy").content.decode()
    assert "Privacyverklaring" in privacy and "Voorbeeldtekst" in privacy
    assert "functionaris gegevensbescherming" in privacy
    contact = client.get("/contact").content.decode()
    assert "samen@example.org" in contact
    statement = client.get("/toegankelijkheid").content.decode()
    assert "Toegankelijkheidsverklaring" in statement and "WCAG-EM" in statement
    assert "nog geen onderzoek" in statement
    home = client.get("/").content.decode()
    for link in ("/privacy", "/contact", "/toegankelijkheid"):
        assert f'href="{link}"' in home


def test_security_txt_has_contact_and_an_expiry_in_the_future(client):
    r = client.get("/.well-known/security.txt")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in r.content.decode().splitlines())
    assert fields["Contact"].startswith(("mailto:", "https://"))
    expires = dt.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert expires > dt.datetime.now(dt.UTC), "renew SAMEN_SECURITY_EXPIRES"


@pytest.mark.parametrize("peildatum", ["9999-12-31", "0001-01-01", "²⁰²⁰-01-01"])
def test_municipality_list_bounds_its_reference_date(client, peildatum):
    r = client.get("/gemeenten", {"peildatum": peildatum})
    assert r.status_code == 200
    assert "Vandaag is gebruikt" in r.content.decode()
