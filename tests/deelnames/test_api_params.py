"""The query parameters of the participation API go through the shared filter sets."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _names(response):
    assert response.status_code == 400, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    return {p["name"] for p in response.json()["invalidParams"]}


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user("programmabureau"))
    return client


@pytest.mark.parametrize("value", ["GM34", "Utrecht", "GM²²²²", ""])
def test_a_malformed_cbs_code_is_refused_not_an_empty_list(api, value):
    assert _names(api.get("/api/v1/deelnames", {"gemeente": value})) == {"gemeente"}


def test_a_cbs_code_in_lower_case_is_read(api):
    assert api.get("/api/v1/deelnames", {"gemeente": "gm0344"}).status_code == 200


def test_every_invalid_parameter_at_once(api):
    response = api.get(
        "/api/v1/deelnames",
        {"gemeente": "x", "voorziening": "y", "status": "z", "peildatum": "9999-12-31"},
    )
    assert _names(response) == {"gemeente", "voorziening", "status", "peildatum"}


def test_a_peildatum_before_the_register_names_its_first_date(api):
    response = api.get("/api/v1/deelnames", {"peildatum": "2000-01-01"})
    assert _names(response) == {"peildatum"}
    assert "CBS" in response.json()["invalidParams"][0]["reason"]


def test_coverage_refuses_an_unknown_weighting_and_date_together(api, make_voorziening):
    v = make_voorziening()
    response = api.get(
        f"/api/v1/voorzieningen/{v.uuid}/dekking", {"weging": "gewicht", "peildatum": ""}
    )
    assert _names(response) == {"weging", "peildatum"}
