"""The audit trail in use: an object's history on its page, the programme office's search
(/audit and GET /api/v1/audit) and its export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from samen.audit.models import Actie, AuditRegel, Kanaal
from samen.audit.queries import object_key
from samen.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(make_voorziening, make_user):
    office = make_user("programmabureau")
    v = make_voorziening(naam="Historievoorziening")
    from samen.portfolio import services

    services.update_voorziening(v, {"korte_omschrijving": "Nieuwe omschrijving."}, user=office)
    for n in range(5):
        record(Actie.OVERIG, v, user=office, kanaal=Kanaal.API, toelichting=f"regel {n}")
    return v, office


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_history_on_the_page_shows_who_when_and_what(trail):
    v, office = trail
    page = _client(office).get(f"/voorzieningen/{v.uuid}").content.decode()
    assert "Historie" in page
    assert office.username in page
    assert "Nieuwe omschrijving." in page  # the value after
    # the field by its label, not its technical name (issue 16: "veld: voor → na")
    assert "korte omschrijving" in page.lower()
    assert "korte_omschrijving" not in page


def test_anonymous_visitors_see_the_history_without_names(trail):
    v, office = trail
    page = _client().get(f"/voorzieningen/{v.uuid}").content.decode()
    assert "Historie" in page and "Nieuwe omschrijving." in page
    assert office.username not in page


def test_the_search_page_is_for_the_programme_office(trail, make_user):
    v, office = trail
    assert _client().get("/audit").status_code == 302
    for rol in ("gemeente", "taskforce", "financien", "administratiekantoor", "aanbieder"):
        extra = {"gemeente": "GM0014"} if rol == "gemeente" else {}
        assert _client(make_user(rol, **extra)).get("/audit").status_code == 403, rol
    response = _client(office).get(
        "/audit",
        {"objectType": "portfolio.voorziening", "objectId": object_key(v)[1], "kanaal": "api"},
    )
    assert response.status_code == 200
    assert response.content.decode().count("regel ") >= 5


def test_the_search_page_exports_csv_and_xlsx(trail):
    v, office = trail
    client = _client(office)
    csv = client.get("/audit", {"gebruiker": office.username, "formaat": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("tijdstip;gebruiker;kanaal")
    assert body.count("regel ") == 5
    xlsx = client.get("/audit", {"formaat": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_api_filters_and_pages(trail, make_user):
    v, office = trail
    api = APIClient()
    assert api.get("/api/v1/audit").status_code == 403
    api.force_authenticate(make_user("financien"))
    assert api.get("/api/v1/audit").status_code == 403
    api.force_authenticate(office)
    response = api.get(
        "/api/v1/audit",
        {"objectType": "portfolio.voorziening", "objectId": object_key(v)[1], "kanaal": "api"},
    )
    assert response.status_code == 200
    body = response.json()
    rows = body.get("results", body)
    assert len(rows) == 5
    assert {r["toelichting"] for r in rows} == {f"regel {n}" for n in range(5)}
    assert rows[0]["gebruiker"] == office.username
    today = dt.date.today()
    assert api.get("/api/v1/audit", {"van": today.isoformat(), "tot": today.isoformat()}).json()
    future = (today + dt.timedelta(days=2)).isoformat()
    empty = api.get("/api/v1/audit", {"van": future}).json()
    assert (empty.get("results", empty)) == []
    assert api.get("/api/v1/audit", {"van": "gisteren"}).status_code == 400
    assert api.get("/api/v1/audit", {"kanaal": "fax"}).status_code == 400


def test_the_api_uses_a_constant_number_of_queries(trail):
    v, office = trail
    api = APIClient()
    api.force_authenticate(office)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/audit").status_code == 200
        return len(queries)

    before = count()
    for n in range(30):
        record(Actie.OVERIG, v, user=office, toelichting=f"extra {n}")
    assert count() == before
    assert AuditRegel.objects.count() > 30


@pytest.mark.parametrize("tot", ["9999-12-31", "0001-01-01", "²⁰²⁰-01-01"])
def test_an_impossible_period_is_a_clear_refusal_not_a_500(trail, tot):
    """Issue 13/14: `tot=9999-12-31` overflowed (date + one day); the page and the API name the
    field and the range instead."""
    v, office = trail
    page = _client(office).get("/audit", {"tot": tot})
    assert page.status_code == 400
    assert "tot" in page.content.decode()
    api = APIClient()
    api.force_authenticate(office)
    response = api.get("/api/v1/audit", {"tot": tot})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_search_page_exports_csv_for_dutch_spreadsheets(trail):
    v, office = trail
    response = _client(office).get("/audit", {"formaat": "csv-nl"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-nl.csv"')
    assert response.content.decode("utf-8-sig").count("regel ") == 5
