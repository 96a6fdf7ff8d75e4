"""The NL API Design Rules 2.2, one test per rule, against the running code and the committed
OpenAPI document."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = yaml.safe_load((ROOT / "src/samen/api/openapi.yaml").read_text())

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

PROBLEM = "application/problem+json"


def test_no_trailing_slash_404_without_redirect(client):
    response = client.get("/api/v1/gemeenten/")
    assert response.status_code == 404
    assert "Location" not in response
    assert response["Content-Type"] == PROBLEM
    assert client.get("/api/v1/gemeenten").status_code == 200


def test_paths_are_kebab_case():
    for path in DOCUMENT["paths"]:
        for segment in path.strip("/").split("/"):
            if segment.startswith("{") or segment in ("openapi.json", "openapi.yaml"):
                continue
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", segment), path


def test_query_keys_are_camel_case():
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", parameter["name"]), (path, parameter)


def test_properties_are_camel_case():
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", key), key
                walk(value)
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(DOCUMENT["components"]["schemas"])


def test_servers_and_contact():
    assert all(
        s["url"].startswith("https://") and "/api/v1" in s["url"] for s in DOCUMENT["servers"]
    )
    assert set(DOCUMENT["info"]["contact"]) >= {"name", "email", "url"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gemeenten",
        "/api/v1/gemeenten/GM0363",
        "/api/v1/gemeenten/GM9999",
        "/api/v1/gemeenten?peildatum=x",
        "/api/v1/bestaat-niet",
        "/api/v1/openapi.json",
        "/api/v1/openapi.yaml",
        "/api/v1/voorzieningen",
        "/api/v1",
    ],
)
def test_api_version_header_on_every_response(client, path):
    response = client.get(path)
    assert response["API-Version"] == DOCUMENT["info"]["version"]


def test_every_documented_2xx_has_the_version_header():
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if code.startswith("2"):
                    assert "API-Version" in response.get("headers", {}), (path, method, code)
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == [PROBLEM], (path, method, code)


def test_problem_json_for_unknown_resources(client):
    for path in ("/api/v1/gemeenten/GM9999", "/api/v1/bestaat-niet"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        body = response.json()
        assert {"type", "title", "status", "detail", "instance"} <= set(body)
        assert body["status"] == 404


def test_invalid_input_lists_every_invalid_parameter(client):
    response = client.get("/api/v1/bevolking?jaar=x&verschuiving=y")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    names = sorted(p["name"] for p in response.json()["invalidParams"])
    assert names == ["jaar", "verschuiving"]
    response = client.get("/api/v1/gemeenten?peildatum=notadate")
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["peildatum"]


def test_bad_page_is_a_problem_not_a_crash(client):
    for query in ("page=abc", "page=99999", "pageSize=abc"):
        response = client.get(f"/api/v1/gemeenten?{query}")
        assert response.status_code in (200, 400, 404), query
        if response.status_code >= 400:
            assert response["Content-Type"] == PROBLEM


def test_malformed_json_is_a_problem(client, make_user):
    client.force_login(make_user("programmabureau"))
    response = client.post(
        "/api/v1/voorzieningen", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    response = client.post("/api/v1/voorzieningen", data="a=b", content_type="text/plain")
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM


def test_security_headers(client):
    response = client.get("/api/v1/gemeenten")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["Strict-Transport-Security"].startswith("max-age=")


def test_cors_on_the_openapi_document_only(client):
    for path in ("/api/v1/openapi.json", "/api/v1/openapi.yaml"):
        response = client.get(path, HTTP_ORIGIN="https://developer.example.org")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
    other = client.get("/api/v1/gemeenten", HTTP_ORIGIN="https://developer.example.org")
    assert "Access-Control-Allow-Origin" not in other


def test_openapi_json_and_yaml_are_the_same_public_document(client):
    as_json = client.get("/api/v1/openapi.json")
    as_yaml = client.get("/api/v1/openapi.yaml")
    assert as_json.status_code == as_yaml.status_code == 200
    assert json.loads(as_json.content) == yaml.safe_load(as_yaml.content) == DOCUMENT


def test_gemeenten_on_a_date(client):
    r = client.get("/api/v1/gemeenten?peildatum=2017-01-01&pageSize=500").json()
    assert r["count"] == 388
    assert sum(g["inwoners"] for g in r["results"]) == 17_081_507
    total, count, url = 0, 0, "/api/v1/gemeenten?peildatum=2024-01-01&pageSize=100"
    while url:
        page = client.get(url).json()
        total += sum(g["inwoners"] for g in page["results"])
        count += len(page["results"])
        url = page["next"]
    assert (count, total) == (342, 17_942_942)


def test_filters_provincie_and_naam(client):
    by_code = client.get("/api/v1/gemeenten?provincie=PV27&peildatum=2024-01-01").json()
    by_name = client.get("/api/v1/gemeenten?provincie=Noord-Holland&peildatum=2024-01-01").json()
    assert by_code["count"] == by_name["count"] == 44
    names = [g["naam"] for g in client.get("/api/v1/gemeenten?naam=amster").json()["results"]]
    assert "Amsterdam" in names and "Amstelveen" not in names


def test_detail_with_population_and_successors(client):
    amsterdam = client.get("/api/v1/gemeenten/GM0363").json()
    years = {row["jaar"]: row["aantal"] for row in amsterdam["inwonertallen"]}
    assert years[2017] == 844947 and years[2024] == 931298
    assert [v["code"] for v in amsterdam["voorgangers"]] == ["GM0457"]  # Weesp, 2022
    haaren = client.get("/api/v1/gemeenten/GM0788").json()
    assert {o["code"]: o["inwonersOvergegaan"] for o in haaren["opvolgers"]} == {
        "GM0757": 2149,
        "GM0824": 5824,
        "GM0855": 1442,
        "GM0865": 4903,
    }
    assert sorted(g["code"] for g in haaren["huidigeOpvolgers"]) == [
        "GM0757",
        "GM0824",
        "GM0855",
        "GM0865",
    ]


def test_population_rule_endpoint(client):
    body = client.get("/api/v1/bevolking?jaar=2018").json()
    assert (body["bronjaar"], len(body["gemeenten"]), body["totaal"]) == (2017, 380, 17_081_507)
    later = client.get("/api/v1/bevolking?jaar=2030").json()
    assert later["bronjaar"] == 2024 and "2024" in later["toelichting"]


def test_list_query_count_is_constant(client):
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/gemeenten?pageSize=10").status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/gemeenten?pageSize=300").status_code == 200
    assert len(small) == len(large) <= 3
