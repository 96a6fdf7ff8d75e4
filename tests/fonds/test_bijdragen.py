"""Contributions per municipality: exact sums on the population rule; reconciliation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.core.errors import DomainError
from samen.fonds import contributions, queries, services
from samen.fonds.demo import load_fonds
from samen.fonds.models import Activiteit, Bijdrage, Fonds, GenoemdTotaal

pytestmark = pytest.mark.django_db
TOTAL = Decimal("52300000.00")


@pytest.fixture
def fonds(db):
    return Fonds.objects.create(naam="Testfonds")


@pytest.mark.sqlite
@pytest.mark.parametrize("jaar, gemeenten", [(2018, 380), (2024, 342)])
def test_exact_sums_for_52_3_million(fonds, jaar, gemeenten):
    regeling = services.set_contribution(fonds, jaar, totaal=TOTAL)
    rows = Bijdrage.objects.filter(regeling=regeling)
    assert rows.count() == gemeenten
    assert sum(r.bedrag for r in rows) == TOTAL
    assert rows.aggregate(s=Sum("bedrag"))["s"] == TOTAL
    amsterdam = rows.get(gemeente__code="GM0363")
    exact = TOTAL * amsterdam.inwoners / rows.aggregate(n=Sum("inwoners"))["n"]
    assert abs(amsterdam.bedrag - exact) < Decimal("0.01")


def test_same_setting_twice_changes_nothing_and_new_total_replaces(fonds):
    first = services.set_contribution(fonds, 2018, totaal=TOTAL)
    assert services.set_contribution(fonds, 2018, totaal=TOTAL).pk == first.pk
    second = services.set_contribution(fonds, 2018, totaal=Decimal("1000000.00"))
    assert second.pk != first.pk
    assert queries.totals(fonds, 2018)["bedrag"] == Decimal("1000000.00")


def test_per_inhabitant_rounds_once_per_municipality(fonds):
    regeling = services.set_contribution(fonds, 2018, per_inwoner=Decimal("3.0617"))
    rows = Bijdrage.objects.filter(regeling=regeling)
    for r in rows[:20]:
        assert r.bedrag == (Decimal("3.0617") * r.inwoners).quantize(Decimal("0.01"))
    assert regeling.totaal == sum(r.bedrag for r in rows)


def test_bad_input(fonds):
    with pytest.raises(DomainError) as exc:
        services.set_contribution(fonds, 2018, totaal="100.001")
    assert exc.value.problems[0].name == "totaal"
    with pytest.raises(DomainError):
        services.set_contribution(fonds, 2018, totaal=-5)
    with pytest.raises(DomainError):
        services.set_contribution(fonds, 2018)
    with pytest.raises(DomainError):
        services.set_contribution(fonds, 2010, totaal=5)
    assert not Bijdrage.objects.exists()


@settings(max_examples=100)
@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.dictionaries(
        st.from_regex(r"GM[0-9]{4}", fullmatch=True),
        st.integers(min_value=1, max_value=10**6),
        min_size=1,
        max_size=50,
    ),
)
def test_any_total_any_population_sums_exactly(total, inhabitants):
    shares = contributions.shares_of_total(total, inhabitants)
    assert sum(shares.values()) == total


@pytest.mark.sqlite
def test_seed_overview_reports_the_wrong_subtotal(client):
    load_fonds()
    fonds = Fonds.objects.get()
    result = {a.label: a for a in queries.reconcile(fonds, 2017)}
    assert result["Totaal structureel"].verschil == Decimal("-90000.00")
    assert result["Totaal eenmalig"].klopt and result["Totaal 2017"].klopt
    page = client.get("/fonds").content.decode()
    assert "Het genoemde totaal wordt niet gebruikt" in page
    api = client.get(f"/api/v1/fondsen/{fonds.uuid}/aansluiting?jaar=2017").json()
    assert [a["klopt"] for a in api] == [False, True, True]
    bijdragen = client.get("/api/v1/bijdragen?jaar=2018&pageSize=500").json()
    assert bijdragen["count"] == 380
    assert sum(Decimal(b["bedrag"]) for b in bijdragen["results"]) == TOTAL
    assert client.get("/api/v1/bijdragen").status_code == 400
    assert client.get("/fonds/bijdragen?jaar=2018").status_code == 200
    assert client.get("/fonds/bijdragen.csv?jaar=2018").status_code == 200
    what = client.get("/fonds/wat-als?totaal=52300000&jaar=2018").content.decode()
    assert "Per inwoner: € 3.0618" in what or "Per inwoner: € 3,0618" in what


def test_budget_versions_and_bad_amounts(fonds):
    from samen.fonds.models import Compartiment

    comp = Compartiment.objects.create(fonds=fonds, code="beheer", naam="Beheer")
    a = Activiteit.objects.create(compartiment=comp, naam="IBD", soort="structureel")
    services.enter_budget(a, 2018, "2000000")
    services.enter_budget(a, 2018, "2100000", toelichting="herzien")
    (current,) = queries.current_budget(fonds, 2018)
    assert (current.versie, current.bedrag) == (2, Decimal("2100000"))
    assert a.begroting.count() == 2  # history stays
    for bad in ("-1", "1.005", "x"):
        with pytest.raises(DomainError):
            services.enter_budget(a, 2018, bad)
    GenoemdTotaal.objects.create(
        fonds=fonds, jaar=2018, label="T", bedrag=Decimal("2100000"), bron="test"
    )
    assert queries.reconcile(fonds, 2018)[0].klopt


def test_finance_sets_a_contribution_through_the_api(fonds, make_user):
    from rest_framework.test import APIClient

    api = APIClient()
    body = {"fonds": str(fonds.uuid), "jaar": 2024, "totaal": "52300000.00"}
    api.force_authenticate(make_user("college"))
    assert api.post("/api/v1/bijdragen", body, format="json").status_code == 403
    api.force_authenticate(make_user("financien"))
    r = api.post("/api/v1/bijdragen", body, format="json")
    assert r.status_code == 201 and r.json()["gemeenten"] == 342
    bad = api.post("/api/v1/bijdragen", {**body, "totaal": "1.001"}, format="json")
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "totaal"
