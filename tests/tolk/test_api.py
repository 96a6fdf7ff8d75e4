"""The interpreter service's API: public tariffs, the mediator's requests and offers, an
interpreter's own offers, clients per role (audited)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from samen.accounts.models import Rol
from samen.audit.models import Actie, AuditRegel
from samen.tolk.models import Opdracht

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]
BASE = "/api/v1/tolkvoorziening"


def api(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_tariffs_are_public_in_camel_case():
    f.tarief()
    body = api().get(f"{BASE}/tarieven").json()
    assert body["results"][0]["vastgesteldOp"] and body["results"][0]["uurtarief"] == "60.00"


def test_mediator_offers_and_interpreter_accepts(make_user):
    mediator = make_user(Rol.BEMIDDELAAR)
    user = make_user(Rol.TOLK)
    f.tolk(gebruiker=user)
    a = f.aanvraag()
    assert api().get(f"{BASE}/aanvragen").status_code in (401, 403)
    assert api(user).get(f"{BASE}/aanvragen").status_code == 403
    rows = api(mediator).get(f"{BASE}/aanvragen", {"status": "open"}).json()["results"]
    assert [r["nummer"] for r in rows] == [a.nummer] and rows[0]["duurMinuten"] == 60
    assert api(mediator).get(f"{BASE}/aanvragen", {"status": "x"}).status_code == 400
    offers = api(mediator).post(
        f"{BASE}/aanvragen/{a.uuid}/aanbieden", {"aantal": 3}, format="json"
    )
    assert offers.status_code == 200 and len(offers.json()) == 1
    own = api(user).get(f"{BASE}/aanbiedingen").json()["results"]
    assert len(own) == 1
    accepted = api(user).post(f"{BASE}/aanbiedingen/{own[0]['uuid']}/accepteren")
    assert accepted.status_code == 200 and Opdracht.objects.count() == 1
    again = api(user).post(f"{BASE}/aanbiedingen/{own[0]['uuid']}/accepteren")
    assert again.status_code == 404  # no longer among the open offers


def test_clients_per_role(make_user):
    own = f.client("GM0363")
    other = f.client("GM0344")
    contact = make_user(Rol.GEMEENTE, gemeente="GM0363")
    rows = api(contact).get(f"{BASE}/clienten").json()["results"]
    assert [r["nummer"] for r in rows] == [own.nummer]
    assert api(contact).get(f"{BASE}/clienten/{own.uuid}").status_code == 200
    assert api(contact).get(f"{BASE}/clienten/{other.uuid}").status_code == 403
    assert api(make_user(Rol.TOLK)).get(f"{BASE}/clienten").status_code == 403
    assert AuditRegel.objects.filter(actie=Actie.LEZEN, object_id=str(own.pk)).exists()
