"""The decision model's API has no filters: its lists refuse bad pages in one problem and its
objects are addressed by UUID only (anything else is a 404, never a query)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.mark.parametrize("path", ["/api/v1/verzoeken", "/api/v1/besluiten"])
@pytest.mark.parametrize("value", ["²", "-1", "\x00", "", "0"])
def test_lists_refuse_a_bad_page(path, value):
    response = APIClient().get(path, {"page": value})
    assert response.status_code == 400, response.content
    assert [p["name"] for p in response.json()["invalidParams"]] == ["page"]


@pytest.mark.parametrize("path", ["/api/v1/verzoeken/", "/api/v1/besluiten/"])
@pytest.mark.parametrize("value", ["x", "%00", "00000000-0000-0000-0000-000000000000"])
def test_objects_are_addressed_by_uuid(path, value):
    assert APIClient().get(path + value).status_code == 404


def test_request_and_support_pages_send_an_anonymous_visitor_to_sign_in(client, make_voorziening):
    from django.conf import settings

    v = make_voorziening(fase="ontwikkeling")
    url = f"/voorzieningen/{v.uuid}/verzoek"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{settings.LOGIN_URL}?next={url}"
