"""The pages of participation are guarded by accounts.decorators.requires: an anonymous visitor
is sent to sign in and back (/ondersteuning answered 403), a signed-in user without the
permission gets 403, and who may use them is unchanged."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def pages(make_voorziening):
    v = make_voorziening()
    return ["/ondersteuning", "/deelnames/upload", f"/voorzieningen/{v.uuid}/deelnemen"]


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(pages):
    for url in pages:
        for method in ("get", "post"):
            response = getattr(_client(), method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/inloggen?next="), (method, url)
            assert url in response["Location"].replace("%2F", "/"), (method, url)


def test_the_programme_office_handles_support_and_uploads(make_user):
    office = _client(make_user("programmabureau"))
    assert office.get("/ondersteuning").status_code == 200
    assert office.get("/deelnames/upload").status_code == 200
    superuser = _client(make_user(is_superuser=True))
    assert superuser.get("/ondersteuning").status_code == 200


def test_others_signed_in_get_403(make_user, make_voorziening):
    contact = _client(make_user("gemeente", gemeente="GM0344"))
    assert contact.get("/ondersteuning").status_code == 403
    assert contact.get("/deelnames/upload").status_code == 403
    finance = _client(make_user("financien"))
    assert finance.get("/ondersteuning").status_code == 403
    v = make_voorziening()
    # joining is for a municipality's contact only
    assert finance.get(f"/voorzieningen/{v.uuid}/deelnemen").status_code == 403
    assert (
        _client(make_user("programmabureau")).get(f"/voorzieningen/{v.uuid}/deelnemen").status_code
        == 403
    )
    assert contact.get(f"/voorzieningen/{v.uuid}/deelnemen").status_code == 200
