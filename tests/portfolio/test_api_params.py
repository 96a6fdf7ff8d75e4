"""Every query parameter of the portfolio's API goes through the shared layer
(samen.api.filters): a hostile value is a 400 problem naming the parameter, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from samen.core import clock
from samen.portfolio import services

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HOSTILE = ["²²²²", "99999999999", "\x00", "", "0001-01-01", "9999-12-31"]


@pytest.fixture
def api():
    return APIClient()


def _problem(response, *names):
    assert response.status_code == 400, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert sorted(p["name"] for p in body["invalidParams"]) == sorted(names), body
    return {p["name"]: p["reason"] for p in body["invalidParams"]}


@pytest.mark.parametrize("name", ["fase", "spoor", "domein"])
@pytest.mark.parametrize("value", HOSTILE + ["1 ", "3"])
def test_catalogue_choices_refuse_hostile_values(api, name, value):
    if name == "spoor" and value == "1 ":
        return  # surrounding spaces are stripped: "1 " is spoor 1
    _problem(api.get("/api/v1/voorzieningen", {name: value}), name)


@pytest.mark.parametrize("name", ["organisatie", "zoek"])
@pytest.mark.parametrize("value", ["\x00", "", "x" * 201])
def test_catalogue_texts_refuse_nul_empty_and_long_values(api, name, value):
    _problem(api.get("/api/v1/voorzieningen", {name: value}), name)


def test_catalogue_texts_accept_any_other_text(api, make_voorziening):
    make_voorziening(naam="²²²² 9999-12-31")
    for value in ("²²²²", "99999999999", "0001-01-01", "9999-12-31"):
        assert api.get("/api/v1/voorzieningen", {"zoek": value}).status_code == 200
        assert api.get("/api/v1/voorzieningen", {"organisatie": value}).json()["count"] == 0
    assert api.get("/api/v1/voorzieningen", {"zoek": "²²²²"}).json()["count"] == 1


def test_catalogue_lists_every_invalid_parameter_with_the_pages(api):
    _problem(
        api.get("/api/v1/voorzieningen", {"spoor": "²", "zoek": "x" * 201, "pageSize": "0"}),
        "spoor",
        "zoek",
        "pageSize",
    )


def test_catalogue_spoor_is_a_number(api, make_voorziening):
    make_voorziening(spoor=2)
    assert api.get("/api/v1/voorzieningen", {"spoor": "2"}).json()["count"] == 1
    assert api.get("/api/v1/voorzieningen", {"spoor": "1"}).json()["count"] == 0


@pytest.fixture
def weging(criteria):
    versie = services.create_weging("w", {c.code: 1 for c in criteria})
    return services.publish_weging(versie)


@pytest.mark.parametrize("value", HOSTILE + ["1e-999999", "NaN", "١", "1", "0.12345", "-0.1"])
def test_ranking_margin_refuses_hostile_values(api, weging, value):
    reason = _problem(
        api.get(f"/api/v1/wegingen/{weging.uuid}/ranglijst", {"marge": value}), "marge"
    )
    if value != "\x00":  # NUL is refused before any parsing, with its own reason
        assert "0 tot 1" in reason["marge"]


def test_ranking_margin_defaults_and_accepts_four_decimals(api, weging):
    path = f"/api/v1/wegingen/{weging.uuid}/ranglijst"
    for query in ({}, {"marge": "0"}, {"marge": "0.1234"}, {"marge": ".5"}):
        assert api.get(path, query).status_code == 200, query


@pytest.fixture
def routekaarten(make_voorziening):
    v = make_voorziening()
    with clock.replaying(dt.date(2017, 1, 2)):
        mijlpaal = {"voorziening": str(v.uuid), "jaar": 2017, "kwartaal": 1, "omschrijving": "p"}
        one = services.create_routekaart("een", [mijlpaal])
        two = services.create_routekaart("twee", [mijlpaal])
    return services.publish_routekaart(one), services.publish_routekaart(two)


@pytest.mark.parametrize("value", HOSTILE + ["x", "8d3e0c36-1f07-4c5e-9e8b-1d1a2b3c4d5e"])
def test_roadmap_comparison_refuses_a_hostile_or_unknown_version(api, routekaarten, value):
    one, _ = routekaarten
    _problem(api.get(f"/api/v1/routekaarten/{one.uuid}/vergelijking", {"met": value}), "met")


def test_roadmap_comparison_needs_met_and_is_not_paginated(api, routekaarten):
    one, two = routekaarten
    path = f"/api/v1/routekaarten/{one.uuid}/vergelijking"
    _problem(api.get(path), "met")
    r = api.get(path, {"met": str(two.uuid), "page": "²"})  # no pages: page is not read
    assert r.status_code == 200 and isinstance(r.json(), list)


@pytest.mark.parametrize("value", ["x%00", "%C2%B2", "a" * 51])
def test_criteria_are_addressed_by_their_slug(api, criteria, value):
    assert api.get(f"/api/v1/criteria/{value}").status_code == 404
    assert api.get(f"/api/v1/criteria/{criteria[0].code}").status_code == 200
