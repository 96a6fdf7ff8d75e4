"""Pages: the overview with the forms per role, the document page with questions and answers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.aanbieders.models import Antwoord, Verantwoordingsdocument, Verlenging, Vraag
from tests.aanbieders.conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_public_overview_shows_adopted_documents(client, vastgesteld, ingediend):
    r = client.get("/verantwoording-aanbieders")
    text = r.content.decode()
    assert r.status_code == 200
    assert 'role="region" aria-labelledby="tabel-' in text and "<caption" in text
    assert vastgesteld.besluit.nummer in text
    assert client.get(f"/verantwoording-aanbieders/{vastgesteld.uuid}").status_code == 200
    r = client.get(f"/verantwoording-aanbieders/{vastgesteld.uuid}.pdf")
    assert r.status_code == 302
    assert client.post("/verantwoording-aanbieders", {"actie": "indienen"}).status_code == 302


def test_provider_uploads_and_committee_adopts(client, arrangement, aanbieder, commissie):
    client.force_login(aanbieder)
    r = client.get("/verantwoording-aanbieders")
    assert 'name="bestand"' in r.content.decode()
    r = client.post(
        "/verantwoording-aanbieders",
        {
            "actie": "indienen",
            "arrangement": arrangement.uuid,
            "jaar": "2018",
            "soort": "begroting",
            "bestand": SimpleUploadedFile("begroting.pdf", PDF),
        },
        follow=True,
    )
    assert "Ingediend" in r.content.decode()
    r = client.post(
        "/verantwoording-aanbieders",
        {
            "actie": "indienen",
            "arrangement": arrangement.uuid,
            "jaar": "2018",
            "soort": "begroting",
            "bestand": SimpleUploadedFile("x.pdf", b"GIF89a"),
        },
        follow=True,
    )
    assert "geen PDF" in r.content.decode()
    document = Verantwoordingsdocument.objects.get()
    assert (
        client.post(
            "/verantwoording-aanbieders", {"actie": "vaststellen", "document": document.uuid}
        ).status_code
        == 403
    )
    client.force_login(commissie)
    r = client.get("/verantwoording-aanbieders")
    assert 'value="vaststellen"' in r.content.decode()
    r = client.post(
        "/verantwoording-aanbieders",
        {"actie": "vaststellen", "document": document.uuid},
        follow=True,
    )
    assert "vastgesteld en gepubliceerd" in r.content.decode()
    document.refresh_from_db()
    assert document.status == "vastgesteld"


def test_document_page_questions_and_answers(
    client, vastgesteld, gemeente, aanbieder, ander_aanbieder
):
    url = f"/verantwoording-aanbieders/{vastgesteld.uuid}"
    client.force_login(gemeente)
    r = client.get(url)
    assert 'name="tekst"' in r.content.decode() and ".pdf" in r.content.decode()
    assert client.get(url + ".pdf").content == PDF
    r = client.post(url, {"actie": "vraag", "tekst": "Hoeveel?"}, follow=True)
    assert "Uw vraag is gesteld" in r.content.decode()
    vraag = Vraag.objects.get()
    assert (
        client.post(url, {"actie": "antwoord", "vraag": vraag.uuid, "tekst": "x"}).status_code
        == 403
    )
    client.force_login(ander_aanbieder)
    r = client.post(url, {"actie": "antwoord", "vraag": vraag.uuid, "tekst": "x"}, follow=True)
    assert "andere aanbieder" in r.content.decode()
    client.force_login(aanbieder)
    r = client.post(url, {"actie": "antwoord", "vraag": vraag.uuid, "tekst": "Veel."}, follow=True)
    assert "Veel." in r.content.decode()
    assert Antwoord.objects.count() == 1


def test_unpublished_document_page_is_hidden(client, ingediend, gemeente, aanbieder):
    client.force_login(gemeente)
    assert client.get(f"/verantwoording-aanbieders/{ingediend.uuid}").status_code == 404
    assert client.get(f"/verantwoording-aanbieders/{ingediend.uuid}.pdf").status_code == 404
    client.force_login(aanbieder)
    assert client.get(f"/verantwoording-aanbieders/{ingediend.uuid}").status_code == 200


def test_the_page_no_longer_records_a_renewal(client, arrangement, bureau):
    """Issue 19: renewal is the members' meeting's vote; the page shows the decisions and
    points there, and a posted renewal is refused without a change."""
    client.force_login(bureau)
    page = client.get("/verantwoording-aanbieders").content.decode()
    assert 'value="verlenging"' not in page and "/ledenvergaderingen" in page
    r = client.post(
        "/verantwoording-aanbieders",
        {
            "actie": "verlenging",
            "arrangement": arrangement.uuid,
            "datum": "2020-11-25",
            "verlengd": "ja",
            "nieuw_laatste_jaar": "2025",
            "toelichting": "ALV",
        },
        follow=True,
    )
    assert "Onbekende actie." in r.content.decode()
    arrangement.refresh_from_db()
    assert arrangement.laatste_jaar == 2021 and Verlenging.objects.count() == 0


@pytest.mark.parametrize("datum", ["2999-01-01", "31-02-2018", "morgen"])
def test_committee_page_refuses_an_impossible_or_unreadable_decision_date(
    client, ingediend, commissie, datum
):
    """Issue 13: a decision date in the future or that cannot be read is refused with a
    message, never replaced by today."""
    client.force_login(commissie)
    r = client.post(
        "/verantwoording-aanbieders",
        {"actie": "vaststellen", "document": ingediend.uuid, "datum": datum},
        follow=True,
    )
    body = r.content.decode()
    assert "datum" in body
    ingediend.refresh_from_db()
    assert ingediend.status == ingediend.Status.INGEDIEND
