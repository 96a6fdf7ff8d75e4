import pytest
from django.test import Client
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

def test_probe(client, monkeypatch):
    for accept in ("text/html", "application/xml", "application/problem+json", "application/json, text/html;q=0.5", "*/*"):
        for path in ("/api/v1/gemeenten?pageSize=1", "/api/v1/gemeenten/GM9999", "/api/v1/nope", "/api/v1/openapi.json"):
            r = client.get(path, HTTP_ACCEPT=accept)
            print(accept, path, r.status_code, r["Content-Type"], r.content[:150])
    from samen.gemeenten import queries
    def boom(*a, **k):
        raise RuntimeError("secret stack")
    monkeypatch.setattr(queries, "bevolking_voor_jaar", boom)
    c = Client(raise_request_exception=False)
    r = c.get("/api/v1/bevolking?jaar=2018")
    print(r.status_code, dict(r.headers), r.content)
