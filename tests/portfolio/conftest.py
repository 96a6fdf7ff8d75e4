from __future__ import annotations

import datetime as dt

import pytest

from samen.accounts.models import Organisatie, Rol


@pytest.fixture
def criteria(db):
    from samen.portfolio.models import Criterium

    return [
        Criterium.objects.create(code="dienstverlening", naam="Dienstverlening", volgorde=1),
        Criterium.objects.create(code="bedrijfsvoering", naam="Bedrijfsvoering", volgorde=2),
        Criterium.objects.create(code="opschaling", naam="Opschaling", volgorde=3),
    ]


@pytest.fixture
def org(db):
    return Organisatie.objects.create(
        naam="Rijksdienst voor het Wegverkeer", afkorting="RDW", soort="ketenpartner"
    )


@pytest.fixture
def make_voorziening(db):
    from samen.portfolio import services

    counter = {"n": 0}

    def make(fase="initiatief", startdatum=dt.date(2017, 1, 1), **extra):
        counter["n"] += 1
        data = {
            "naam": f"Voorziening {counter['n']}",
            "korte_omschrijving": "Een voorziening om te testen.",
            "spoor": 2,
            "domein": "publieksdienstverlening",
            "soort": "applicatie",
            "gebruikers": "gemeente",
            "startdatum": startdatum,
            **extra,
        }
        return services.create_voorziening(data, {"wat_is_het": "Iets."}, fase=fase)

    return make


@pytest.fixture
def office(make_user):
    return make_user(Rol.PROGRAMMABUREAU)


@pytest.fixture
def taskforce(make_user):
    return make_user(Rol.TASKFORCE)
