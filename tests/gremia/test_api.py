"""The API: bodies, composition on a date (camelCase keys, bad dates refused), meetings."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.gemeenten.models import Gemeente
from samen.gremia import services
from samen.gremia.models import Gremium
from tests.gremia import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def taskforce():
    g = f.gremium(Gremium.Soort.TASKFORCE)
    f.lid(g, "Lid Een", gemeente=Gemeente.objects.get(code="GM0363"))
    v = f.vergadering(g, D(2017, 5, 1))
    services.add_agenda_item(v, {"titel": "Opening"})
    return g


def test_bodies_and_composition(client, taskforce):
    rows = client.get("/api/v1/gremia?soort=taskforce").json()["results"]
    assert [r["uuid"] for r in rows] == [str(taskforce.uuid)]
    data = client.get(f"/api/v1/gremia/{taskforce.uuid}/samenstelling?peildatum=2017-06-01").json()
    assert data["leden"][0]["naam"] == "Lid Een"
    assert data["perGrootteklasse"]["zeer-groot"] == 1
    assert data["ontbrekendeGrootteklassen"] == ["klein", "middelgroot", "groot"]
    before = client.get(f"/api/v1/gremia/{taskforce.uuid}/samenstelling?peildatum=2016-06-01")
    assert before.json()["leden"] == []


@pytest.mark.parametrize("bad", ["x", "1800-01-01", "²⁰¹⁷-01-01"])
def test_bad_parameters_are_refused(client, taskforce, bad):
    r = client.get(f"/api/v1/gremia/{taskforce.uuid}/samenstelling", {"peildatum": bad})
    assert r.status_code == 400
    assert client.get("/api/v1/gremia", {"soort": "geen"}).status_code == 400
    assert client.get("/api/v1/vergaderingen", {"vanaf": bad}).status_code == 400


def test_meetings_with_agenda_and_quorum(client, taskforce):
    rows = client.get(f"/api/v1/vergaderingen?gremium={taskforce.uuid}").json()["results"]
    assert len(rows) == 1
    detail = client.get(f"/api/v1/vergaderingen/{rows[0]['uuid']}").json()
    assert detail["agenda"][0]["titel"] == "Opening"
    assert detail["quorumGehaald"] is None and detail["quorumToelichting"]
    assert client.post("/api/v1/vergaderingen", {}).status_code in (401, 403, 405)
