import pytest
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

CASES = [
    ("get", "/api/v1/gemeenten?page=abc"),
    ("get", "/api/v1/gemeenten?page=0"),
    ("get", "/api/v1/gemeenten?page=-1"),
    ("get", "/api/v1/gemeenten?page=99999"),
    ("get", "/api/v1/gemeenten?pageSize=abc"),
    ("get", "/api/v1/gemeenten?pageSize=0"),
    ("get", "/api/v1/gemeenten?pageSize=-5"),
    ("get", "/api/v1/gemeenten?pageSize=100000"),
    ("get", "/api/v1/gemeenten?page=abc&pageSize=x&peildatum=y"),
    ("get", "/api/v1/gemeenten?provincie=PV99"),
    ("get", "/api/v1/gemeenten?peildatum=1800-01-01"),
    ("get", "/api/v1/gemeenten?peildatum=9999-12-31"),
    ("get", "/api/v1/gemeenten/GM0363/"),
    ("get", "/api/v1/gemeenten/gm0363"),
    ("get", "/api/v1/gemeenten/GM0363?peildatum=x"),
    ("post", "/api/v1/gemeenten"),
    ("delete", "/api/v1/gemeenten/GM0363"),
    ("get", "/api/v1/bevolking"),
    ("get", "/api/v1/bevolking?jaar=1500"),
    ("get", "/api/v1/bevolking?jaar=2010"),
    ("get", "/api/v1/bevolking?jaar=2018&verschuiving=99"),
    ("get", "/api/v1/bevolking/"),
    ("post", "/api/v1/bevolking"),
    ("get", "/api/v1/"),
    ("get", "/api/v1"),
    ("post", "/api/v1/openapi.json"),
    ("options", "/api/v1/openapi.json"),
    ("head", "/api/v1/gemeenten"),
    ("get", "/api/v2/gemeenten"),
    ("get", "/api/v1/gemeenten?format=api"),
]

def test_probe(client):
    for method, path in CASES:
        r = getattr(client, method)(path, HTTP_ORIGIN="https://x.example")
        body = r.content[:300]
        print(method, path, r.status_code, r.get("Content-Type"), r.get("API-Version"), r.get("Location"), r.get("Access-Control-Allow-Origin"), r.get("Cache-Control"), r.get("Strict-Transport-Security"), r.get("Allow"))
        print("    ", body)
    r = client.options("/api/v1/openapi.json", HTTP_ORIGIN="https://x.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    print("preflight", r.status_code, dict(r.headers))
