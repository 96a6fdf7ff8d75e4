"""Authorisation, commitments, realisation and interim control."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.besluiten.models import Besluit
from samen.core.errors import DomainError
from samen.fonds import queries, services
from samen.fonds.models import Activiteit, Compartiment, Fonds, Realisatie

pytestmark = pytest.mark.django_db


@pytest.fixture
def activiteit(db):
    fonds = Fonds.objects.create(naam="Testfonds")
    comp = Compartiment.objects.create(fonds=fonds, code="beheer", naam="Beheer")
    a = Activiteit.objects.create(
        compartiment=comp, naam="IBD", soort="structureel", verplichting_vereist=True
    )
    services.enter_budget(a, 2018, "2000000")
    services.enter_budget(a, 2019, "2000000")
    return a


@pytest.mark.sqlite
def test_year_of_authorisation_commitment_realisation(activiteit):
    with pytest.raises(DomainError):  # above the budget
        services.propose_authorisation(activiteit, 2018, "2500000")
    voorstel = services.propose_authorisation(activiteit, 2018, "1500000")
    with pytest.raises(DomainError):  # nothing authorised yet
        services.enter_commitment(activiteit, "V1", "contract", dt.date(2018, 2, 1), {2018: "100"})
    voorstel = services.decide_authorisation(voorstel, True, dt.date(2018, 1, 20))
    assert voorstel.besluit.soort == "autorisatie" and voorstel.status == "vastgesteld"
    assert Besluit.objects.filter(soort="autorisatie").count() == 1
    with pytest.raises(DomainError) as exc:
        services.enter_commitment(
            activiteit, "V1", "contract", dt.date(2018, 2, 1), {2018: "1600000"}
        )
    assert exc.value.problems[0].code == "over_authorisation"
    v = services.enter_commitment(
        activiteit, "V1", "contract", dt.date(2018, 2, 1), {2018: "1200000", 2019: "300000"}
    )
    with pytest.raises(DomainError) as exc:  # a commitment is required
        services.enter_realisation(activiteit, dt.date(2018, 3, 1), "1000", "F1")
    assert exc.value.problems[0].name == "verplichting"
    services.enter_realisation(activiteit, dt.date(2018, 3, 1), "600000.00", "F1", verplichting=v)
    with pytest.raises(DomainError):  # beyond the commitment's term for 2018
        services.enter_realisation(
            activiteit, dt.date(2018, 4, 1), "600000.01", "F2", verplichting=v
        )
    with pytest.raises(DomainError):  # more than 2 decimals
        services.enter_realisation(activiteit, dt.date(2018, 4, 1), "1.001", "F3", verplichting=v)
    assert Realisatie.objects.count() == 1
    assert queries.free_to_authorise(activiteit, 2019) == Decimal("1700000.00")
    with pytest.raises(DomainError):  # later year beyond its budget
        services.enter_commitment(activiteit, "V2", "x", dt.date(2018, 5, 1), {2019: "1700000.01"})

    (row,) = queries.interim_control(activiteit.compartiment.fonds, dt.date(2018, 3, 31))
    assert (row.begroot, row.geautoriseerd, row.verplicht, row.gerealiseerd) == (
        Decimal("2000000.00"),
        Decimal("1500000.00"),
        Decimal("1200000.00"),
        Decimal("600000.00"),
    )
    assert row.prognose > row.geautoriseerd and "boven de autorisatie" in row.waarschuwing


def test_rejected_authorisation_allows_nothing(activiteit):
    voorstel = services.propose_authorisation(activiteit, 2018, "100")
    services.decide_authorisation(voorstel, False, dt.date(2018, 1, 20))
    assert queries.authorised(activiteit, 2018) == 0
    with pytest.raises(DomainError):
        services.decide_authorisation(voorstel, True, dt.date(2018, 1, 21))


def test_interim_control_page(client, activiteit):
    page = client.get("/fonds/controle?peildatum=2018-03-31")
    assert page.status_code == 200 and "IBD" in page.content.decode()
    xlsx = client.get("/fonds/controle?peildatum=2018-03-31&formaat=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_year_through_the_api_per_role(activiteit, make_user):
    from rest_framework.test import APIClient

    api = APIClient()
    a = str(activiteit.uuid)
    as_ = lambda rol: api.force_authenticate(make_user(rol))  # noqa: E731
    as_("college")
    assert (
        api.post(
            "/api/v1/begrotingsposten",
            {"activiteit": a, "jaar": 2018, "bedrag": "1"},
            format="json",
        ).status_code
        == 403
    )
    as_("financien")
    r = api.post(
        "/api/v1/begrotingsposten", {"activiteit": a, "jaar": 2018, "bedrag": "-5"}, format="json"
    )
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert (
        api.post(
            "/api/v1/autorisaties", {"activiteit": a, "jaar": 2018, "bedrag": "100"}, format="json"
        ).status_code
        == 403
    )
    as_("college")
    voorstel = api.post(
        "/api/v1/autorisaties", {"activiteit": a, "jaar": 2018, "bedrag": "1000000"}, format="json"
    )
    assert voorstel.status_code == 201, voorstel.content
    uuid = voorstel.json()["uuid"]
    assert (
        api.post(
            f"/api/v1/autorisaties/{uuid}/besluit", {"vastgesteld": True}, format="json"
        ).status_code
        == 403
    )
    as_("bestuur")
    besluit = api.post(
        f"/api/v1/autorisaties/{uuid}/besluit",
        {"vastgesteld": True, "datum": "2018-01-15"},
        format="json",
    )
    assert besluit.status_code == 200 and besluit.json()["besluit"].startswith("B2018-")
    as_("financien")
    v = api.post(
        "/api/v1/verplichtingen",
        {
            "activiteit": a,
            "referentie": "V1",
            "omschrijving": "x",
            "datum": "2018-02-01",
            "termijnen": {"2018": "500000"},
        },
        format="json",
    )
    assert v.status_code == 201, v.content
    over = api.post(
        "/api/v1/realisaties",
        {
            "activiteit": a,
            "verplichting": v.json()["uuid"],
            "datum": "2018-03-01",
            "bedrag": "500000.01",
            "referentie": "F",
        },
        format="json",
    )
    assert over.status_code == 400
    ok = api.post(
        "/api/v1/realisaties",
        {
            "activiteit": a,
            "verplichting": v.json()["uuid"],
            "datum": "2018-03-01",
            "bedrag": "250000",
            "referentie": "F",
        },
        format="json",
    )
    assert ok.status_code == 201
    api.force_authenticate(None)
    assert len(api.get("/api/v1/realisaties").json()["results"]) == 1
    assert api.get("/api/v1/compartimenten").status_code == 200
    assert api.get("/api/v1/verplichtingen").json()["results"][0]["termijnen"] == {
        "2018": "500000.00"
    }


def test_accountability_report_with_notes(client, activiteit):
    from samen.fonds.models import Toelichting

    voorstel = services.propose_authorisation(activiteit, 2018, "1000000")
    services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
    v = services.enter_commitment(activiteit, "V", "x", dt.date(2018, 2, 1), {2018: "800000"})
    services.enter_realisation(activiteit, dt.date(2018, 5, 1), "700000", "F", verplichting=v)
    Toelichting.objects.create(activiteit=activiteit, jaar=2018, tekst="Aanbesteding vertraagd.")
    report = queries.accountability(activiteit.compartiment.fonds, 2018)
    (row,) = report["compartimenten"][0]["rows"]
    assert row["verschil"] == Decimal("1300000.00") and row["toelichting"].startswith(
        "Aanbesteding"
    )
    assert report["totalen"]["gerealiseerd"] == Decimal("700000.00")
    page = client.get("/fonds/verantwoording?jaar=2018").content.decode()
    assert "Aanbesteding vertraagd." in page
    pdf = client.get("/fonds/verantwoording?jaar=2018&formaat=pdf")
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get("/fonds/verantwoording?jaar=2018&formaat=xlsx")
    assert xlsx.status_code == 200


def test_budget_revision_below_commitments_is_refused(activiteit):
    voorstel = services.propose_authorisation(activiteit, 2018, "1000000")
    services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
    services.enter_commitment(activiteit, "V", "x", dt.date(2018, 2, 1), {2018: "800000"})
    with pytest.raises(DomainError) as exc:
        services.enter_budget(activiteit, 2018, "900000")
    assert "al is geautoriseerd of verplicht" in exc.value.problems[0].reason
    assert queries.budget_of(activiteit, 2018) == Decimal("2000000")
    services.enter_budget(activiteit, 2018, "1000000")  # not below: accepted


def test_reports_as_api_resources(client, activiteit):
    fonds = activiteit.compartiment.fonds
    rows = client.get(f"/api/v1/fondsen/{fonds.uuid}/tussentijdse-controle?peildatum=2018-06-30")
    assert rows.status_code == 200 and rows.json()[0]["begroot"] == "2000000.00"
    assert client.get(f"/api/v1/fondsen/{fonds.uuid}/tussentijdse-controle").status_code == 400
    report = client.get(f"/api/v1/fondsen/{fonds.uuid}/verantwoording?jaar=2018").json()
    assert report[0]["activiteit"] == "IBD" and report[0]["verschil"] == "2000000.00"


def test_incentive_from_the_participation_register(activiteit, make_voorziening):
    from samen.deelnames.models import Deelname
    from samen.gemeenten.models import Gemeente

    voorstel = services.propose_authorisation(activiteit, 2018, "100000")
    services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
    v = make_voorziening(fase="opschaling")
    for code, live in (
        ("GM0363", dt.date(2017, 10, 1)),
        ("GM0599", dt.date(2018, 2, 1)),
        ("GM0518", None),
    ):
        Deelname.objects.create(
            gemeente=Gemeente.objects.get(code=code),
            voorziening=v,
            herkomst="aanmelding",
            sinds=dt.date(2017, 1, 1),
            status="in_gebruik" if live else "gepland",
            live_op=live,
        )
    verplichting = services.grant_incentive(
        activiteit, v, "25000", dt.date(2018, 1, 1), dt.date(2018, 3, 1), "P-1"
    )
    assert verplichting.soort == "stimulering"
    assert [o.gemeente.code for o in verplichting.ontvangers.all()] == ["GM0363"]
    assert queries.committed(activiteit, 2018) == Decimal("25000.00")
    with pytest.raises(DomainError):  # four of them would exceed the authorisation
        services.grant_incentive(
            activiteit, v, "90000", dt.date(2018, 12, 31), dt.date(2018, 3, 1), "P-2"
        )


def test_entered_key_instead_of_population():
    from samen.fonds.models import Bijdrage
    from samen.gemeenten.models import Gemeente

    fonds = Fonds.objects.create(naam="Sleutelfonds")
    codes = list(Gemeente.objects.op(dt.date(2024, 1, 1)).values_list("code", flat=True))
    key = dict.fromkeys(codes, 1)
    key["GM0363"] = 10
    with pytest.raises(DomainError) as exc:
        services.set_contribution(fonds, 2024, totaal="1000", sleutel={"GM0363": 1})
    assert len(exc.value.problems) == 341  # every missing municipality is listed
    regeling = services.set_contribution(fonds, 2024, totaal="1000.00", sleutel=key)
    assert regeling.sleutel == "ingevoerd"
    rows = Bijdrage.objects.filter(regeling=regeling)
    assert sum(r.bedrag for r in rows) == Decimal("1000.00")
    assert rows.get(gemeente__code="GM0363").bedrag > rows.get(gemeente__code="GM0599").bedrag


def test_prefinancing_is_repaid_exactly(activiteit):
    voorstel = services.propose_authorisation(activiteit, 2018, "500000")
    services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
    with pytest.raises(DomainError) as exc:
        services.prefinance(
            activiteit,
            "VF",
            "project",
            dt.date(2018, 2, 1),
            {2018: "300000"},
            {2019: "100000", 2020: "100000"},
        )
    assert "niet gelijk" in exc.value.problems[0].reason
    v = services.prefinance(
        activiteit,
        "VF",
        "project",
        dt.date(2018, 2, 1),
        {2018: "300000"},
        {2019: "150000", 2020: "150000"},
    )
    assert v.soort == "voorfinanciering"
    t = v.terugbetalingen.get(jaar=2019)
    services.register_repayment(t, "100000")
    with pytest.raises(DomainError):
        services.register_repayment(t, "50000.01")
    t.refresh_from_db()
    assert t.ontvangen == Decimal("100000")


def test_multi_year_budget(client, activiteit):
    result = queries.multi_year(activiteit.compartiment.fonds, 2017)
    assert result["jaren"] == [2017, 2018, 2019, 2020]
    assert result["totalen"] == [Decimal(0), Decimal("2000000"), Decimal("2000000"), Decimal(0)]
    assert client.get("/fonds/meerjarenbegroting?vanaf=2017").status_code == 200
