"""Public pages, composition on any date, exports, and who may keep what."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from samen.accounts.models import Rol
from samen.gemeenten.models import Gemeente
from samen.gremia import services
from samen.gremia.models import Gremium, Lidmaatschap
from tests.gremia import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def college():
    g = f.gremium(Gremium.Soort.COLLEGE)
    f.lid(g, "=HYPERLINK(1)", functie="burgemeester", gemeente=Gemeente.objects.get(code="GM0363"))
    f.lid(g, "Later Lid", van=D(2019, 1, 1))
    return g


def test_public_pages_show_the_composition_on_the_date(client, college):
    assert client.get("/gremia").status_code == 200
    page = client.get(f"/gremia/{college.uuid}?peildatum=2018-06-01").content.decode()
    assert "=HYPERLINK(1)" in page and "Later Lid" not in page
    assert "Geen lid uit een gemeente van deze grootteklasse" in page
    page = client.get(f"/gremia/{college.uuid}?peildatum=2019-06-01").content.decode()
    assert "Later Lid" in page
    assert client.get(f"/gremia/{college.uuid}/reglementen").status_code == 200
    assert client.get("/vergaderingen").status_code == 200


@pytest.mark.parametrize("bad", ["morgen", "1800-01-01", "²⁰¹⁸-01-01", "2018-02-30"])
def test_a_bad_peildatum_is_a_400_naming_it(client, college, bad):
    response = client.get(f"/gremia/{college.uuid}", {"peildatum": bad})
    assert response.status_code == 400
    response = client.get(f"/gremia/{college.uuid}/samenstelling.csv", {"peildatum": bad})
    assert response.status_code == 400


def test_unknown_body_is_404(client):
    assert client.get("/gremia/00000000-0000-0000-0000-000000000000").status_code == 404


def test_exports_neutralise_formulas_and_follow_the_date(client, college):
    csv = client.get(f"/gremia/{college.uuid}/samenstelling.csv?peildatum=2018-06-01")
    assert csv.status_code == 200
    text = csv.content.decode()
    assert "'=HYPERLINK(1)" in text and "Later Lid" not in text
    data = json.loads(
        client.get(f"/gremia/{college.uuid}/samenstelling.json?peildatum=2019-06-01").content
    )
    assert len(data) == 2 or len(data.get("rows", data)) == 2


def test_meeting_page_with_agenda_besluitenlijst_and_quorum(client, college):
    v = f.vergadering(college, D(2018, 5, 1))
    services.add_agenda_item(v, {"titel": "Opening"})
    services.add_decision_entry(v, {"tekst": "Het verslag is vastgesteld."})
    page = client.get(f"/vergaderingen/{v.uuid}").content.decode()
    assert "Opening" in page and "Het verslag is vastgesteld." in page
    assert "geen reglement" in page
    assert client.get(f"/vergaderingen/{v.uuid}/besluitenlijst.csv").status_code == 200


def test_keeping_pages_need_the_office_or_the_bodys_secretary(client, make_user, college):
    v = f.vergadering(college, D(2018, 5, 1))
    assert client.get("/gremia/beheer").status_code == 302  # sign in first
    client.force_login(make_user(Rol.COLLEGE))
    assert client.get("/gremia/beheer").status_code == 403
    assert client.get(f"/vergaderingen/{v.uuid}/beheer").status_code == 404  # not its secretary
    secretaris = make_user(Rol.COLLEGE)
    f.lid(college, "Sec", rol=Lidmaatschap.Rol.SECRETARIS, functie="vng", gebruiker=secretaris)
    client.force_login(secretaris)
    assert client.get(f"/vergaderingen/{v.uuid}/beheer").status_code == 200
    client.post(f"/vergaderingen/{v.uuid}/beheer", {"actie": "agendapunt", "titel": "Rondvraag"})
    assert v.agendapunten.filter(titel="Rondvraag").exists()
    other = f.vergadering(f.gremium(Gremium.Soort.TASKFORCE), D(2018, 5, 1))
    response = client.post(
        f"/vergaderingen/{other.uuid}/beheer", {"actie": "agendapunt", "titel": "x"}
    )
    assert response.status_code == 404 and not other.agendapunten.exists()
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    assert client.get("/gremia/beheer").status_code == 200
    client.post(
        f"/gremia/{college.uuid}/beheer",
        {
            "actie": "lid",
            "naam": "Nieuw Lid",
            "functie": "wethouder",
            "rol": "lid",
            "gemeente": "GM0599",
            "van": "2018-01-01",
        },
    )
    assert college.lidmaatschappen.filter(naam="Nieuw Lid", gemeente__code="GM0599").exists()
