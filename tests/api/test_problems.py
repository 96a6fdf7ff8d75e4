"""Every 400 problem carries the documented invalidParams (InvalidParamsProblem), also when the
body cannot be parsed at all; every operation documents the 414 of a URI that is too long."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from samen.api.problems import problem_body
from samen.core.middleware import MAX_URI_LENGTH
from tests.trust.test_hostile_input import _url, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

OPENAPI = Path(settings.PACKAGE_DIR) / "api" / "openapi.yaml"
PROBLEM = "application/problem+json"
OPERATIONS = ("get", "post", "put", "patch", "delete")

MALFORMED = [
    # (name, body): neither can be read as JSON
    ("NUL", b"\x00"),
    ("NUL in an object", b'{"naam": "\x00"}'),
    ("invalid JSON", b'{"naam": }'),
    ("truncated JSON", b'{"naam": "x'),
    ("single quotes", b"{'naam': 'x'}"),
    ("not UTF-8", b"\xff\xfe\x00"),
]


@pytest.fixture
def demo(db):
    from django.utils.module_loading import autodiscover_modules

    from samen.core import demo as loaders

    autodiscover_modules("demo")
    loaders.load_all()


def _document() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def posts() -> list[tuple[str, list[str]]]:
    """(path, documented request media types) of every POST of the document."""
    return [
        (path, list(item["post"].get("requestBody", {}).get("content", {})))
        for path, item in _document()["paths"].items()
        if "post" in item
    ]


def _assert_body_problem(response, what: str) -> list[dict]:
    assert response.status_code == 400, (what, response.status_code, response.content[:300])
    assert response["Content-Type"] == PROBLEM, what
    body = response.json()
    assert body["status"] == 400 and body["title"] and body["detail"], what
    params = body.get("invalidParams")
    assert params, (what, body)
    for param in params:
        assert set(param) >= {"name", "code", "reason"}, (what, param)
        assert all(isinstance(param[k], str) and param[k] for k in ("name", "code", "reason"))
    return params


def test_the_document_has_the_posts_of_the_issue():
    paths = {path for path, _ in posts()}
    assert {"/deelnames", "/deelnames/{uuid}/status", "/verzoeken", "/vragen"} <= paths
    assert len(paths) >= 25


def test_a_body_that_is_not_json_is_a_400_naming_the_body_on_every_post(demo, make_user):

    from samen.audit.models import AuditRegel

    superuser = make_user(is_superuser=True)
    for path, media_types in posts():
        url = _url(path)
        api = client_for(path, make_user, superuser)
        if media_types and "application/json" not in media_types:
            continue  # uploads: see the multipart test below
        for name, body in MALFORMED:
            audit = AuditRegel.objects.count()
            response = api.generic("POST", url, body, content_type="application/json")
            what = f"POST {path}: {name}"
            if not media_types and response.status_code != 400:
                # No body documented (publish actions): the body is not read; it must not be
                # a server error, and nothing else is asserted here.
                assert response.status_code < 500, what
                continue
            params = _assert_body_problem(response, what)
            assert [p["name"] for p in params] == ["body"], (what, params)
            assert params[0]["code"] == "parse_error", (what, params)
            assert params[0]["reason"].startswith("geen geldige JSON: "), (what, params)
            assert AuditRegel.objects.count() == audit, what


def test_a_multipart_body_that_cannot_be_read_is_a_400_naming_the_body(demo, make_user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(make_user(is_superuser=True))
    uploads = [path for path, types in posts() if types == ["multipart/form-data"]]
    assert uploads
    for path in uploads:
        response = api.generic(
            "POST", _url(path), b"\x00", content_type="multipart/form-data; boundary="
        )
        params = _assert_body_problem(response, f"POST {path}")
        assert [p["name"] for p in params] == ["body"]


def test_the_anonymous_nul_body_is_refused_before_it_is_read(db):
    """Not signed in: the permission is decided first (403), so nothing is parsed."""
    from rest_framework.test import APIClient

    response = APIClient().generic(
        "POST", "/api/v1/deelnames", b"\x00", content_type="application/json"
    )
    assert response.status_code in (401, 403) and response["Content-Type"] == PROBLEM


def test_every_400_problem_names_what_is_invalid():
    """A 400 raised without a parameter (a DomainError without problems, Django's own 400 on
    /api/) still has invalidParams: the request as a whole."""
    body = problem_body(400, "Het verzoek is ongeldig.", "/api/v1/x")
    assert body["invalidParams"] == [
        {"name": "body", "code": "invalid", "reason": "Het verzoek is ongeldig."}
    ]
    given = [{"name": "jaar", "code": "invalid", "reason": "Geen jaar."}]
    assert problem_body(400, "1 ongeldige parameter(s).", "/x", given)["invalidParams"] == given
    assert "invalidParams" not in problem_body(404, "Niet gevonden.", "/x")


def test_a_domain_error_without_problems_has_invalid_params(rf):
    from rest_framework.request import Request

    from samen.api.problems import exception_handler
    from samen.core.errors import DomainError

    request = Request(rf.post("/api/v1/deelnames"))
    response = exception_handler(DomainError("Dit kan niet."), {"request": request})
    assert response.status_code == 400
    assert response.data["invalidParams"][0]["name"] == "body"


# --- 414 -------------------------------------------------------------------------------------


def test_a_uri_longer_than_the_limit_is_a_414_problem(client):
    long = "x" * MAX_URI_LENGTH
    response = client.get("/api/v1/gemeenten", {"zoek": long})
    assert response.status_code == 414
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == settings.API_VERSION
    assert response.json()["status"] == 414 and response.json()["title"] == "URI te lang."
    page = client.get("/gemeenten", {"q": long})
    assert page.status_code == 414 and page["Content-Type"].startswith("text/html")
    # A URI just within the limit is answered as usual.
    query = "x" * (MAX_URI_LENGTH - len("/api/v1/gemeenten?zoek=") - 10)
    assert client.get("/api/v1/gemeenten", {"zoek": query}).status_code == 200


def test_the_uri_limit_is_below_gunicorns_request_line_limit():
    from gunicorn.config import Config

    limit = Config().limit_request_line  # method, space, URI, space, HTTP/1.1
    assert MAX_URI_LENGTH + len("OPTIONS  HTTP/1.1") <= limit


def test_every_operation_documents_the_414_as_generated(rf):
    """The schema generation adds a 414 problem to every operation (the committed document is
    regenerated from it by `make openapi`)."""
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    missing = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS and "414" not in operation["responses"]
    ]
    assert not missing
    response = document["paths"]["/gemeenten"]["get"]["responses"]["414"]
    assert response["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
