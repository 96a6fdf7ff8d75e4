"""Every query parameter of the collection API goes through the shared filter layer
(samen.api.filters): a hostile value is a 400 problem naming the parameter, never a 500 and
never a silent default (issue 15)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from samen.accounts.models import Rol

HOSTILE = ["", "²²²²", "99999999999", "x\x00", "x" * 300]
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "²⁰¹⁸-01-01", "2018-02-30", "", "2018-01-01\x00"]


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    return client


def _problem(response, *names):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert sorted(p["name"] for p in response.json()["invalidParams"]) == sorted(names)


@pytest.mark.parametrize("value", [*HOSTILE, "GMabcd", "betaald"])
def test_payment_filters_refuse_hostile_values(api, value):
    r = api.get("/api/v1/betalingen", {"status": value, "soort": value, "gemeente": value})
    _problem(r, "gemeente", "soort", "status")


@pytest.mark.parametrize("value", [*HOSTILE, "nope", "0" * 37])
def test_the_period_of_afdrachten_is_a_uuid(api, value):
    _problem(api.get("/api/v1/afdrachten", {"periode": value}), "periode")


@pytest.mark.parametrize("peildatum", HOSTILE_DATES)
def test_the_reference_date_of_overdue_invoices_refuses_hostile_values(api, peildatum):
    _problem(api.get("/api/v1/achterstallige-facturen", {"peildatum": peildatum}), "peildatum")


def test_every_invalid_parameter_in_one_problem_with_the_paginator(api):
    r = api.get("/api/v1/achterstallige-facturen", {"peildatum": "x", "page": "0"})
    _problem(r, "page", "peildatum")
    r = api.get("/api/v1/afdrachten", {"periode": "x", "pageSize": "501"})
    _problem(r, "pageSize", "periode")


def test_valid_parameters_still_filter(api, db):
    r = api.get(
        "/api/v1/betalingen", {"status": "ongematcht", "soort": "betaling", "gemeente": "gm0014"}
    )
    assert r.status_code == 200 and r.json()["results"] == []
    r = api.get("/api/v1/afdrachten", {"periode": "8d3e0c36-1f07-4c5e-9e8b-1d1a2b3c4d5e"})
    assert r.status_code == 200 and r.json()["results"] == []
    r = api.get("/api/v1/achterstallige-facturen", {"peildatum": "2019-01-01"})
    assert r.status_code == 200
