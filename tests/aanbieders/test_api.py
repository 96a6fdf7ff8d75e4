"""The API: upload as multipart by a provider, adoption by the committee, the PDF only for who
may read it, questions and answers, problem+json and scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.aanbieders.models import Verantwoordingsdocument
from tests.aanbieders.conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

URL = "/api/v1/verantwoordingsdocumenten"


def _upload(client, arrangement, inhoud=PDF, naam="plan.pdf", jaar=2018, soort="jaarplan"):
    return client.post(
        URL,
        {
            "arrangement": str(arrangement.uuid),
            "jaar": jaar,
            "soort": soort,
            "bestand": SimpleUploadedFile(naam, inhoud, content_type="application/pdf"),
        },
    )


def test_provider_uploads_and_committee_adopts(client, arrangement, aanbieder, commissie, gemeente):
    client.force_login(aanbieder)
    r = _upload(client, arrangement, naam="../Jaarplan 2018.pdf")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "ingediend" and body["bestandsnaam"] == "Jaarplan 2018.pdf"
    assert body["bestand"].endswith(f"/{body['uuid']}/bestand")
    uuid = body["uuid"]
    client.force_login(gemeente)
    assert client.get(f"{URL}/{uuid}").status_code == 404
    assert client.get(f"{URL}/{uuid}/bestand").status_code == 404
    client.force_login(aanbieder)
    r = client.post(f"{URL}/{uuid}/vaststelling", {"uitkomst": "vastgesteld"}, "application/json")
    assert r.status_code == 403
    client.force_login(commissie)
    r = client.post(f"{URL}/{uuid}/vaststelling", {"uitkomst": "vastgesteld"}, "application/json")
    assert r.status_code == 200 and r.json()["status"] == "vastgesteld"
    assert r.json()["besluit"].startswith("B") and r.json()["gepubliceerdOp"]
    r = client.post(f"{URL}/{uuid}/vaststelling", {"uitkomst": "vastgesteld"}, "application/json")
    assert r.status_code == 409 and r["Content-Type"].startswith("application/problem+json")
    client.force_login(gemeente)
    r = client.get(f"{URL}/{uuid}/bestand")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content == PDF and "attachment" in r["Content-Disposition"]


def test_upload_problems(client, arrangement, aanbieder, gemeente, make_user):
    from samen.accounts.models import Organisatie

    client.force_login(aanbieder)
    r = _upload(client, arrangement, inhoud=b"not a pdf")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/problem+json")
    assert "bestand" in r.content.decode()
    r = _upload(client, arrangement, jaar=2030)
    assert r.status_code == 400 and "jaar" in r.content.decode()
    vreemd = Organisatie.objects.create(naam="Vreemd", soort="aanbieder")
    client.force_login(make_user("aanbieder", organisatie=vreemd))
    r = _upload(client, arrangement)
    assert r.status_code == 403 and "arrangement" in r.content.decode()
    client.force_login(gemeente)
    assert _upload(client, arrangement).status_code == 403
    assert not Verantwoordingsdocument.objects.exists()


def test_public_sees_adopted_metadata_not_the_file(client, vastgesteld, ingediend):
    r = client.get(URL)
    assert r.status_code == 200
    rows = r.json().get("results", r.json())
    assert [d["uuid"] for d in rows] == [str(vastgesteld.uuid)]
    assert rows[0]["bestand"] is None
    assert client.get(f"{URL}/{vastgesteld.uuid}/bestand").status_code == 403


def test_list_filters(client, vastgesteld, akj, arrangement):
    r = client.get(URL, {"jaar": "abc"})
    assert r.status_code == 400 and r["Content-Type"].startswith("application/problem+json")
    for params, n in [
        ({"jaar": 2018}, 1),
        ({"jaar": 2019}, 0),
        ({"aanbieder": str(akj.uuid)}, 1),
        ({"arrangement": str(arrangement.uuid)}, 1),
    ]:
        body = client.get(URL, params).json()
        rows = body.get("results", body)
        assert len(rows) == n, params


def test_questions_and_answers(
    client, vastgesteld, gemeente, andere_gemeente, aanbieder, ander_aanbieder
):
    client.force_login(gemeente)
    r = client.post(
        "/api/v1/vragen",
        {"document": str(vastgesteld.uuid), "tekst": "Hoeveel contacten?"},
        "application/json",
    )
    assert r.status_code == 201, r.content
    vraag = r.json()["uuid"]
    r = client.post(f"/api/v1/vragen/{vraag}/antwoord", {"tekst": "Veel"}, "application/json")
    assert r.status_code == 403
    client.force_login(ander_aanbieder)
    r = client.post(f"/api/v1/vragen/{vraag}/antwoord", {"tekst": "Veel"}, "application/json")
    assert r.status_code == 403 and r["Content-Type"].startswith("application/problem+json")
    client.force_login(aanbieder)
    r = client.post(f"/api/v1/vragen/{vraag}/antwoord", {"tekst": "10.000"}, "application/json")
    assert r.status_code == 201 and r.json()["antwoorden"][0]["tekst"] == "10.000"
    client.force_login(andere_gemeente)
    body = client.get("/api/v1/vragen").json()
    rows = body.get("results", body)
    assert [v["uuid"] for v in rows] == [vraag]
    client.logout()
    assert client.get("/api/v1/vragen").status_code == 403


def test_no_questions_on_unpublished_documents(client, ingediend, gemeente):
    client.force_login(gemeente)
    r = client.post(
        "/api/v1/vragen", {"document": str(ingediend.uuid), "tekst": "Vraag?"}, "application/json"
    )
    assert r.status_code == 400 and "document" in r.content.decode()


def test_a_provider_sees_its_own_submitted_documents(client, ingediend, aanbieder, ander_aanbieder):
    client.force_login(aanbieder)
    assert client.get(f"{URL}/{ingediend.uuid}").status_code == 200
    assert client.get(f"{URL}/{ingediend.uuid}/bestand").status_code == 200
    client.force_login(ander_aanbieder)
    assert client.get(f"{URL}/{ingediend.uuid}").status_code == 404


def test_adoption_needs_a_valid_outcome(client, ingediend, commissie):
    client.force_login(commissie)
    r = client.post(f"{URL}/{ingediend.uuid}/vaststelling", {"uitkomst": "ja"}, "application/json")
    assert r.status_code == 400 and "uitkomst" in r.content.decode()
    r = client.post(
        f"{URL}/{ingediend.uuid}/vaststelling",
        {"uitkomst": "afgewezen", "toelichting": "Onvolledig", "datum": "2018-03-01"},
        "application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "afgewezen"
