"""The portfolio API: lists with filters and constant query counts, detail, writes with
problem+json errors, permissions per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from samen.accounts.models import Rol
from samen.core import clock
from samen.portfolio import services
from samen.portfolio.models import Voorziening

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def api():
    return APIClient()


def test_list_filters(api, make_voorziening, org):
    a = make_voorziening(fase="opschaling", ontwikkelaars=["RDW"])
    make_voorziening(domein="sociaal_domein", spoor=1)
    r = api.get("/api/v1/voorzieningen", {"fase": "opschaling"})
    assert r.status_code == 200
    assert [v["naam"] for v in r.json()["results"]] == [a.naam]
    assert r.json()["results"][0]["ontwikkelaars"] == [{"naam": org.naam, "afkorting": "RDW"}]
    assert api.get("/api/v1/voorzieningen", {"organisatie": "RDW"}).json()["count"] == 1
    assert api.get("/api/v1/voorzieningen", {"spoor": "1"}).json()["count"] == 1
    assert api.get("/api/v1/voorzieningen", {"domein": "sociaal_domein"}).json()["count"] == 1
    assert api.get("/api/v1/voorzieningen", {"zoek": a.naam}).json()["count"] == 1


def test_invalid_filters_are_problems(api):
    r = api.get("/api/v1/voorzieningen", {"fase": "x", "spoor": "9", "domein": "y"})
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    names = {p["name"] for p in r.json()["invalidParams"]}
    assert names == {"fase", "spoor", "domein"}


def test_list_query_count_is_constant(api, make_voorziening, org):
    for _ in range(30):
        make_voorziening(ontwikkelaars=["RDW"])
    with CaptureQueriesContext(connection) as small:
        assert api.get("/api/v1/voorzieningen", {"pageSize": 2}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert api.get("/api/v1/voorzieningen", {"pageSize": 30}).status_code == 200
    assert len(small) == len(large)


def test_detail_has_factsheet_and_history(api, make_voorziening):
    v = make_voorziening()
    services.change_phase(v, "ontwikkeling", dt.date(2017, 5, 1))
    r = api.get(f"/api/v1/voorzieningen/{v.uuid}")
    assert r.status_code == 200
    body = r.json()
    assert body["factsheet"]["watIsHet"] == "Iets."
    assert [f["naarFase"] for f in body["fasewijzigingen"]] == ["initiatief", "ontwikkeling"]
    assert body["businesscase"] is None


def test_create_requires_programme_office(api, make_user):
    payload = {
        "naam": "Nieuw",
        "korteOmschrijving": "x",
        "spoor": 2,
        "domein": "belastingen",
        "soort": "app",
        "gebruikers": "gemeente",
        "startdatum": "2017-01-01",
        "factsheet": {"watIsHet": "Een app."},
    }
    assert api.post("/api/v1/voorzieningen", payload, format="json").status_code in (401, 403)
    api.force_authenticate(make_user(Rol.GEMEENTE, gemeente="GM0363"))
    assert api.post("/api/v1/voorzieningen", payload, format="json").status_code == 403
    api.force_authenticate(make_user(Rol.PROGRAMMABUREAU))
    r = api.post("/api/v1/voorzieningen", payload, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["factsheet"]["watIsHet"] == "Een app."
    again = api.post("/api/v1/voorzieningen", payload, format="json")
    assert again.status_code == 400
    assert {p["name"] for p in again.json()["invalidParams"]} == {"naam"}


def test_phase_skip_is_a_problem(api, make_voorziening, make_user):
    v = make_voorziening()
    api.force_authenticate(make_user(Rol.PROGRAMMABUREAU))
    r = api.post(
        f"/api/v1/voorzieningen/{v.uuid}/fasewijzigingen", {"naarFase": "beheer"}, format="json"
    )
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["invalidParams"][0]["name"] == "fase"
    assert Voorziening.objects.get(pk=v.pk).fase == "initiatief"
    ok = api.post(
        f"/api/v1/voorzieningen/{v.uuid}/fasewijzigingen",
        {"naarFase": "ontwikkeling", "datum": "2017-06-01"},
        format="json",
    )
    assert ok.status_code == 201


def test_scores_only_by_taskforce_and_within_scale(api, make_voorziening, make_user, criteria):
    v = make_voorziening()
    url = f"/api/v1/voorzieningen/{v.uuid}/scores"
    api.force_authenticate(make_user(Rol.PROGRAMMABUREAU))
    assert (
        api.post(url, {"criterium": "opschaling", "waarde": 3, "onderbouwing": "x"}).status_code
        == 403
    )
    api.force_authenticate(make_user(Rol.TASKFORCE))
    r = api.post(url, {"criterium": "opschaling", "waarde": 9, "onderbouwing": "x"}, format="json")
    assert r.status_code == 400
    assert r.json()["invalidParams"][0]["name"] == "waarde"
    r = api.post(
        url, {"criterium": "opschaling", "waarde": 4, "onderbouwing": "Goed."}, format="json"
    )
    assert r.status_code == 201
    assert r.json()["waarde"] == "4.00"


def test_wegingen_public_only_published(api, make_user, criteria):
    concept = services.create_weging("concept", {c.code: 1 for c in criteria})
    published = services.create_weging("publiek", {c.code: 2 for c in criteria})
    services.publish_weging(published)
    names = [w["naam"] for w in api.get("/api/v1/wegingen").json()["results"]]
    assert names == ["publiek"]
    assert api.get(f"/api/v1/wegingen/{concept.uuid}").status_code == 404
    api.force_authenticate(make_user(Rol.TASKFORCE))
    assert api.get(f"/api/v1/wegingen/{concept.uuid}").status_code == 200
    bad = api.post(
        "/api/v1/wegingen",
        {"naam": "x", "gewichten": {c.code: "-1" for c in criteria}},
        format="json",
    )
    assert bad.status_code == 400
    assert len(bad.json()["invalidParams"]) == 3


def test_ranking_endpoint(api, make_voorziening, criteria):
    a, b = make_voorziening(), make_voorziening()
    for c in criteria:
        services.give_score(a, c, 5, "a")
        services.give_score(b, c, 1, "b")
    versie = services.create_weging("w", {c.code: 1 for c in criteria})
    services.publish_weging(versie)
    rows = api.get(f"/api/v1/wegingen/{versie.uuid}/ranglijst").json()
    assert [(r["voorziening"], r["rang"], r["besteRang"], r["slechtsteRang"]) for r in rows] == [
        (a.naam, 1, 1, 1),
        (b.naam, 2, 2, 2),
    ]
    assert api.get(f"/api/v1/wegingen/{versie.uuid}/ranglijst", {"marge": "2"}).status_code == 400


def test_roadmap_compare_endpoint(api, make_voorziening, make_user):
    v = make_voorziening()
    # Milestones are planned (not in a quarter already over): the roadmaps of 2017 are entered
    # as on their day (issue 13, item 2).
    with clock.replaying(dt.date(2017, 1, 2)):
        one = services.create_routekaart(
            "een",
            [{"voorziening": str(v.uuid), "jaar": 2017, "kwartaal": 1, "omschrijving": "pilot"}],
        )
        two = services.create_routekaart(
            "twee",
            [{"voorziening": str(v.uuid), "jaar": 2017, "kwartaal": 3, "omschrijving": "pilot"}],
        )
    services.publish_routekaart(one)
    services.publish_routekaart(two)
    r = api.get(f"/api/v1/routekaarten/{one.uuid}/vergelijking", {"met": str(two.uuid)})
    assert r.status_code == 200
    assert r.json() == [
        {
            "voorziening": v.naam,
            "uuid": str(v.uuid),
            "omschrijving": "pilot",
            "soort": "verschoven",
            "van": "2017 K1",
            "naar": "2017 K3",
        }
    ]
    assert api.get(f"/api/v1/routekaarten/{one.uuid}/vergelijking", {"met": "x"}).status_code == 400
    api.force_authenticate(make_user(Rol.PROGRAMMABUREAU))
    bad = api.post(
        "/api/v1/routekaarten",
        {
            "naam": "drie",
            "mijlpalen": [
                {
                    "voorziening": str(v.uuid),
                    "jaar": 2016,
                    "kwartaal": 1,
                    "omschrijving": "te vroeg",
                }
            ],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "mijlpalen.0.kwartaal"


def test_fast_list_representation_equals_the_serializer(rf, make_voorziening, org):
    from samen.portfolio.api import LIST_FIELDS, VoorzieningSerializer, summary
    from samen.portfolio.queries import catalogue, developers_of

    make_voorziening(ontwikkelaars=["RDW"], beheerorganisatie="RDW")
    make_voorziening()
    request = rf.get("/api/v1/voorzieningen")
    base = request.build_absolute_uri("/api/v1/voorzieningen/")
    rows = {row["id"]: row for row in catalogue().values(*LIST_FIELDS)}
    developers = developers_of(list(rows))
    for v in catalogue():
        expected = dict(VoorzieningSerializer(v, context={"request": request}).data)
        assert summary(rows[v.pk], base, developers.get(v.pk, [])) == expected


@pytest.mark.parametrize("path", ["/api/v1/wegingen", "/api/v1/routekaarten", "/api/v1/criteria"])
def test_other_lists_have_constant_query_counts(api, path, make_voorziening, criteria):
    def grow(n):
        for i in range(n):
            services.publish_weging(services.create_weging(f"w{i}", {c.code: 1 for c in criteria}))
            v = make_voorziening()
            with clock.replaying(dt.date(2017, 1, 2)):  # a 2017 roadmap, entered as in 2017
                versie = services.create_routekaart(
                    f"r{i}",
                    [
                        {
                            "voorziening": str(v.uuid),
                            "jaar": 2017,
                            "kwartaal": 2,
                            "omschrijving": "m",
                        }
                    ],
                )
            services.publish_routekaart(versie)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert api.get(path).status_code == 200
    grow(8)
    with CaptureQueriesContext(connection) as large:
        assert api.get(path).status_code == 200
    assert len(small) == len(large)
