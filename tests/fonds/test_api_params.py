"""Every query parameter of the fund's API goes through the shared layer (samen.api.filters):
a hostile value is a 400 problem naming the parameter, never a 500 and never a silent default."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from samen.fonds.models import Fonds

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HOSTILE = ["²²²²", "99999999999", "\x00", "", "0001-01-01", "9999-12-31", "1999", "2051", "٢٠١٨"]
BAD_DATES = ["²²²²", "99999999999", "\x00", "", "0001-01-01", "9999-12-31", "2018-02-30"]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def fonds(db):
    return Fonds.objects.create(naam="Testfonds")


def _problem(response, *names):
    assert response.status_code == 400, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert sorted(p["name"] for p in body["invalidParams"]) == sorted(names), body
    return {p["name"]: p["reason"] for p in body["invalidParams"]}


def _year_paths(fonds):
    return [
        "/api/v1/bijdragen",
        f"/api/v1/fondsen/{fonds.uuid}/verantwoording",
        f"/api/v1/fondsen/{fonds.uuid}/aansluiting",
    ]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_year_is_a_problem_naming_jaar(api, fonds, value):
    for path in _year_paths(fonds):
        reason = _problem(api.get(path, {"jaar": value}), "jaar")["jaar"]
        if value != "\x00":  # NUL is refused before any parsing, with its own reason
            assert "2000" in reason and "2050" in reason, (path, reason)


def test_the_year_is_required_and_its_bounds_are_open(api, fonds):
    for path in _year_paths(fonds):
        _problem(api.get(path), "jaar")
        assert api.get(path, {"jaar": "2000"}).status_code == 200, path
        assert api.get(path, {"jaar": "2050"}).status_code == 200, path


def test_contributions_list_every_invalid_parameter_at_once(api):
    reasons = _problem(
        api.get("/api/v1/bijdragen", {"jaar": "²", "pageSize": "0"}), "jaar", "pageSize"
    )
    assert "jaar" in reasons


@pytest.mark.parametrize("value", BAD_DATES)
def test_a_hostile_reference_date_is_a_problem_naming_peildatum(api, fonds, value):
    path = f"/api/v1/fondsen/{fonds.uuid}/tussentijdse-controle"
    _problem(api.get(path, {"peildatum": value}), "peildatum")


def test_the_reference_date_is_required_within_the_platform_years(api, fonds):
    path = f"/api/v1/fondsen/{fonds.uuid}/tussentijdse-controle"
    _problem(api.get(path), "peildatum")
    _problem(api.get(path, {"peildatum": "1999-12-31"}), "peildatum")
    assert api.get(path, {"peildatum": "2000-01-01"}).status_code == 200
    assert api.get(path, {"peildatum": "2050-12-31"}).status_code == 200


def test_an_unknown_fund_is_a_404_after_a_valid_parameter(api):
    path = "/api/v1/fondsen/00000000-0000-0000-0000-000000000000/aansluiting"
    assert api.get(path, {"jaar": "2018"}).status_code == 404
    assert api.get("/api/v1/fondsen/x/aansluiting", {"jaar": "2018"}).status_code == 404


def test_lists_without_filters_refuse_bad_pages(api):
    for path in (
        "/api/v1/fondsen",
        "/api/v1/compartimenten",
        "/api/v1/begrotingsposten",
        "/api/v1/autorisaties",
        "/api/v1/verplichtingen",
        "/api/v1/realisaties",
    ):
        _problem(api.get(path, {"page": "²"}), "page")
        assert api.get(path).status_code == 200, path
