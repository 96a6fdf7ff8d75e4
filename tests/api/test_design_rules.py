"""The NL API Design Rules 2.2, one test per rule, against the running code and the committed
OpenAPI document (src/samen/api/openapi.yaml, linted by Spectral in `make openapi-check`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = yaml.safe_load((ROOT / "src/samen/api/openapi.yaml").read_text(encoding="utf-8"))
VERSION = DOCUMENT["info"]["version"]
PROBLEM = "application/problem+json"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}
KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CAMEL = re.compile(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*")
ORIGIN = "https://ontwikkelaar.example.org"

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def operations():
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) >= PROBLEM_MEMBERS, body
    assert body["status"] == status
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    return body


# --- /core/no-trailing-slash -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gemeenten",
        "/api/v1/gemeenten/GM0363",
        "/api/v1/bevolking?jaar=2018",
        "/api/v1/openapi.json",
    ],
)
def test_trailing_slash_is_404_without_redirect(client, path):
    assert client.get(path).status_code == 200
    base, _, query = path.partition("?")
    response = client.get(f"{base}/?{query}" if query else f"{base}/")
    assert "Location" not in response
    body = assert_problem(response, 404)
    assert body["instance"].startswith(f"{base}/")


def test_no_documented_path_ends_in_a_slash():
    assert all(not path.endswith("/") for path in DOCUMENT["paths"])


# --- /core/path-segments-kebab-case, /core/query-keys-camel-case, property names ---------------


def test_paths_are_kebab_case():
    for path in DOCUMENT["paths"]:
        for segment in path.strip("/").split("/"):
            if re.fullmatch(r"\{[a-z][a-zA-Z0-9]*\}", segment) or segment in (
                "openapi.json",
                "openapi.yaml",
            ):
                continue
            assert KEBAB.fullmatch(segment), path


def test_query_keys_are_camel_case():
    names = set()
    for path, method, operation in operations():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                names.add(parameter["name"])
                assert CAMEL.fullmatch(parameter["name"]), (path, method, parameter["name"])
    assert {"page", "pageSize", "peildatum"} <= names


def test_properties_are_camel_case():
    seen = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in (node.get("properties") or {}).items():
                seen.add(key)
                assert CAMEL.fullmatch(key), key
                walk(value)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(DOCUMENT["components"]["schemas"])
    assert {"geldigVan", "inwonersJaar", "invalidParams"} <= seen


def test_date_properties_have_a_date_format():
    """/core/date-time: a field named ...Datum/...Date is a `date`, never `date-time`."""

    def walk(node):
        if isinstance(node, dict):
            for key, value in (node.get("properties") or {}).items():
                if re.search(r"(^|[a-z])(D|d)at(um|e)$", key) and "$ref" not in value:
                    formats = [value.get("format")] + [
                        part.get("format") for part in value.get("allOf", [])
                    ]
                    assert "date" in formats, (key, value)
                walk(value)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(DOCUMENT)


# --- /core/uri-version, /core/doc-openapi-contact, /core/semver --------------------------------


def test_servers_use_https_and_the_major_version():
    assert DOCUMENT["servers"]
    for server in DOCUMENT["servers"]:
        assert server["url"].startswith("https://"), server
        assert re.search(r"/api/v1$", server["url"]), server


def test_info_contact_and_semantic_version():
    contact = DOCUMENT["info"]["contact"]
    assert {"name", "email", "url"} <= set(contact)
    assert "@" in contact["email"] and contact["url"].startswith("https://")
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert DOCUMENT["openapi"].startswith("3.")


# --- /core/version-header ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1", 200),
        ("get", "/api/v1/gemeenten", 200),
        ("head", "/api/v1/gemeenten", 200),
        ("get", "/api/v1/gemeenten/GM0363", 200),
        ("get", "/api/v1/gemeenten/GM9999", 404),
        ("get", "/api/v1/gemeenten?peildatum=x", 400),
        ("get", "/api/v1/gemeenten/", 404),
        ("get", "/api/v1/does-not-exist", 404),
        ("get", "/api/v1/bevolking", 400),
        ("post", "/api/v1/gemeenten", 405),  # read-only: the method is checked before the role
        ("get", "/api/v1/openapi.json", 200),
        ("get", "/api/v1/openapi.yaml", 200),
        ("post", "/api/v1/openapi.json", 405),
        ("options", "/api/v1/openapi.yaml", 204),
        ("get", "/api/v1/voorzieningen", 200),
    ],
)
def test_api_version_header_on_every_response(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["API-Version"] == VERSION


def test_api_version_header_on_a_server_error(monkeypatch):
    from samen.gemeenten import queries

    def broken(*args, **kwargs):
        raise RuntimeError("interne details die niet naar buiten mogen")

    monkeypatch.setattr(queries, "bevolking_voor_jaar", broken)
    response = Client(raise_request_exception=False).get("/api/v1/bevolking?jaar=2018")
    body = assert_problem(response, 500)
    assert response["API-Version"] == VERSION
    assert "interne details" not in response.content.decode()
    assert "Traceback" not in body["detail"]


def test_every_documented_success_has_the_version_header_and_every_error_a_problem():
    for path, method, operation in operations():
        for code, response in operation["responses"].items():
            if code.startswith(("2", "3")):
                assert "API-Version" in response.get("headers", {}), (path, method, code)
            if code.startswith(("4", "5")):
                assert list(response["content"]) == [PROBLEM], (path, method, code)
                schema = response["content"][PROBLEM]["schema"]["$ref"].rsplit("/", 1)[-1]
                assert schema in ("Problem", "InvalidParamsProblem"), (path, method, code)
        if operation.get("parameters") or method != "get":
            assert "400" in operation["responses"], (path, method)
    problem = DOCUMENT["components"]["schemas"]["Problem"]
    assert {"status", "title", "detail"} <= set(problem["required"])


# --- /core/error-handling/problem-details, /core/error-handling/invalid-input ------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/gemeenten/GM9999", "/api/v1/does-not-exist", "/api/v2/gemeenten"]
)
def test_unknown_resource_is_a_404_problem(client, path):
    body = assert_problem(client.get(path), 404)
    assert body["instance"] == path


def test_invalid_input_lists_every_invalid_parameter(client):
    body = assert_problem(client.get("/api/v1/bevolking?jaar=x&verschuiving=y"), 400)
    assert sorted(p["name"] for p in body["invalidParams"]) == ["jaar", "verschuiving"]
    assert all(p["reason"] and p["code"] for p in body["invalidParams"])

    body = assert_problem(client.get("/api/v1/gemeenten?peildatum=notadate"), 400)
    assert [p["name"] for p in body["invalidParams"]] == ["peildatum"]

    body = assert_problem(
        client.get("/api/v1/gemeenten?peildatum=2017-13-01&page=0&pageSize=x"), 400
    )
    assert sorted(p["name"] for p in body["invalidParams"]) == ["page", "pageSize", "peildatum"]


def test_a_missing_required_parameter_is_named(client):
    body = assert_problem(client.get("/api/v1/bevolking"), 400)
    assert body["invalidParams"] == [{"name": "jaar", "code": "required", "reason": "Verplicht."}]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=last", "page"),
        ("pageSize=abc", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("pageSize=-5", "pageSize"),
        ("pageSize=501", "pageSize"),
        # 3,000 digits: a URI over 4,000 characters is a 414 (tests/api/test_problems.py),
        # as gunicorn answers anything over its request-line limit.
        ("pageSize=" + "9" * 3000, "pageSize"),
    ],
)
def test_invalid_page_parameters_are_a_400_problem(client, query, name):
    body = assert_problem(client.get(f"/api/v1/gemeenten?{query}"), 400)
    assert [p["name"] for p in body["invalidParams"]] == [name]


@pytest.mark.parametrize("path", ["/api/v1/voorzieningen", "/api/v1/besluiten"])
def test_every_paginated_list_checks_its_page_parameters(client, path):
    assert client.get(path).status_code == 200
    body = assert_problem(client.get(f"{path}?page=x&pageSize=1000"), 400)
    assert sorted(p["name"] for p in body["invalidParams"]) == ["page", "pageSize"]


def test_a_page_past_the_last_is_a_404_problem(client):
    assert (
        client.get("/api/v1/gemeenten?peildatum=2024-01-01&pageSize=500&page=1").json()["count"]
        == 342
    )
    body = assert_problem(client.get("/api/v1/gemeenten?peildatum=2024-01-01&page=99999"), 404)
    assert "99999" in body["detail"]


def test_method_not_allowed_is_a_problem(client):
    response = client.post("/api/v1/openapi.json")
    assert_problem(response, 405)
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_unacceptable_media_type_is_a_problem(client):
    assert_problem(client.get("/api/v1/gemeenten", HTTP_ACCEPT="application/xml"), 406)


def test_malformed_json_is_a_problem(client, make_user):
    client.force_login(make_user("programmabureau"))
    response = client.post(
        "/api/v1/voorzieningen", data="{not json", content_type="application/json"
    )
    assert_problem(response, 400)
    response = client.post("/api/v1/voorzieningen", data="a=b", content_type="text/plain")
    assert_problem(response, 415)


# --- /transport/security-headers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gemeenten",
        "/api/v1/gemeenten/GM9999",
        "/api/v1/bevolking?jaar=x",
        "/api/v1/openapi.yaml",
        "/api/v1",
    ],
)
def test_security_headers_on_api_responses(client, settings, path):
    settings.HTTPS = True
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Content-Type"].split(";")[0] in (
        "application/json",
        "application/problem+json",
        "application/yaml",
    )


def test_no_hsts_when_not_served_over_https(client, settings):
    settings.HTTPS = False
    assert "Strict-Transport-Security" not in client.get("/api/v1/gemeenten")


# --- /transport/cors ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/openapi.yaml"])
def test_cors_on_the_openapi_document(client, path):
    response = client.get(path, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "path", ["/api/v1/gemeenten", "/api/v1/gemeenten/GM0363", "/api/v1/bevolking?jaar=2018"]
)
def test_no_cors_on_other_endpoints(client, path):
    response = client.get(path, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in preflight


def test_cors_preflight_carries_the_api_headers(client):
    preflight = client.options(
        "/api/v1/openapi.json", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["API-Version"] == VERSION
    assert preflight["Cache-Control"] == "no-store"


# --- /core/publish-openapi ----------------------------------------------------------------------


def test_openapi_json_and_yaml_are_the_same_public_document(client):
    as_json = client.get("/api/v1/openapi.json")
    as_yaml = client.get("/api/v1/openapi.yaml")
    assert as_json.status_code == as_yaml.status_code == 200
    assert as_json["Content-Type"] == "application/json"
    assert as_yaml["Content-Type"].startswith("application/yaml")
    served = json.loads(as_json.content)
    assert served == yaml.safe_load(as_yaml.content) == DOCUMENT
    assert {"name", "email", "url"} <= set(served["info"]["contact"])
    assert {"/openapi.json", "/openapi.yaml", "/gemeenten", "/gemeenten/{code}"} <= set(
        served["paths"]
    )
