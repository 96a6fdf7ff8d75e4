"""No answer that depends on who is signed in may be kept by a shared or browser cache.

Every GET row of the authorisation matrix (docs/autorisatiematrix.md), pages and API, is
requested as a signed-in municipality contact, the programme office and the administration
office: whatever the outcome (shown, 403, 404), the answer says `Cache-Control: private,
no-store` (samen.core.middleware), unless the view stated a stricter one itself. The invoices,
their PDF and e-invoice, the exports and the invoice details are named on their own. A redirect
of an anonymous visitor to the sign-in page is private too.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.trust import test_authorisation_matrix as matrix

pytestmark = pytest.mark.django_db

SIGNED_IN = ("gemeente", "programmabureau", "administratiekantoor")
INVOICES = [
    "/facturen",
    "/facturen.<fmt>",
    "/facturen/<uuid>",
    "/facturen/<uuid>.pdf",
    "/facturen/<uuid>.xml",
    "/facturen/gegevens",
    "/facturen/gegevens/<code>",
    "/api/v1/facturen",
    "/api/v1/facturen/<uuid>",
]


def assert_private(response, what: str) -> None:
    value = response.get("Cache-Control", "")
    directives = {d.strip() for d in value.split(",")}
    # "private, no-store", or a view's own stricter header (never_cache) that includes both
    assert {"private", "no-store"} <= directives, (what, response.status_code, value)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo content and a session per role, rolled back at the end of the module."""
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules

    from samen.core import demo as loaders

    with django_db_blocker.unblock(), transaction.atomic():
        autodiscover_modules("demo")
        loaders.load_all()
        matrix.ensure_samples()
        cookies = matrix.login_cookies(matrix.make_users())
        yield cookies
        transaction.set_rollback(True)


def _get(cookies, role: str, route: str):
    from django.db import transaction

    client = Client(raise_request_exception=False)
    for key, value in cookies[role].items():
        client.cookies[key] = value
    with transaction.atomic():
        response = client.get(matrix.url_for(route))
        transaction.set_rollback(True)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a PDF or export: read it, close the file
    return response


def _rows():
    return [
        pytest.param(route, outcomes, id=route)
        for (route, method), outcomes in matrix.parse_matrix().items()
        if method == "GET"
    ]


def test_the_invoice_urls_are_rows_of_the_matrix():
    routes = {route for route, method in matrix.parse_matrix() if method == "GET"}
    assert set(INVOICES) <= routes


@pytest.mark.parametrize("route", INVOICES)
def test_invoices_are_private_for_the_municipality_and_the_office(world, route):
    shown = 0
    for role in SIGNED_IN:
        response = _get(world, role, route)
        assert_private(response, f"{role} GET {route}")
        shown += response.status_code == 200
    assert shown >= 2, route  # the municipality and the office see it: the header is on content


@pytest.mark.parametrize(("route", "outcomes"), _rows())
def test_every_signed_in_answer_is_private(world, route, outcomes):
    for role in SIGNED_IN:
        assert_private(_get(world, role, route), f"{role} GET {route}")
    if outcomes["anoniem"] == "302":
        response = _get(world, "anoniem", route)
        assert response.status_code in (302, 401, 403), route
        assert_private(response, f"anoniem GET {route} (to the sign-in page)")


def test_anonymous_api_answers_say_no_store(client):
    """NL API Design Rules: every API answer says no-store; an anonymous one is the same for
    everyone, so it is not marked private."""
    response = client.get("/api/v1/gemeenten")
    assert response["Cache-Control"] == "no-store"


def test_a_public_page_to_an_anonymous_visitor_without_a_session_is_not_forced_private(rf):
    """The middleware only marks what depends on the visitor: a response that read no session,
    set no cookie and varies on nothing is left alone."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from samen.core.middleware import SecurityHeadersMiddleware

    request = rf.get("/toegankelijkheid")
    request.user = AnonymousUser()
    response = SecurityHeadersMiddleware(lambda r: HttpResponse("ok"))(request)
    assert "Cache-Control" not in response


def test_a_view_that_states_its_own_cache_control_keeps_it(rf, make_user):
    from django.http import HttpResponse

    from samen.core.middleware import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    request = rf.get("/ergens")
    request.user = make_user()
    response = SecurityHeadersMiddleware(view)(request)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_signed_in_users_answer_is_private_even_if_the_view_read_nothing(rf, make_user):
    from django.http import HttpResponse

    from samen.core.middleware import SecurityHeadersMiddleware

    request = rf.get("/facturen/gegevens/GM0014")
    request.user = make_user()
    response = SecurityHeadersMiddleware(lambda r: HttpResponse("ok"))(request)
    assert response["Cache-Control"] == "private, no-store"
