"""API of the subscriptions: public tariffs and arrangements, municipality-scoped invoices with a
PDF representation, corrections and billing runs by the administration office only, problem+json
errors, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from samen.abonnementen import services
from samen.abonnementen.models import Factuur, Factuurrun
from samen.accounts.models import Rol

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def billed(arrangement):
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    return arrangement


def test_arrangement_tariffs_and_derivation_are_public(api, billed):
    r = api.get("/api/v1/arrangementen")
    assert r.status_code == 200
    a = r.json()["results"][0]
    assert a["tarief"] == "0.90"
    assert a["afleiding"]["exact"] == "0.8969" and a["afleiding"]["afgerond"] == "0.90"
    assert [d["code"] for d in a["diensten"]][:2] == ["vertrouwenswerk", "kindertelefoon"]
    r = api.get(f"/api/v1/arrangementen/{billed.uuid}/aandelen")
    shares = {row["code"]: row["aandeel"] for row in r.json()}
    assert shares["luisterend-oor"] == "0.2315"
    r = api.get("/api/v1/tarieven", {"arrangement": str(billed.uuid), "jaar": 2019})
    row = r.json()["results"][0]
    assert (row["tarief"], row["vrijgesteldePrijzen"]["luisterend-oor"]) == ("0.92", "0.68")
    r = api.get(f"/api/v1/arrangementen/{billed.uuid}/aansluiting", {"jaar": 2018})
    assert r.status_code == 200 and r.json()["afwijkingen"] == []
    assert r.json()["facturen"] == 380
    r = api.get(
        f"/api/v1/arrangementen/{billed.uuid}/wat-als", {"jaar": 2018, "nietBetalend": "GM0014"}
    )
    assert r.status_code == 200 and r.json()["nietBetalend"] == ["GM0014"]


def test_invalid_query_parameters_are_all_listed(api, billed):
    r = api.get(
        f"/api/v1/arrangementen/{billed.uuid}/wat-als", {"jaar": 2030, "nietBetalend": "X1"}
    )
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in r.json()["invalidParams"]} == {"jaar", "nietBetalend"}
    r = api.get("/api/v1/tarieven", {"arrangement": "nope", "jaar": "x"})
    assert {p["name"] for p in r.json()["invalidParams"]} == {"arrangement", "jaar"}


def test_subscriptions_with_exemptions(api, billed):
    r = api.get("/api/v1/abonnementen", {"gemeente": "gm0363", "arrangement": str(billed.uuid)})
    [row] = r.json()["results"]
    assert row["vrijstellingen"][0]["dienst"] == "luisterend-oor"


def test_invoices_are_not_public(api, billed):
    assert api.get("/api/v1/facturen").status_code == 403
    f = Factuur.objects.filter(arrangement=billed).first()
    assert api.get(f"/api/v1/facturen/{f.uuid}").status_code == 403


def test_a_municipality_sees_only_its_own_invoices(api, billed, make_user):
    api.force_authenticate(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    r = api.get("/api/v1/facturen")
    rows = r.json()["results"]
    assert r.json()["count"] == 1 and rows[0]["gemeente"] == "GM0014"
    own = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    assert sum(float(x["bedrag"]) for x in rows[0]["regels"]) == pytest.approx(float(own.totaal))
    other = Factuur.objects.get(arrangement=billed, gemeente__code="GM0363")
    assert api.get(f"/api/v1/facturen/{other.uuid}").status_code == 404
    assert api.get(f"/api/v1/facturen/{own.uuid}").json()["totaal"] == str(own.totaal)
    # reading an invoice is in the audit trail
    from samen.audit.models import AuditRegel

    assert AuditRegel.objects.filter(
        object_type="abonnementen.factuur", object_id=str(own.pk), actie="lezen"
    ).exists()


def test_invoice_as_pdf_by_content_negotiation(api, billed, make_user):
    api.force_authenticate(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    own = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    r = api.get(f"/api/v1/facturen/{own.uuid}", HTTP_ACCEPT="application/pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    other = Factuur.objects.get(arrangement=billed, gemeente__code="GM0363")
    r = api.get(f"/api/v1/facturen/{other.uuid}", HTTP_ACCEPT="application/pdf")
    assert r.status_code == 404
    assert r["Content-Type"] == "application/problem+json"


def test_only_the_office_corrects_and_runs_billing(api, billed, make_user):
    f = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    body = {"reden": "CBS-correctie", "inwoners": f.inwoners - 100}
    for rol in (Rol.GEMEENTE, Rol.FINANCIEN, Rol.PROGRAMMABUREAU):
        api.force_authenticate(make_user(rol, gemeente="GM0014" if rol == Rol.GEMEENTE else None))
        assert (
            api.post(f"/api/v1/facturen/{f.uuid}/correctie", body, format="json").status_code == 403
        )
        r = api.post(
            "/api/v1/factuurruns", {"arrangement": str(billed.uuid), "jaar": 2019}, format="json"
        )
        assert r.status_code == 403
    assert not Factuur.objects.filter(verwijst_naar=f).exists()
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = api.post(f"/api/v1/facturen/{f.uuid}/correctie", body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["soort"] == "creditnota" and r.json()["verwijstNaar"] == f.nummer
    assert r.json()["totaal"] == "-90.00"
    r = api.post(f"/api/v1/facturen/{f.uuid}/correctie", {"reden": ""}, format="json")
    assert r.status_code == 400


def test_billing_run_through_the_api_as_a_job(api, billed, make_user):
    from samen.core.jobs import run_now
    from samen.core.models import Taak

    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = api.post(
        "/api/v1/factuurruns",
        {"arrangement": str(billed.uuid), "jaar": 2019, "factuurdatum": "2018-12-01"},
        format="json",
    )
    assert r.status_code == 202, r.content
    taak = run_now(Taak.objects.get(uuid=r.json()["uuid"]))
    assert taak.status == Taak.Status.GEREED, taak.bericht
    assert Factuur.objects.filter(arrangement=billed, jaar=2019).count() == 355
    runs = api.get("/api/v1/factuurruns").json()["results"]
    assert runs[0]["jaar"] == 2019 and runs[0]["uitgegeven"] == 355
    # outside the term: a problem naming the field, no job
    before = Taak.objects.count()
    r = api.post(
        "/api/v1/factuurruns", {"arrangement": str(billed.uuid), "jaar": 2030}, format="json"
    )
    assert r.status_code == 400 and r.json()["invalidParams"][0]["name"] == "jaar"
    assert Taak.objects.count() == before
    assert Factuurrun.objects.filter(jaar=2030).count() == 0


@pytest.mark.parametrize("url", ["/api/v1/facturen", "/api/v1/abonnementen", "/api/v1/factuurruns"])
def test_list_endpoints_run_a_constant_number_of_queries(api, billed, make_user, url):
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    api.get(url, {"pageSize": 1})
    with CaptureQueriesContext(connection) as small:
        assert api.get(url, {"pageSize": 2}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert api.get(url, {"pageSize": 200}).status_code == 200
    assert len(small) == len(large)


def test_a_correction_with_an_absurd_number_of_inhabitants_is_a_400(api, billed, make_user):
    """Found by the fuzzer: 28,315,459,057 inhabitants overflowed the database column (500)."""
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    f = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    r = api.post(
        f"/api/v1/facturen/{f.uuid}/correctie",
        {"reden": "x", "inwoners": 28_315_459_057},
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["invalidParams"][0]["name"] == "inwoners"
    assert not Factuur.objects.filter(verwijst_naar=f).exists()
