"""The query parameters of the accountability API go through the shared filter sets: a
malformed value is a 400 problem naming the parameter (an invalid document UUID and an
11-digit year were server errors)."""

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


@pytest.mark.parametrize("value", ["nope", "²²²²", "99999999999", ""])
def test_questions_refuse_a_malformed_document(api, value):
    assert _names(api.get("/api/v1/vragen", {"document": value})) == {"document"}


@pytest.mark.parametrize("value", ["99999999999", "²⁰²⁴", "1999", "2051", ""])
def test_documents_refuse_a_year_outside_the_platform(api, value):
    assert _names(api.get("/api/v1/verantwoordingsdocumenten", {"jaar": value})) == {"jaar"}


def test_documents_list_every_invalid_parameter_at_once(api):
    response = api.get(
        "/api/v1/verantwoordingsdocumenten",
        {"jaar": "x", "soort": "brief", "status": "y", "arrangement": "z", "pageSize": "0"},
    )
    assert _names(response) == {"jaar", "soort", "status", "arrangement", "pageSize"}


def test_valid_filters_still_filter(api):
    assert api.get("/api/v1/verantwoordingsdocumenten", {"jaar": "2024"}).status_code == 200
    assert api.get("/api/v1/verantwoordingsdocumenten", {"soort": "jaarplan"}).status_code == 200
