"""Portfolio pages through the Django test client: public reading, forms with clear errors,
permissions, exports (CSV, XLSX, JSON) safe against formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.conf import settings
from openpyxl import load_workbook

from samen.accounts.models import Rol
from samen.core import clock
from samen.portfolio import services
from samen.portfolio.models import Voorziening

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(make_voorziening, criteria):
    a = make_voorziening(fase="opschaling")
    b = make_voorziening()
    for c in criteria:
        services.give_score(a, c, 5, "sterk")
        services.give_score(b, c, 2, "zwak")
    versie = services.publish_weging(services.create_weging("w", {c.code: 1 for c in criteria}))
    return a, b, versie


@pytest.mark.sqlite
def test_public_pages(client, ranked):
    a, _, _ = ranked
    for url in (
        "/voorzieningen",
        f"/voorzieningen/{a.uuid}",
        f"/voorzieningen/{a.uuid}/gemeente?gemeente=GM0363",
        "/prioritering",
        "/routekaart",
        "/routekaart/vergelijken",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/prioritering").content.decode()
    assert a.naam in page and "sterk" not in page  # rationale is on the detail page
    assert "sterk" in client.get(f"/voorzieningen/{a.uuid}").content.decode()


def test_forms_need_the_right_role(client, make_user, make_voorziening):
    v = make_voorziening()
    urls = [
        "/voorzieningen/nieuw",
        f"/voorzieningen/{v.uuid}/bewerken",
        f"/voorzieningen/{v.uuid}/fase",
        f"/voorzieningen/{v.uuid}/scoren",
        "/prioritering/weging/nieuw",
        "/routekaart/nieuw",
    ]
    for url in urls:  # anonymous: to the sign-in page, and back afterwards
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{settings.LOGIN_URL}?next={url}", url
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0363"))
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    assert client.get(f"/voorzieningen/{v.uuid}/fase").status_code == 200
    assert client.get(f"/voorzieningen/{v.uuid}/scoren").status_code == 403
    client.force_login(make_user(Rol.TASKFORCE))
    assert client.get(f"/voorzieningen/{v.uuid}/scoren").status_code == 200
    assert client.get(f"/voorzieningen/{v.uuid}/fase").status_code == 403


def test_phase_form_shows_the_error_and_changes_nothing(client, make_user, make_voorziening):
    v = make_voorziening()
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    response = client.post(
        f"/voorzieningen/{v.uuid}/fase", {"naar_fase": "beheer", "datum": "2017-05-01"}
    )
    assert response.status_code == 200
    assert "alleen één stap vooruit" in response.content.decode()
    assert Voorziening.objects.get(pk=v.pk).fase == "initiatief"
    response = client.post(
        f"/voorzieningen/{v.uuid}/fase", {"naar_fase": "ontwikkeling", "datum": "2017-05-01"}
    )
    assert response.status_code == 302
    assert Voorziening.objects.get(pk=v.pk).fase == "ontwikkeling"


def test_edit_factsheet(client, make_user, make_voorziening):
    v = make_voorziening()
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    data = {
        "naam": v.naam,
        "korte_omschrijving": "Nieuwe omschrijving.",
        "spoor": "2",
        "domein": "belastingen",
        "soort": "app",
        "gebruikers": "gemeente",
        "startdatum": "2017-01-01",
        "fs-kosten_jaarlijks_min": "2500",
        "fs-kosten_jaarlijks_max": "500",
    }
    response = client.post(f"/voorzieningen/{v.uuid}/bewerken", data)
    assert response.status_code == 200  # max below min: refused
    assert Voorziening.objects.get(pk=v.pk).korte_omschrijving != "Nieuwe omschrijving."
    data["fs-kosten_jaarlijks_max"] = "2500"
    data["fs-implementatie_it"] = "Koppelvlak aansluiten."
    assert client.post(f"/voorzieningen/{v.uuid}/bewerken", data).status_code == 302
    v.refresh_from_db()
    assert v.korte_omschrijving == "Nieuwe omschrijving." and v.domein == "belastingen"
    assert v.factsheet.implementatie_it == "Koppelvlak aansluiten."


def test_score_form_refuses_out_of_scale(client, make_user, make_voorziening, criteria):
    v = make_voorziening()
    client.force_login(make_user(Rol.TASKFORCE))
    response = client.post(
        f"/voorzieningen/{v.uuid}/scoren",
        {"waarde_dienstverlening": "7", "onderbouwing_dienstverlening": "x"},
    )
    assert response.status_code == 200
    assert "buiten de schaal" in response.content.decode()
    assert not v.scores.exists()


def test_concept_weging_visible_to_taskforce_only(client, make_user, ranked, criteria):
    concept = services.create_weging("geheim concept", {c.code: 2 for c in criteria})
    assert client.get(f"/prioritering?weging={concept.uuid}").status_code == 404
    client.force_login(make_user(Rol.TASKFORCE))
    page = client.get(f"/prioritering?weging={concept.uuid}")
    assert page.status_code == 200 and "geheim concept" in page.content.decode()


def test_roadmap_new_version_with_a_milestone_before_start(client, make_user, make_voorziening):
    v = make_voorziening(startdatum=dt.date(2018, 7, 1))
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    data = {
        "naam": "Nieuwe versie",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-0-voorziening": str(v.uuid),
        "m-0-omschrijving": "te vroeg",
        "m-0-jaar": "2018",
        "m-0-kwartaal": "1",
    }
    with clock.replaying(dt.date(2018, 7, 1)):  # planned in 2018, entered as in 2018
        response = client.post("/routekaart/nieuw", data)
        assert response.status_code == 200 and "vóór de start" in response.content.decode()
        data["m-0-kwartaal"] = "3"
        assert client.post("/routekaart/nieuw", data).status_code == 302


def test_exports_and_formula_injection(client, make_voorziening, ranked):
    make_voorziening(naam='=HYPERLINK("http://kwaad")', korte_omschrijving="-1+2 @SUM(A1)")
    body = client.get("/voorzieningen/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:2] == ["uuid", "naam"]
    evil = next(r for r in rows if "HYPERLINK" in r[1])
    assert evil[1].startswith("'=") and evil[2].startswith("'-")
    data = json.loads(client.get("/voorzieningen/export.json").content)
    assert any(item["naam"] == '=HYPERLINK("http://kwaad")' for item in data)  # JSON: data as is
    workbook = load_workbook(io.BytesIO(client.get("/voorzieningen/export.xlsx").content))
    values = [cell.value for cell in workbook.active["B"]]
    assert any(str(v).startswith("'=") for v in values)
    ranking = client.get("/prioritering/export.csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(ranking), delimiter=";"))
    assert lines[1][0] == "1" and lines[1][4] == "5.000"  # numbers stay numbers
    assert client.get("/voorzieningen/export.exe").status_code == 404


def test_roadmap_is_prioritised_by_the_ranking(client, ranked):
    a, b, _ = ranked  # a ranks first
    with clock.replaying(dt.date(2017, 1, 2)):  # a roadmap of 2017, entered as in 2017
        versie = services.create_routekaart(
            "r",
            [
                {
                    "voorziening": str(b.uuid),
                    "jaar": 2017,
                    "kwartaal": 1,
                    "omschrijving": "eerst b",
                },
                {
                    "voorziening": str(a.uuid),
                    "jaar": 2018,
                    "kwartaal": 1,
                    "omschrijving": "later a",
                },
            ],
        )
    services.publish_routekaart(versie)
    page = client.get("/routekaart").content.decode()
    assert page.index("later a") < page.index("eerst b")
