"""Every query parameter of the subscriptions' API goes through the shared filter layer
(samen.api.filters): a hostile value is a 400 problem naming the parameter, never a 500 and
never a silent default (issue 15)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from samen.accounts.models import Rol

HOSTILE_YEARS = ["²²²²", "99999999999", "20\x0018", "", "1999", "2051", "abcd"]
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "²⁰¹⁸-01-01", "2018-02-30", "", "2018-01-01\x00"]
HOSTILE_TEXT = ["", "GM00\x0014", "²²²²", "x" * 300]


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    return client


def _problem(response, *names):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert sorted(p["name"] for p in response.json()["invalidParams"]) == sorted(names)


@pytest.mark.parametrize("jaar", HOSTILE_YEARS)
def test_year_parameters_refuse_hostile_values(api, arrangement, jaar):
    _problem(api.get("/api/v1/facturen", {"jaar": jaar}), "jaar")
    _problem(api.get("/api/v1/tarieven", {"jaar": jaar}), "jaar")
    base = f"/api/v1/arrangementen/{arrangement.uuid}"
    _problem(api.get(f"{base}/aansluiting", {"jaar": jaar}), "jaar")
    _problem(api.get(f"{base}/wat-als", {"jaar": jaar}), "jaar")


def test_the_year_of_a_computation_is_required(api, arrangement):
    base = f"/api/v1/arrangementen/{arrangement.uuid}"
    for path in ("aansluiting", "wat-als"):
        r = api.get(f"{base}/{path}")
        _problem(r, "jaar")
        assert r.json()["invalidParams"][0]["reason"] == "Verplicht: een jaartal."


@pytest.mark.parametrize("peildatum", HOSTILE_DATES)
def test_the_subscriptions_reference_date_refuses_hostile_values(api, arrangement, peildatum):
    _problem(api.get("/api/v1/abonnementen", {"peildatum": peildatum}), "peildatum")


@pytest.mark.parametrize("value", [*HOSTILE_TEXT, "nope", "0" * 37])
def test_uuid_parameters_refuse_hostile_values(api, arrangement, value):
    _problem(api.get("/api/v1/abonnementen", {"arrangement": value}), "arrangement")
    _problem(api.get("/api/v1/tarieven", {"arrangement": value}), "arrangement")


@pytest.mark.parametrize("value", [*HOSTILE_TEXT, "GMabcd", "0344"])
def test_municipality_and_kind_parameters_refuse_hostile_values(api, arrangement, value):
    _problem(api.get("/api/v1/abonnementen", {"gemeente": value}), "gemeente")
    _problem(api.get("/api/v1/facturen", {"gemeente": value, "soort": value}), "gemeente", "soort")
    r = api.get(
        f"/api/v1/arrangementen/{arrangement.uuid}/wat-als", {"jaar": 2018, "nietBetalend": value}
    )
    _problem(r, "nietBetalend")


def test_every_invalid_parameter_in_one_problem_with_the_paginator(api, arrangement):
    r = api.get("/api/v1/facturen", {"jaar": "²²²²", "soort": "x", "gemeente": "y", "page": "0"})
    _problem(r, "gemeente", "jaar", "page", "soort")
    r = api.get("/api/v1/abonnementen", {"peildatum": "x", "arrangement": "y", "pageSize": "501"})
    _problem(r, "arrangement", "pageSize", "peildatum")


def test_valid_parameters_still_filter(api, arrangement):
    r = api.get(
        "/api/v1/abonnementen",
        {"gemeente": "gm0014", "arrangement": str(arrangement.uuid), "peildatum": "2018-01-01"},
    )
    assert r.status_code == 200 and [a["gemeente"] for a in r.json()["results"]] == ["GM0014"]
    r = api.get("/api/v1/tarieven", {"arrangement": str(arrangement.uuid), "jaar": "2019"})
    assert [row["jaar"] for row in r.json()["results"]] == [2019]
    r = api.get("/api/v1/facturen", {"jaar": "2018", "soort": "factuur", "gemeente": "GM0014"})
    assert r.status_code == 200 and r.json()["results"] == []
    many = ",".join(f"GM{n:04d}" for n in range(1, 100))  # longer than a free text
    r = api.get(
        f"/api/v1/arrangementen/{arrangement.uuid}/wat-als", {"jaar": 2018, "nietBetalend": many}
    )
    assert r.status_code == 200, r.content


def test_a_detail_ignores_the_lists_parameters(api, arrangement):
    """The filters apply to the list: a detail's query is not a filter (as before)."""
    import datetime as dt

    from samen.abonnementen import services
    from samen.abonnementen.models import Factuur

    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    factuur = Factuur.objects.filter(arrangement=arrangement).first()
    r = api.get(f"/api/v1/facturen/{factuur.uuid}", {"jaar": "2019", "soort": "x"})
    assert r.status_code == 200 and r.json()["nummer"] == factuur.nummer
