"""The API: public meetings and proposals, results only after closing, own ballots only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from samen.accounts.models import Rol
from samen.ledenvergadering import services
from tests.factories import GebruikerFactory
from tests.ledenvergadering import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def meeting(db):
    f.table()
    gemeenten = f.municipalities(5_000, 60_000)
    v = f.meeting()
    a = services.add_proposal(v, "A", "algemeen", "Samen organiseren")
    v = services.publish_agenda(v)
    voters = [f.voter(g, v) for g in gemeenten]
    return v, a, voters


def client(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_cast_change_and_read_own_ballots_only(meeting):
    v, a, voters = meeting
    url = "/api/v1/ledenvergadering-stemmen"
    r = client(voters[0]).post(url, {"voorstel": str(a.uuid), "keuze": "voor"}, format="json")
    assert r.status_code == 200, r.content
    r = client(voters[0]).post(url, {"voorstel": str(a.uuid), "keuze": "tegen"}, format="json")
    assert r.json()["keuze"] == "tegen" and r.json()["versie"] == 2
    assert [s["keuze"] for s in client(voters[0]).get(url).json()["results"]] == ["tegen"]
    assert client(voters[1]).get(url).json()["results"] == []
    detail = f"{url}/{r.json()['uuid']}"
    assert client(voters[1]).get(detail).status_code == 404
    office = GebruikerFactory(rol=Rol.PROGRAMMABUREAU)
    assert client(office).get(url).status_code == 403
    assert client().get(url).status_code in (401, 403)
    bad = client(voters[1]).post(url, {"voorstel": str(a.uuid), "keuze": "ja"}, format="json")
    assert bad.status_code == 400


def test_results_are_hidden_before_closing_for_every_role(meeting):
    v, a, voters = meeting
    services.cast(a, "voor", voters[0])
    office = GebruikerFactory(rol=Rol.PROGRAMMABUREAU)
    url = f"/api/v1/ledenvergadering-voorstellen/{a.uuid}"
    for user in (None, office, voters[0]):
        body = client(user).get(url).json()
        assert body["uitslag"] is None
    r = client(office).post(f"/api/v1/ledenvergaderingen/{v.uuid}/sluiten")
    assert r.status_code == 200 and r.json()["status"] == "gesloten"
    assert client(office).get(url).json()["uitslag"]["totalen"]["voor"] == 1
    assert client().get(url).json()["uitslag"] is None
    assert (
        client(voters[0]).post(f"/api/v1/ledenvergaderingen/{v.uuid}/publiceer-uitslag").status_code
        == 403
    )
    client(office).post(f"/api/v1/ledenvergaderingen/{v.uuid}/publiceer-uitslag")
    body = client().get(url).json()["uitslag"]
    assert body["perGemeente"] == {voters[0].gemeente.code: "voor"}
    assert body["uitgebrachtAantal"] == 1


def test_amendments_filed_and_cosigned(meeting):
    v, a, voters = meeting
    url = "/api/v1/ledenvergadering-amendementen"
    r = client(voters[0]).post(url, {"voorstel": str(a.uuid), "tekst": "Anders"}, format="json")
    assert r.status_code == 201, r.content
    r2 = client(voters[1]).post(f"{url}/{r.json()['uuid']}/medeondertekenen")
    assert r2.json()["medeondertekenaars"] == [voters[1].gemeente.code]
    assert client(voters[1]).post(f"{url}/{r.json()['uuid']}/medeondertekenen").status_code == 400
    assert client().get(url).json()["results"][0]["uitslag"] is None
