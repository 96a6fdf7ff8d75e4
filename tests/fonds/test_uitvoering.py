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
    assert services.free_to_authorise(activiteit, 2019) == Decimal("1700000.00")
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
    assert services.authorised(activiteit, 2018) == 0
    with pytest.raises(DomainError):
        services.decide_authorisation(voorstel, True, dt.date(2018, 1, 21))


def test_interim_control_page(client, activiteit):
    page = client.get("/fonds/controle?peildatum=2018-03-31")
    assert page.status_code == 200 and "IBD" in page.content.decode()
    xlsx = client.get("/fonds/controle?peildatum=2018-03-31&formaat=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
