"""Collection pages: the office's page with its forms and lists; afdrachten per period, a
provider its own; sign-in and roles."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.abonnementen.models import Factuur
from samen.accounts.models import Organisatie, Rol
from samen.inning import services
from samen.inning.models import Afdrachtperiode, Betaling, Herinnering
from tests.inning.conftest import entry, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def office(client, make_user):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    return client


def test_pages_need_sign_in_and_the_right_role(client, billed, make_user):
    for url in ("/inning", "/inning/afdrachten"):
        r = client.get(url)
        assert r.status_code == 302 and "/inloggen" in r["Location"]
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    assert client.get("/inning").status_code == 403
    assert client.get("/inning/afdrachten").status_code == 403
    assert client.post("/inning", {"actie": "afdragen"}).status_code == 403


def test_office_imports_registers_matches_and_runs(office, factuur, billed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = statement([entry(factuur, bedrag="10.00"), entry(None, bedrag="3.00")])
    r = office.post(
        "/inning",
        {"actie": "importeren", "bestand": SimpleUploadedFile("jan.xml", data)},
        follow=True,
    )
    text = r.content.decode()
    assert "1 gekoppeld, 1 niet gekoppeld" in text
    assert 'aria-labelledby="tabel-ongematcht"' in text and "<caption" in text
    r = office.post(
        "/inning",
        {"actie": "importeren", "bestand": SimpleUploadedFile("kapot.xml", b"<Document")},
        follow=True,
    )
    assert "kapot.xml" in r.content.decode()
    unmatched = Betaling.objects.get(status="ongematcht")
    r = office.post(
        "/inning",
        {"actie": "koppelen", "betaling": unmatched.uuid, "factuur": factuur.nummer},
        follow=True,
    )
    assert f"Gekoppeld aan factuur {factuur.nummer}" in r.content.decode()
    r = office.post(
        "/inning",
        {
            "actie": "registreren",
            "factuur": factuur.betalingskenmerk,
            "bedrag": "5,00",
            "boekdatum": "2018-01-20",
            "sleutel": "formulier-1",
        },
        follow=True,
    )
    assert "Betaling van € 5,00 geregistreerd: gekoppeld" in r.content.decode()
    r = office.get("/inning", {"peildatum": "2018-02-01"})
    text = r.content.decode()
    assert "Vervallen facturen" in text and factuur.betalingskenmerk in text
    r = office.post(
        "/inning",
        {"actie": "herinnering", "factuur": factuur.uuid, "kanaal": "brief", "datum": "2018-02-01"},
        follow=True,
    )
    assert "Herinnering 1" in r.content.decode() and Herinnering.objects.count() == 1
    r = office.post(
        "/inning",
        {"actie": "afdragen", "start": "2018-01-01", "eind": "2018-01-31", "bevestigd": "ja"},
        follow=True,
    )
    assert "uitgevoerd" in r.content.decode() and Afdrachtperiode.objects.count() == 1
    r = office.get("/inning/afdrachten")
    text = r.content.decode()
    assert "De aansluiting klopt tot op de cent" in text and "Vertrouwenswerk Jeugd" in text


def test_provider_sees_only_its_own_statement(client, billed, make_user):
    fs = list(Factuur.objects.filter(arrangement=billed, jaar=2018).order_by("volgnummer")[:3])
    services.import_statement(statement([entry(f) for f in fs]), "jan.xml")
    services.run_distribution(dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    akj = Organisatie.objects.get(afkorting="AKJ")
    client.force_login(make_user(Rol.AANBIEDER, organisatie=akj))
    text = client.get("/inning/afdrachten").content.decode()
    assert "Afdrachten aan AKJ" in text and "Vertrouwenswerk Jeugd" in text
    assert "De Kindertelefoon" not in text and "Sensoor" not in text
    assert client.get("/inning").status_code == 403
