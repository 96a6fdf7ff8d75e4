"""Pages: public agenda and weights, secrecy before closing, casting and changing, closing,
publishing, and the per-municipality export."""

from __future__ import annotations

import pytest
from django.test import Client

from samen.accounts.models import Rol
from samen.ledenvergadering import services
from samen.ledenvergadering.models import Stem
from tests.factories import GebruikerFactory
from tests.ledenvergadering import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def logged_in(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def meeting(db):
    f.table()
    gemeenten = f.municipalities(5_000, 60_000)
    v = f.meeting()
    a = services.add_proposal(v, "A", "algemeen", "Samen organiseren")
    v = services.publish_agenda(v)
    voters = [f.voter(g, v) for g in gemeenten]
    return v, a, voters


def test_voter_casts_and_changes_office_closes_public_reads(meeting, make_user):
    v, a, voters = meeting
    url = f"/ledenvergaderingen/{v.uuid}"
    voter = logged_in(voters[0])
    page = voter.get(url).content.decode()
    assert "Uw stem op A" in page
    voter.post(url + "/actie", {"actie": "stem", "voorstel": a.uuid, "keuze": "voor"})
    voter.post(url + "/actie", {"actie": "stem", "voorstel": a.uuid, "keuze": "tegen"})
    assert Stem.objects.get().keuze == "tegen"
    office_user = make_user(Rol.PROGRAMMABUREAU)
    office = logged_in(office_user)
    before = office.get(url).content.decode()
    assert "Gewogen stemmen" not in before and "geheim" in before
    assert Client().get(url + "/uitslag.csv").status_code == 404
    office.post(url + "/actie", {"actie": "sluiten"})
    assert "Gewogen stemmen" not in Client().get(url).content.decode()
    office.post(url + "/actie", {"actie": "uitslag"})
    public = Client().get(url).content.decode()
    assert "Gewogen stemmen" in public and "verworpen" in public
    csv = Client().get(url + "/uitslag.csv").content.decode()
    assert f"{voters[0].gemeente.code}" in csv and "tegen" in csv


def test_others_cannot_close_or_vote(meeting, make_user):
    v, a, voters = meeting
    url = f"/ledenvergaderingen/{v.uuid}/actie"
    assert logged_in(make_user(Rol.BESTUUR)).post(url, {"actie": "sluiten"}).status_code == 403
    assert logged_in(voters[0]).post(url, {"actie": "sluiten"}).status_code == 403
    other = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=voters[1].gemeente)  # not designated
    logged_in(other).post(url, {"actie": "stem", "voorstel": a.uuid, "keuze": "voor"})
    assert not Stem.objects.exists()
    assert Client().post(url, {"actie": "sluiten"}).status_code == 302  # to sign in
    assert Client().get(f"/ledenvergaderingen/{v.uuid}").status_code == 200
