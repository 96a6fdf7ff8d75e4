"""Pages and API of agreements: public totals, details for the office, a municipality signing
its own agreement (another's: 403), bad input, reminders sent and recorded, the start page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from samen.audit.models import AuditRegel
from samen.gemeenten.models import Gemeente
from samen.meldingen.models import Verzending
from samen.overeenkomsten import queries, services
from samen.overeenkomsten.demo import load_overeenkomsten
from samen.overeenkomsten.models import Ondertekening, Overeenkomst, Stap
from tests import factories as f
from tests.overeenkomsten import factories as of

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def o():
    agreement = of.overeenkomst(f.ArrangementFactory())
    of.teken(agreement, Gemeente.objects.get(code="GM0363"))
    return agreement


def test_campaign_page_public_totals_without_details(o):
    response = Client().get(f"/overeenkomsten/{o.uuid}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gemeenten per stap" in body and "Tekort per aanbieder" in body
    assert "niet-getekend" not in body  # the list of who has not signed is for the office


def test_campaign_page_details_for_the_office(o, make_user):
    client = Client()
    client.force_login(make_user("programmabureau"))
    body = client.get(f"/overeenkomsten/{o.uuid}").content.decode()
    assert 'id="niet-getekend"' in body and "Herinnering versturen" in body


def test_bad_peildatum_is_400(o):
    assert Client().get(f"/overeenkomsten/{o.uuid}?peildatum=31-02-2017").status_code == 400
    assert Client().get(f"/overeenkomsten/{o.uuid}?peildatum=01-01-1900").status_code == 400


def test_unknown_agreement_404():
    assert Client().get("/overeenkomsten/00000000-0000-0000-0000-000000000000").status_code == 404


def test_contact_signs_own_municipality_not_another(o, make_user):
    client = Client()
    client.force_login(make_user("gemeente", gemeente="GM0344"))
    url = f"/overeenkomsten/{o.uuid}/gemeenten/GM0344"
    page = client.get(url)
    assert page.status_code == 200 and "Wat betekent dit voor uw gemeente?" in page.content.decode()
    assert client.post(url, {"status": "in_college", "datum": "01-03-2017"}).status_code == 302
    response = client.post(url, {"status": "getekend", "datum": "01-04-2017"})
    assert response.status_code == 400 and "wie heeft getekend" in response.content.decode()
    assert Ondertekening.objects.get(overeenkomst=o, gemeente__code="GM0344").status == "in_college"
    assert client.get(f"/overeenkomsten/{o.uuid}/gemeenten/GM0599").status_code == 403
    assert (
        client.post(
            f"/overeenkomsten/{o.uuid}/gemeenten/GM0599", {"status": "in_college"}
        ).status_code
        == 403
    )


def test_office_records_on_behalf_audited(o, make_user):
    client = Client()
    client.force_login(make_user("programmabureau"))
    url = f"/overeenkomsten/{o.uuid}/gemeenten/GM0599"
    assert client.post(url, {"status": "in_raad", "datum": "01-03-2017"}).status_code == 302
    stap = Stap.objects.get(ondertekening__gemeente__code="GM0599")
    assert stap.namens
    regel = AuditRegel.objects.filter(object_type="overeenkomsten.ondertekening").latest("id")
    assert "namens de gemeente" in regel.toelichting


def test_anonymous_signing_page_goes_to_sign_in(o):
    response = Client().get(f"/overeenkomsten/{o.uuid}/gemeenten/GM0344")
    assert response.status_code == 302 and "next=" in response["Location"]


def test_meaning_for_my_municipality(o):
    g = Gemeente.objects.get(code="GM0344")
    b = queries.meaning_for(o, g, "niet_gestart")
    assert b.jaarbedrag == b.inwoners * b.prijs
    assert b.stappen == ["in het college", "in de raad", "getekend"]
    assert b.looptijd == "2018–2021"


def test_reminder_sent_to_contacts_of_those_not_signed_and_recorded(
    o, make_user, django_capture_on_commit_callbacks
):
    waiting = make_user("gemeente", gemeente="GM0344", email="denhaag@example.org")
    make_user("gemeente", gemeente="GM0363", email="amsterdam@example.org")  # signed: no reminder
    with django_capture_on_commit_callbacks(execute=True):
        h = services.send_reminder(
            o, "Graag vóór 1 juni tekenen.", user=make_user("programmabureau")
        )
    assert h.gemeenten.filter(code="GM0344").exists()
    assert not h.gemeenten.filter(code="GM0363").exists()
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert "1 juni" in mail.outbox[0].body or "01-06-2017" in mail.outbox[0].body
    assert Verzending.objects.filter(soort="ondertekening_herinnering").count() == 1


def test_waiting_signature_on_the_start_page(o, make_user):
    client = Client()
    client.force_login(make_user("gemeente", gemeente="GM0344"))
    body = client.get("/mijn-werk").content.decode()
    assert "Overeenkomsten om te tekenen" in body and o.titel in body


def test_api_campaign_and_signing(o, make_user):
    body = Client().get(f"/api/v1/overeenkomsten/{o.uuid}/campagne?peildatum=2017-06-01").json()
    assert body["groepen"][0]["groep"] == "getekend" and body["groepen"][0]["aantal"] == 1
    assert "dagenOver" in body and "aandeelInwoners" in body["groepen"][0]
    assert Client().get(f"/api/v1/overeenkomsten/{o.uuid}/campagne?peildatum=x").status_code == 400
    assert Client().get("/api/v1/ondertekeningen").status_code in (401, 403)
    client = Client()
    client.force_login(make_user("gemeente", gemeente="GM0344"))
    created = client.post(
        "/api/v1/ondertekeningen",
        {
            "overeenkomst": str(o.uuid),
            "gemeente": "GM0344",
            "stap": "in_college",
            "datum": "2017-03-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["stap"] == "in_college" and created.json()["teBevestigen"] is False
    other = client.post(
        "/api/v1/ondertekeningen",
        {"overeenkomst": str(o.uuid), "gemeente": "GM0363", "stap": "afgewezen", "reden": "x"},
        content_type="application/json",
    )
    assert other.status_code == 403
    listed = client.get("/api/v1/ondertekeningen").json()
    assert {r["gemeente"] for r in listed["results"]} == {"GM0344"}
    bad = client.post(
        "/api/v1/ondertekeningen",
        {
            "overeenkomst": str(o.uuid),
            "gemeente": "GM0344",
            "stap": "in_raad",
            "datum": "2999-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_demo_replays_the_2017_campaign():
    from samen.abonnementen.demo import NAAM

    f.ArrangementFactory(naam=NAAM)
    result = load_overeenkomsten()
    assert "getekend" in result, result
    o = Overeenkomst.objects.get(voorbeeld=True)
    c = queries.campaign(o, dt.date(2017, 6, 1))
    signed = c.totalen.per_groep["getekend"].aantal
    bezig = c.totalen.per_groep["bezig"].aantal
    assert 230 <= signed <= 270 and bezig >= 100, (signed, bezig)
    assert load_overeenkomsten() == "al aanwezig"
    assert "Voorbeeldgegevens" in Client().get(f"/overeenkomsten/{o.uuid}").content.decode()
