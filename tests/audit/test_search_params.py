"""The audit search of the page and the API read the same parameters the same way (one filter
set): the page's form sends empty fields, which are no filter; the API refuses an empty value."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_the_page_reads_empty_fields_as_no_filter(make_user):
    client = Client()
    client.force_login(make_user("programmabureau"))
    empty = {"objectType": "", "objectId": "", "gebruiker": "", "kanaal": "", "van": "", "tot": ""}
    assert client.get("/audit", empty).status_code == 200
    refused = client.get("/audit", {"van": "²⁰²⁰-01-01", "kanaal": "fax"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "van:" in text and "kanaal:" in text


def test_the_page_sends_an_anonymous_visitor_to_sign_in():
    response = Client().get("/audit")
    assert response.status_code == 302 and "next=/audit" in response["Location"]


@pytest.mark.parametrize("name", ["kanaal", "actie", "van", "tot", "objectType"])
def test_the_api_refuses_an_empty_or_nul_value(make_user, name):
    api = APIClient()
    api.force_authenticate(make_user("programmabureau"))
    for value in ("", "\x00"):
        response = api.get("/api/v1/audit", {name: value})
        assert response.status_code == 400, (name, value)
        assert [p["name"] for p in response.json()["invalidParams"]] == [name]
