"""The financing forms entered through their services: the key, the compensation of the centre
municipalities and the regions; invoiced through the abonnementen invoicing, idempotent,
reconciled; public pages and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.abonnementen import queries as abonnementen_queries
from samen.abonnementen.models import Arrangement, Factuur
from samen.audit.models import AuditRegel
from samen.core.errors import Conflict, DomainError
from samen.financiering import queries, services
from samen.financiering.models import Compensatie
from samen.gemeenten.models import Gemeente
from tests.factories import ArrangementFactory, DienstFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

DATUM = dt.date(2017, 12, 1)


def arrangement(soort):
    a = ArrangementFactory(soort=soort, tarief=Decimal("0"), diensten=False, indices=False)
    DienstFactory(arrangement=a, code="uitvoering", budget=Decimal("100"))
    return a


def g(code):
    return Gemeente.objects.get(code=code)


def test_key_shares_add_up_and_invoice_once():
    a = arrangement(Arrangement.Soort.VERDEELSLEUTEL)
    sleutel = services.set_key(
        a,
        2018,
        "1.000.000,01",
        "begroting 2018",
        [{"gemeente": g("GM0363"), "gewicht": 10_000, "reden": "instelling", "bron": "x"}],
    )
    verdeling = queries.key_shares(sleutel)
    assert verdeling.totaal == Decimal("1000000.01")
    ams = next(r for r in verdeling.regels if r.gemeente.code == "GM0363")
    assert ams.sleutel == ams.inwoners + 10_000
    run = services.invoice_key(sleutel, factuurdatum=DATUM)
    assert run.uitgegeven == len(verdeling.regels)
    assert services.invoice_key(sleutel, factuurdatum=DATUM).uitgegeven == 0
    assert abonnementen_queries.mismatches(a) == []
    assert queries.reconcile_key(sleutel)["verschil"] == 0
    assert AuditRegel.objects.filter(object_id=str(sleutel.pk)).exists()
    # Once invoiced, the key of the year stays.
    with pytest.raises(DomainError):
        services.set_key(a, 2018, "5,00", "x")


@pytest.mark.parametrize("budget", ["0", "-1", "1,001", "abc"])
def test_key_refuses_bad_budgets(budget):
    a = arrangement(Arrangement.Soort.VERDEELSLEUTEL)
    with pytest.raises(DomainError):
        services.set_key(a, 2018, budget, "bron")


def test_key_refuses_wrong_kind_year_and_missing_source():
    with pytest.raises(DomainError):
        services.set_key(ArrangementFactory(), 2018, "10,00", "b")
    a = arrangement(Arrangement.Soort.VERDEELSLEUTEL)
    with pytest.raises(DomainError):
        services.set_key(a, 2030, "10,00", "b")
    with pytest.raises(DomainError):
        services.set_key(a, 2018, "10,00", "")


def test_compensation_only_for_centre_municipalities_once_a_year():
    c = services.record_compensation(g("GM0080"), 2019, "1.450.000,00", "grondslag", "mei", "b")
    assert c.bedrag == Decimal("1450000.00")
    with pytest.raises(Conflict):
        services.record_compensation(g("GM0080"), 2019, "1,00", "g", "c", "b")
    with pytest.raises(DomainError):
        services.record_compensation(g("GM0363"), 2019, "1,00", "g", "c", "b")
    assert Compensatie.objects.count() == 1
    assert not Factuur.objects.exists()  # recorded, not invoiced


def test_regions_divide_by_population_and_a_member_is_in_one_region():
    a = arrangement(Arrangement.Soort.REGIONALE_COMPENSATIE)
    r = services.set_region(a, 2018, "Noord", "30.000,00", [g("GM0014"), g("GM0080")], "b")
    with pytest.raises(DomainError):
        services.set_region(a, 2018, "Ander", "1,00", [g("GM0080")], "b")
    shares = queries.region_shares(r)
    assert shares.totaal == Decimal("30000.00")
    run = services.invoice_regions(a, 2018, factuurdatum=DATUM)
    assert run.uitgegeven == 2
    assert services.invoice_regions(a, 2018, factuurdatum=DATUM).uitgegeven == 0
    assert queries.reconcile_regions(a, 2018)["verschil"] == 0
    assert abonnementen_queries.mismatches(a) == []


def test_public_pages_and_api(client):
    from samen.financiering.demo import load_financiering

    assert "facturen" in load_financiering()
    assert load_financiering() == "al aanwezig"
    from samen.financiering.models import Regio, Verdeelsleutel

    sleutel = Verdeelsleutel.objects.get()
    for url in [
        "/financiering",
        f"/financiering/verdeelsleutels/{sleutel.uuid}",
        "/financiering/compensaties",
        "/financiering/regionale-compensatie",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "oorbeeld" in response.content.decode()
    assert (
        client.get("/financiering/verdeelsleutels/00000000-0000-0000-0000-000000000000").status_code
        == 404
    )
    body = client.get(f"/api/v1/verdeelsleutels/{sleutel.uuid}").json()
    assert sum(Decimal(a["bedrag"]) for a in body["aandelen"]) == sleutel.budget
    assert "extraGewicht" in body["aandelen"][0]
    assert client.get("/api/v1/compensaties?jaar=2019").json()["count"] == 2
    regio = Regio.objects.first()
    assert client.get(f"/api/v1/regios/{regio.uuid}").status_code == 200
    assert client.get("/api/v1/regios?jaar=abc").status_code == 400
