"""Subscription pages: the public arrangement page with derivation, shares, tariffs and
reconciliation; invoices scoped to the municipality; the office's billing form; PDFs; CSV."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.abonnementen import services
from samen.abonnementen.models import Factuur
from samen.accounts.models import Rol

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def billed(arrangement):
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    return arrangement


def test_arrangement_page_shows_derivation_shares_and_reconciliation(client, billed):
    r = client.get(f"/abonnementen/{billed.uuid}")
    text = r.content.decode()
    assert r.status_code == 200
    assert "0,8969" in text and "€ 0,90" in text  # the derivation
    assert "17.081.507" in text
    for share in ("0,4406", "0,2250", "0,2315", "0,0029"):
        assert share in text
    assert "-0,0185" in text  # Luisterend Oor: 0.2315 against the seed's 0.25
    assert "€ 0,0000</td>" in text and "€ 0</td>" not in text  # beheer: no difference, 4 places
    assert "€ 0,67" in text  # exempt price 2018
    assert "Elke factuur telt op tot zijn totaal" in text
    assert client.get("/abonnementen").status_code == 302


def test_what_if_page(client, billed):
    r = client.get(
        f"/abonnementen/{billed.uuid}/wat-als", {"jaar": 2018, "niet_betalend": "GM0014"}
    )
    assert r.status_code == 200 and "Dekkend tarief" in r.content.decode()
    r = client.get(f"/abonnementen/{billed.uuid}/wat-als", {"niet_betalend": "<script>"})
    assert "Geen CBS-gemeentecode" in r.content.decode()
    assert "<script>" not in r.content.decode()


def test_invoices_need_sign_in_and_are_scoped(client, billed, make_user):
    r = client.get("/facturen")
    assert r.status_code == 302 and "/inloggen" in r["Location"]
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    text = client.get("/facturen").content.decode()
    own = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    other = Factuur.objects.get(arrangement=billed, gemeente__code="GM0363")
    assert own.nummer in text and other.nummer not in text
    assert "Factuurrun starten" not in text
    assert 'href="/facturen/gegevens"' in text  # its invoice details, kept by itself
    assert client.get(f"/facturen/{other.uuid}").status_code == 404
    assert client.get(f"/facturen/{other.uuid}.pdf").status_code == 404
    r = client.get(f"/facturen/{own.uuid}.pdf")
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    csv = client.get("/facturen.csv").content.decode()
    assert own.nummer in csv and other.nummer not in csv
    # a municipality cannot correct
    r = client.post(f"/facturen/{own.uuid}", {"reden": "x", "volledig": "ja"})
    assert r.status_code == 403
    assert not Factuur.objects.filter(verwijst_naar=own).exists()


def test_roles_without_invoice_access_get_403(client, billed, make_user):
    client.force_login(make_user(Rol.BESTUUR))
    assert client.get("/facturen").status_code == 403


def test_office_corrects_an_invoice_on_its_page(client, billed, make_user):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    f = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    assert "Corrigeren" in client.get(f"/facturen/{f.uuid}").content.decode()
    r = client.post(f"/facturen/{f.uuid}", {"reden": "CBS-correctie", "inwoners": f.inwoners - 10})
    credit = Factuur.objects.get(verwijst_naar=f)
    assert r.status_code == 302 and r["Location"] == f"/facturen/{credit.uuid}"
    assert credit.totaal == -9
    r = client.post(f"/facturen/{f.uuid}", {"reden": "", "inwoners": "tien"})
    assert r.status_code == 302
    assert Factuur.objects.filter(verwijst_naar=f).count() == 1


def test_office_starts_a_run_from_the_page(
    client, billed, make_user, django_capture_on_commit_callbacks
):
    from samen.core.models import Taak

    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    # two steps: first what the run will do, then the confirmed start
    verzoek = {"arrangement": str(billed.uuid), "jaar": "2019", "factuurdatum": ""}
    r = client.post("/facturen", verzoek)
    assert r.status_code == 200 and "Controleer de factuurrun" in r.content.decode()
    assert not Taak.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        r = client.post("/facturen", {**verzoek, "bevestigd": "ja"})
    assert r.status_code == 302
    assert Taak.objects.filter(soort="abonnementen.factuurrun", status="wachtend").exists()
    r = client.post("/facturen", {"arrangement": str(billed.uuid), "jaar": "2035"}, follow=True)
    assert "buiten de looptijd" in r.content.decode()
