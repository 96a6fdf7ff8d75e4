"""The municipality register through the API, against the real CBS figures."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def all_pages(client, url):
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        results.extend(page["results"])
        url = page["next"]
    return results


def test_gemeenten_on_1_january_2017(client):
    body = client.get("/api/v1/gemeenten?peildatum=2017-01-01&pageSize=500").json()
    assert body["count"] == 388 == len(body["results"])
    assert body["next"] is None
    assert sum(g["inwoners"] for g in body["results"]) == 17_081_507
    assert {g["inwonersJaar"] for g in body["results"]} == {2017}


def test_gemeenten_on_1_january_2024_over_all_pages(client):
    first = client.get("/api/v1/gemeenten?peildatum=2024-01-01&pageSize=100").json()
    assert first["count"] == 342 and len(first["results"]) == 100
    results = all_pages(client, "/api/v1/gemeenten?peildatum=2024-01-01&pageSize=100")
    assert len(results) == len({g["code"] for g in results}) == 342
    assert sum(g["inwoners"] for g in results) == 17_942_942


def test_default_page_and_links(client):
    body = client.get("/api/v1/gemeenten?peildatum=2024-01-01").json()
    assert len(body["results"]) == 20
    assert body["previous"] is None
    assert "page=2" in body["next"] and "peildatum=2024-01-01" in body["next"]
    assert body["results"][0]["url"].endswith(f"/api/v1/gemeenten/{body['results'][0]['code']}")


def test_filter_provincie_by_code_or_name(client):
    by_code = client.get("/api/v1/gemeenten?provincie=PV27&peildatum=2024-01-01&pageSize=100")
    by_name = client.get(
        "/api/v1/gemeenten?provincie=Noord-Holland&peildatum=2024-01-01&pageSize=100"
    )
    codes = [g["code"] for g in by_code.json()["results"]]
    assert by_code.json()["count"] == by_name.json()["count"] == 44
    assert codes == [g["code"] for g in by_name.json()["results"]]
    assert {g["provincie"]["code"] for g in by_code.json()["results"]} == {"PV27"}
    assert "GM0363" in codes
    assert client.get("/api/v1/gemeenten?provincie=pv27&peildatum=2024-01-01").json()["count"] == 44


def test_filter_naam(client):
    names = [g["naam"] for g in client.get("/api/v1/gemeenten?naam=amster").json()["results"]]
    assert "Amsterdam" in names and "Amstelveen" not in names
    both = client.get("/api/v1/gemeenten?naam=dam&provincie=PV27&peildatum=2024-01-01").json()
    assert {"Amsterdam", "Edam-Volendam"} <= {g["naam"] for g in both["results"]}
    assert all("dam" in g["naam"].lower() for g in both["results"])
    assert {g["provincie"]["code"] for g in both["results"]} == {"PV27"}


def test_detail_with_population_per_year(client):
    response = client.get("/api/v1/gemeenten/GM0363")
    assert response.status_code == 200
    amsterdam = response.json()
    assert (amsterdam["code"], amsterdam["naam"]) == ("GM0363", "Amsterdam")
    years = {row["jaar"]: row["aantal"] for row in amsterdam["inwonertallen"]}
    assert set(years) == set(range(2012, 2025))
    assert years[2017] == 844_947 and years[2024] == 931_298
    assert [v["code"] for v in amsterdam["voorgangers"]] == ["GM0457"]  # Weesp, 2022


def test_detail_of_a_split_municipality_names_its_successors(client):
    haaren = client.get("/api/v1/gemeenten/GM0788").json()
    assert haaren["naam"] == "Haaren" and haaren["geldigTot"] is not None
    assert {o["code"]: (o["naam"], o["inwonersOvergegaan"]) for o in haaren["opvolgers"]} == {
        "GM0757": ("Boxtel", 2149),
        "GM0824": ("Oisterwijk", 5824),
        "GM0855": ("Tilburg", 1442),
        "GM0865": ("Vught", 4903),
    }
    assert {(o["datum"], o["soort"]) for o in haaren["opvolgers"]} == {("2021-01-01", "splitsing")}
    assert sorted(g["code"] for g in haaren["huidigeOpvolgers"]) == [
        "GM0757",
        "GM0824",
        "GM0855",
        "GM0865",
    ]


def test_detail_ignores_list_filters(client):
    assert client.get("/api/v1/gemeenten/GM0363?naam=utrecht").status_code == 200


def test_population_rule_endpoint(client):
    body = client.get("/api/v1/bevolking?jaar=2018").json()
    assert (body["jaar"], body["bronjaar"], body["peildatum"]) == (2018, 2017, "2018-01-01")
    assert len(body["gemeenten"]) == 380
    assert body["totaal"] == sum(g["inwoners"] for g in body["gemeenten"]) == 17_081_507
    later = client.get("/api/v1/bevolking?jaar=2030").json()
    assert later["bronjaar"] == 2024 and "2024" in later["toelichting"]
    same_year = client.get("/api/v1/bevolking?jaar=2024&verschuiving=0").json()
    assert (same_year["bronjaar"], same_year["totaal"]) == (2024, 17_942_942)


def test_list_query_count_does_not_grow_with_the_page_size(client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/gemeenten?pageSize=10").status_code == 200
    with CaptureQueriesContext(connection) as large:
        body = client.get("/api/v1/gemeenten?pageSize=300").json()
    assert len(body["results"]) == 300
    assert len(small) == len(large)
    with django_assert_max_num_queries(3):
        client.get("/api/v1/gemeenten?pageSize=500&peildatum=2017-01-01")
