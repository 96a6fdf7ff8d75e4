"""API of decisions and participation: the full path per role, municipality scoping, coverage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from samen.accounts.models import Rol
from samen.core import clock
from samen.deelnames.models import Deelname
from samen.gemeenten.models import Gemeente

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def api():
    return APIClient()


def as_role(api, make_user, rol, gemeente=None):
    api.force_authenticate(make_user(rol, gemeente=gemeente))
    return api


def decided(api, make_user, v, binding="vrij"):
    """The decision path through the API, each step entered on the day it happened (the
    decision dates are checked against the clock: history is replayed)."""
    as_role(api, make_user, Rol.GEMEENTE, "GM0363")
    with clock.replaying(dt.date(2017, 1, 16)):
        r = api.post(
            "/api/v1/verzoeken",
            {
                "voorziening": str(v.uuid),
                "titel": "Opschalen",
                "motivering": "Klaar.",
                "steunendeGemeenten": ["GM0599"],
            },
            format="json",
        )
    assert r.status_code == 201, r.content
    uuid = r.json()["uuid"]
    # the wrong role for each step gets 403
    assert api.post(f"/api/v1/verzoeken/{uuid}/beoordeling", {}, format="json").status_code == 403
    as_role(api, make_user, Rol.TASKFORCE)
    with clock.replaying(dt.date(2017, 2, 1)):
        r = api.post(
            f"/api/v1/verzoeken/{uuid}/beoordeling",
            {
                "impactGemeenten": "a",
                "impactInwoners": "b",
                "maatschappelijkeBaten": "c",
                "opschaalbaarheid": "d",
                "datum": "2017-02-01",
            },
            format="json",
        )
    assert r.status_code == 201, r.content
    as_role(api, make_user, Rol.COLLEGE)
    with clock.replaying(dt.date(2017, 3, 1)):
        r = api.post(
            f"/api/v1/verzoeken/{uuid}/advies",
            {
                "uitrol": "a",
                "tijdpad": "b",
                "binding": binding,
                "samenwerkingsvorm": "c",
                "uitvoering": "landelijk",
                "voorwaarden": "d",
                "datum": "2017-03-01",
            },
            format="json",
        )
    assert r.status_code == 201, r.content
    as_role(api, make_user, Rol.BESTUUR)
    with clock.replaying(dt.date(2017, 4, 1)):
        r = api.post(
            f"/api/v1/verzoeken/{uuid}/besluit",
            {"uitkomst": "vastgesteld", "datum": "2017-04-01"},
            format="json",
        )
    assert r.status_code == 201, r.content
    return r.json()


def test_full_path_through_the_api(api, make_user, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    besluit = decided(api, make_user, v)
    api.force_authenticate(None)
    detail = api.get(besluit["url"]).json()
    assert detail["geldend"] and detail["binding"] == "vrij"
    assert api.get(f"/api/v1/voorzieningen/{v.uuid}").json()["fase"] == "opschaling"

    as_role(api, make_user, Rol.GEMEENTE, "GM0363")
    r = api.post(
        "/api/v1/deelnames",
        {"gemeente": "GM0363", "voorziening": str(v.uuid), "besluit": besluit["nummer"]},
        format="json",
    )
    assert r.status_code == 201, r.content
    deelname = r.json()
    r = api.post(
        f"/api/v1/deelnames/{deelname['uuid']}/status",
        {"status": "in_gebruik"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["liveOp"] == deelname["sinds"]  # today
    bad = api.post(
        f"/api/v1/deelnames/{deelname['uuid']}/status",
        {"status": "in_gebruik", "datum": "2999-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"

    api.force_authenticate(None)
    dekking = api.get(f"/api/v1/voorzieningen/{v.uuid}/dekking", {"weging": "inwoners"}).json()
    assert dekking["inGebruik"] == 931_298 and dekking["totaal"] == 17_942_942  # 1-1-2024
    assert dekking["perProvincie"]["Noord-Holland"]["inGebruik"] == 931_298
    earlier = api.get(f"/api/v1/voorzieningen/{v.uuid}/dekking", {"peildatum": "2018-01-01"})
    assert earlier.json()["inGebruik"] == 0 and earlier.json()["totaal"] == 380
    listed = api.get("/api/v1/deelnames", {"gemeente": "GM0363", "status": "in_gebruik"}).json()
    assert listed["count"] == 1
    assert api.get("/api/v1/deelnames", {"peildatum": "x", "status": "y"}).status_code == 400


def test_other_municipality_gets_403_and_nothing_changes(api, make_user, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    besluit = decided(api, make_user, v)
    as_role(api, make_user, Rol.GEMEENTE, "GM0363")
    own = api.post(
        "/api/v1/deelnames",
        {"gemeente": "GM0363", "voorziening": str(v.uuid), "besluit": besluit["nummer"]},
        format="json",
    ).json()
    as_role(api, make_user, Rol.GEMEENTE, "GM0599")  # Rotterdam
    r = api.post(
        "/api/v1/deelnames",
        {"gemeente": "GM0363", "voorziening": str(v.uuid), "besluit": besluit["nummer"]},
        format="json",
    )
    assert r.status_code == 403
    for path, body in (
        (
            f"/api/v1/deelnames/{own['uuid']}/status",
            {"status": "gepland", "geplandOp": "2018-01-01"},
        ),
        (f"/api/v1/deelnames/{own['uuid']}/uittreden", {}),
    ):
        r = api.post(path, body, format="json")
        assert r.status_code == 403, path
        assert r["Content-Type"] == "application/problem+json"
    d = Deelname.objects.get(uuid=own["uuid"])
    assert (d.status, d.tot) == ("geinteresseerd", None)


def test_leaving_a_binding_arrangement_is_refused(api, make_user, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    decided(api, make_user, v, binding="algemeen")
    assert Deelname.objects.filter(voorziening=v).count() == 388
    d = Deelname.objects.get(voorziening=v, gemeente__code="GM0363")
    as_role(api, make_user, Rol.GEMEENTE, "GM0363")
    r = api.post(f"/api/v1/deelnames/{d.uuid}/uittreden", {}, format="json")
    assert r.status_code == 409
    assert "algemeen bindend" in r.json()["invalidParams"][0]["reason"]


def test_deelnames_list_has_constant_query_count(api, make_user, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    decided(api, make_user, v, binding="algemeen")
    api.force_authenticate(None)
    with CaptureQueriesContext(connection) as small:
        assert api.get("/api/v1/deelnames", {"pageSize": 5}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert api.get("/api/v1/deelnames", {"pageSize": 300}).status_code == 200
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/besluiten")
    assert len(small) <= 3


def test_amending_a_decision_is_a_new_decision(api, make_user, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    first = decided(api, make_user, v)
    as_role(api, make_user, Rol.COLLEGE)
    assert (
        api.post(f"{first['url']}/wijziging", {"voorwaarden": "x"}, format="json").status_code
        == 403
    )
    as_role(api, make_user, Rol.BESTUUR)
    r = api.post(
        f"{first['url']}/wijziging", {"voorwaarden": "Nieuw.", "datum": "2017-06-01"}, format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["vervangt"] == first["nummer"] and r.json()["voorwaarden"] == "Nieuw."
    old = api.get(first["url"]).json()
    assert old["geldend"] is False and old["voorwaarden"] == "d"
    again = api.post(f"{first['url']}/wijziging", {"voorwaarden": "y"}, format="json")
    assert again.status_code == 409


def test_map_names_successors_of_a_split(client, make_voorziening):
    v = make_voorziening(fase="opschaling")
    page = client.get(f"/voorzieningen/{v.uuid}/kaart?peildatum=2021-06-01").content.decode()
    assert "Haaren (nu Boxtel, Oisterwijk, Tilburg, Vught)" in page  # 2019 boundaries
    assert "Haaren is gesplitst over Boxtel, Oisterwijk, Tilburg, Vught" in page
    early = client.get(f"/voorzieningen/{v.uuid}/kaart?peildatum=2016-06-01").content.decode()
    assert "geen grenzenbestand" in early and "<svg role='group'" not in early.replace('"', "'")


def test_cooperation_joins_through_the_api(api, make_user, make_voorziening):
    from samen.accounts.models import Organisatie

    v = make_voorziening(fase="opschaling")
    verband = Organisatie.objects.create(naam="Drechtsteden", soort="samenwerkingsverband")
    verband.leden.set(Gemeente.objects.filter(code__in=["GM0505", "GM0590"]))
    body = {"namens": str(verband.uuid), "voorziening": str(v.uuid)}
    as_role(api, make_user, Rol.GEMEENTE, "GM0505")
    assert api.post("/api/v1/deelnames", body, format="json").status_code == 403
    as_role(api, make_user, Rol.PROGRAMMABUREAU)
    assert api.post("/api/v1/deelnames", body, format="json").status_code == 201
    assert Deelname.objects.filter(voorziening=v, namens=verband).count() == 2
