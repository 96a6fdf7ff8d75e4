"""API of collection: scoping (municipality, provider, office), only the office registers,
imports and runs distribution, problem+json errors, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from samen.abonnementen.models import Factuur
from samen.accounts.models import Organisatie, Rol
from samen.audit.models import AuditRegel
from samen.inning import services
from samen.inning.models import Betaling
from tests.inning.conftest import entry, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def paid(billed):
    fs = list(Factuur.objects.filter(arrangement=billed, jaar=2018).order_by("volgnummer")[:12])
    entries = [entry(f) for f in fs] + [entry(None, bedrag="5.00", omschrijving="gift")]
    services.import_statement(statement(entries), "jan.xml")
    services.run_distribution(dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    return fs


def test_office_imports_a_statement_as_multipart(api, factuur, make_user):
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    data = statement([entry(factuur)])
    r = api.post(
        "/api/v1/bankafschriften",
        {"bestand": SimpleUploadedFile("jan.xml", data, "application/xml")},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert r.json()["bankafschrift"]["gekoppeld"] == 1 and not r.json()["alIngelezen"]
    r = api.post(
        "/api/v1/bankafschriften",
        {"bestand": SimpleUploadedFile("jan.xml", data, "application/xml")},
        format="multipart",
    )
    assert r.status_code == 200 and r.json()["alIngelezen"]
    r = api.post(
        "/api/v1/bankafschriften",
        {"bestand": SimpleUploadedFile("kapot.xml", b"<Document", "application/xml")},
        format="multipart",
    )
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert "kapot.xml" in r.json()["invalidParams"][0]["reason"]
    assert api.get("/api/v1/bankafschriften").json()["count"] == 1


def test_only_the_office_registers_imports_and_runs(api, factuur, make_user):
    for rol, kw in [
        (Rol.GEMEENTE, {"gemeente": "GM0014"}),
        (Rol.FINANCIEN, {}),
        (Rol.AANBIEDER, {"organisatie": Organisatie.objects.get(afkorting="AKJ")}),
    ]:
        api.force_authenticate(make_user(rol, **kw))
        r = api.post(
            "/api/v1/betalingen",
            {"bedrag": "1.00", "boekdatum": "2018-01-05", "factuur": str(factuur.uuid)},
            format="json",
        )
        assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
        r = api.post(
            "/api/v1/afdrachten", {"start": "2018-01-01", "eind": "2018-01-31"}, format="json"
        )
        assert r.status_code == 403
        r = api.post(
            "/api/v1/bankafschriften",
            {"bestand": SimpleUploadedFile("a.xml", b"<x/>")},
            format="multipart",
        )
        assert r.status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/betalingen").status_code in (401, 403)
    assert not Betaling.objects.exists()


def test_register_match_and_refund_by_hand(api, factuur, make_user):
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = api.post(
        "/api/v1/betalingen",
        {"bedrag": "100.00", "boekdatum": "2018-01-05", "factuur": str(factuur.uuid)},
        format="json",
        headers={"Idempotency-Key": "reg-1"},
    )
    assert r.status_code == 201 and r.json()["status"] == "gekoppeld"
    assert sum(float(x["bedrag"]) for x in r.json()["regels"]) == pytest.approx(100)
    r = api.post(
        "/api/v1/betalingen",
        {"bedrag": "7.00", "boekdatum": "2018-01-05", "omschrijving": "onbekend"},
        format="json",
        headers={"Idempotency-Key": "reg-2"},
    )
    assert r.json()["status"] == "ongematcht"
    uuid = r.json()["uuid"]
    r = api.get("/api/v1/betalingen", {"status": "ongematcht"})
    assert [b["uuid"] for b in r.json()["results"]] == [uuid]
    r = api.post(
        f"/api/v1/betalingen/{uuid}/koppelen", {"factuur": str(factuur.uuid)}, format="json"
    )
    assert r.status_code == 200 and r.json()["factuur"] == factuur.nummer
    r = api.post(f"/api/v1/betalingen/{uuid}/terugbetalen", {"reden": "x"}, format="json")
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    r = api.get("/api/v1/betalingen", {"status": "fout", "soort": "x"})
    assert {p["name"] for p in r.json()["invalidParams"]} == {"status", "soort"}
    assert AuditRegel.objects.filter(object_type="inning.betaling").count() == 3


def test_a_municipality_sees_only_its_own_payments(api, paid, make_user):
    mine = paid[0]
    api.force_authenticate(make_user(Rol.GEMEENTE, gemeente=mine.gemeente.code))
    r = api.get("/api/v1/betalingen")
    assert r.status_code == 200
    assert [b["factuur"] for b in r.json()["results"]] == [mine.nummer]
    theirs = Betaling.objects.get(factuur=paid[1])
    assert api.get(f"/api/v1/betalingen/{theirs.uuid}").status_code == 404
    unmatched = Betaling.objects.get(status="ongematcht")
    assert api.get(f"/api/v1/betalingen/{unmatched.uuid}").status_code == 404
    assert api.get("/api/v1/afdrachten").status_code == 403
    assert api.get("/api/v1/bankafschriften").status_code == 403


def test_a_provider_sees_only_its_own_statements(api, paid, make_user):
    akj = Organisatie.objects.get(afkorting="AKJ")
    api.force_authenticate(make_user(Rol.AANBIEDER, organisatie=akj))
    r = api.get("/api/v1/afdrachten")
    assert r.status_code == 200
    assert {a["aanbieder"] for a in r.json()["results"]} == {akj.naam}
    assert api.get("/api/v1/betalingen").status_code == 403
    assert api.get("/api/v1/afdrachten/aansluiting").status_code == 403


def test_office_runs_distribution_and_sees_the_reconciliation(api, billed, paid, make_user):
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = api.post("/api/v1/afdrachten", {"start": "2018-01-01", "eind": "2018-01-31"}, format="json")
    assert r.status_code == 200 and not r.json()["nieuw"]
    r = api.post("/api/v1/afdrachten", {"start": "2018-02-01", "eind": "2018-02-28"}, format="json")
    assert r.status_code == 201 and r.json()["nieuw"] and r.json()["afdrachten"] == []
    r = api.post("/api/v1/afdrachten", {"start": "2018-02-10", "eind": "2018-02-01"}, format="json")
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    r = api.get("/api/v1/afdrachten/aansluiting")
    body = r.json()
    assert body["klopt"] and body["afwijkingen"] == []
    assert body["geind"] == body["afgedragen"] and body["vastgehouden"] == "0.00"
    assert body["nietToegewezen"] == "5.00"
    r = api.get("/api/v1/achterstallige-facturen", {"peildatum": "2018-02-01"})
    assert r.status_code == 200 and r.json()["count"] == 380 - 12
    f = Factuur.objects.get(uuid=r.json()["results"][0]["factuur"])
    r = api.post(
        "/api/v1/herinneringen",
        {"factuur": str(f.uuid), "kanaal": "email", "datum": "2018-02-01"},
        format="json",
    )
    assert r.status_code == 201 and f.betalingskenmerk in r.json()["tekst"]
    r = api.post(
        "/api/v1/herinneringen",
        {"factuur": str(f.uuid), "kanaal": "email", "datum": "2018-02-02"},
        format="json",
    )
    assert r.status_code == 400 and "14 dagen" in r.json()["invalidParams"][0]["reason"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/betalingen",
        "/api/v1/bankafschriften",
        "/api/v1/afdrachten",
        "/api/v1/achterstallige-facturen",
        "/api/v1/herinneringen",
    ],
)
def test_list_endpoints_run_a_constant_number_of_queries(api, paid, make_user, url):
    for f in Factuur.objects.exclude(pk__in=[f.pk for f in paid]).order_by("id")[:3]:
        services.send_reminder(f, "brief", dt.date(2018, 3, 1))
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    api.get(url, {"pageSize": 1})
    with CaptureQueriesContext(connection) as small:
        assert api.get(url, {"pageSize": 2}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert api.get(url, {"pageSize": 200}).status_code == 200
    assert len(small) == len(large)
