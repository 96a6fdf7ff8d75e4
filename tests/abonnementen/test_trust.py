"""Trust in invoices (issue 13): an issued document keeps its parties and its bytes; invoice
details are checked at the model (country codes from ISO 3166, postcodes, characters XML
forbids) whatever the entry path; the PDF carries what a Dutch invoice must; an account's open
balance is the invoice plus its corrections; dates and amounts are bounded and read the Dutch
way; a billing run is confirmed first and a repeated submit changes nothing; the API's year
parameters are ASCII and in range."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import re
import time
import zlib
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from samen.abonnementen import pdf, queries, services, ubl
from samen.abonnementen.demo_ubl import VOORBEELD_IBAN, load_voorbeelden
from samen.abonnementen.models import (
    Afzendergegevens,
    Factuur,
    Factuurgegevens,
    Factuurpartijen,
    Partijversie,
    Vordering,
)
from samen.accounts.models import Rol
from samen.core import clock
from samen.core.errors import Conflict, DomainError
from samen.core.models import Taak
from samen.gemeenten.models import Gemeente

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def billed(arrangement):
    load_voorbeelden()
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    return arrangement


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_text(data: bytes) -> str:
    """The text drawn in a reportlab PDF (ASCII85 + Flate content streams)."""
    parts = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        body = raw.strip()
        if body.endswith(b"~>"):
            body = base64.a85decode(body[:-2])
        with contextlib.suppress(zlib.error):
            body = zlib.decompress(body)
        parts += re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", body, re.S)
    text = b" ".join(parts).decode("latin-1")
    return re.sub(r"\\(.)", r"\1", text)


def _factuur(arrangement, code="GM0014", jaar=2018):
    return Factuur.objects.get(
        arrangement=arrangement, jaar=jaar, gemeente__code=code, soort=Factuur.Soort.FACTUUR
    )


# ---------------------------------------------------------------- 4. issued documents


def test_issued_documents_keep_their_bytes_when_details_change_and_a_day_passes(billed):
    f = _factuur(billed)
    assert Factuurpartijen.objects.filter(factuur=f).exists()
    xml, body = ubl.render(f), pdf.render(f)
    assert b"<cbc:PostalZone>1000 AA</cbc:PostalZone>" in xml
    # the municipality moves, the office changes bank and renames a service
    g = Factuurgegevens.objects.get(gemeente__code="GM0014")
    g.postcode, g.straat, g.huisnummer, g.juridische_naam = "3511 AA", "Stadhuisplein", "1", "X"
    g.full_clean()
    g.save()
    a = Afzendergegevens.objects.get(organisatie=billed.administratiekantoor)
    a.iban = "NL91ABNA0417164300"
    a.save()
    billed.diensten.filter(code="beheer").update(naam="Beheer (nieuw)", btw_categorie="E")
    again = Factuur.objects.get(pk=f.pk)
    assert _sha(ubl.render(again)) == _sha(xml)
    assert _sha(pdf.render(again)) == _sha(body)
    # a day later (the clock, the wall clock reportlab would use) still the same bytes
    later = time.time() + 86_400
    with clock.replaying(clock.today() + dt.timedelta(days=1)), mock.patch("time.time") as t:
        t.return_value = later
        assert _sha(pdf.render(Factuur.objects.get(pk=f.pk))) == _sha(body)
        assert _sha(ubl.render(Factuur.objects.get(pk=f.pk))) == _sha(xml)
    # a document issued after the change carries the new details
    billed.diensten.update(btw_categorie="O")
    credit = services.correct_invoice(
        again, "CBS-correctie", inwoners=again.inwoners - 1, factuurdatum=dt.date(2018, 3, 1)
    )
    assert b"<cbc:PostalZone>3511 AA</cbc:PostalZone>" in ubl.render(credit)
    assert b"<cbc:PostalZone>1000 AA</cbc:PostalZone>" in ubl.render(again)


def test_parties_are_written_once_and_never_changed(billed):
    f = _factuur(billed)
    link = Factuurpartijen.objects.get(factuur=f)
    with pytest.raises(PermissionError):
        link.save()
    with pytest.raises(PermissionError):
        link.koper.save()
    with pytest.raises(PermissionError):
        link.koper.delete()
    # a few hundred versions for a run over every municipality, not one per invoice
    assert Partijversie.objects.filter(rol="verkoper").count() == 1
    assert Partijversie.objects.filter(rol="koper").count() == Factuur.objects.count()


def test_the_database_refuses_changing_the_parties_of_an_issued_document(billed):
    from django.db import DatabaseError, transaction

    link = Factuurpartijen.objects.filter(factuur__arrangement=billed).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Partijversie.objects.filter(pk=link.koper_id).update(gegevens={"juridische_naam": "X"})
    with pytest.raises(DatabaseError), transaction.atomic():
        Factuurpartijen.objects.filter(pk=link.pk).update(koper_id=link.verkoper_id)
    with pytest.raises(DatabaseError), transaction.atomic():
        Factuurpartijen.objects.filter(pk=link.pk).delete()


def test_a_document_issued_before_the_details_existed_fixes_them_on_first_use(arrangement):
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    f = _factuur(arrangement)
    assert not Factuurpartijen.objects.filter(factuur=f).exists()
    with pytest.raises(ubl.UblError):
        ubl.render(f)
    load_voorbeelden()
    xml = ubl.render(Factuur.objects.get(pk=f.pk))
    assert Factuurpartijen.objects.filter(factuur=f).exists()
    g = Factuurgegevens.objects.get(gemeente__code="GM0014")
    g.postcode = "3511 AA"
    g.save()
    assert ubl.render(Factuur.objects.get(pk=f.pk)) == xml


@pytest.mark.parametrize(
    "veld, waarde, fout",
    [
        ("land", "XX", "land"),
        ("land", "ZZ", "land"),
        ("postcode", "ABCDEF", "postcode"),
        ("juridische_naam", "Gemeente \x01Groningen", "juridische_naam"),
        ("plaats", "Gron\x1bingen", "plaats"),
        ("inkoopreferentie", "REF\x1b[31m", "inkoopreferentie"),
        ("straat", "Post\x01bus", "straat"),
    ],
)
def test_invoice_details_refuse_bad_values_at_the_model(db, veld, waarde, fout):
    g = Factuurgegevens(
        gemeente=Gemeente.objects.get(code="GM0014"),
        juridische_naam="Gemeente Groningen",
        straat="Postbus",
        huisnummer="30026",
        postcode="9700 RM",
        plaats="Groningen",
        land="NL",
        oin="00000001001234567000",
    )
    g.full_clean()
    setattr(g, veld, waarde)
    with pytest.raises(ValidationError) as error:
        g.full_clean()
    assert fout in error.value.message_dict


@pytest.mark.parametrize(
    "land, postcode, goed",
    [
        ("XX", "ABCDEF", False),
        ("BE", "ABCDEF", False),
        ("BE", "1000", True),
        ("DE", "10115", True),
        ("DE", "1011", False),
        ("GB", "SW1A 1AA", True),
        ("GB", "ABCDEF", False),
    ],
)
def test_postcode_and_country_abroad(db, land, postcode, goed):
    g = Factuurgegevens(
        gemeente=Gemeente.objects.get(code="GM0014"),
        juridische_naam="Gemeente Groningen",
        straat="Postbus",
        postcode=postcode,
        plaats="Groningen",
        land=land,
        oin="00000001001234567000",
    )
    if goed:
        g.full_clean()
    else:
        with pytest.raises(ValidationError):
            g.full_clean()


def test_the_page_and_the_csv_import_refuse_them_too(client, make_user, db):
    user = make_user(Rol.GEMEENTE, gemeente="GM0014")
    client.force_login(user)
    data = {
        "juridische_naam": "Gemeente \x01Groningen",
        "straat": "Postbus",
        "huisnummer": "1",
        "postcode": "ABCDEF",
        "plaats": "Groningen",
        "land": "XX",
        "oin": "00000001001234567000",
        "kvk": "",
        "btw_nummer": "",
        "inkoopreferentie": "",
        "email": "",
    }
    r = client.post("/facturen/gegevens/GM0014", data)
    assert r.status_code == 400
    text = r.content.decode()
    assert "ISO 3166" in text and "stuurteken" in text
    assert not Factuurgegevens.objects.filter(gemeente__code="GM0014").exists()
    data["land"] = "NL"
    r = client.post("/facturen/gegevens/GM0014", data)
    assert r.status_code == 400 and "1234 AB" in r.content.decode()
    # the office's CSV import
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    csv = (
        b"gemeentecode;juridische_naam;straat;postcode;plaats;land;oin\n"
        b"GM0014;Gemeente Groningen;Postbus;ABCDEF;Groningen;XX;00000001001234567000\n"
        b"GM0034;Gemeente \x1bAlmere;Postbus;1300 AA;Almere;NL;00000001001234567001\n"
    )
    r = client.post("/facturen/gegevens", {"bestand": SimpleUploadedFile("g.csv", csv, "text/csv")})
    assert r.status_code == 400
    text = r.content.decode()
    assert "regel 2, veld land" in text and "regel 3, veld juridische_naam" in text
    assert not Factuurgegevens.objects.exists()


def test_arrangement_and_service_names_refuse_control_characters(arrangement):
    arrangement.naam = "Vertrouwenswerk\x01"
    with pytest.raises(ValidationError) as error:
        arrangement.full_clean()
    assert "naam" in error.value.message_dict
    dienst = arrangement.diensten.first()
    dienst.naam = "Dienst\x1b"
    with pytest.raises(ValidationError):
        dienst.full_clean()


def test_a_correction_reason_with_a_control_character_is_refused(billed):
    f = _factuur(billed)
    with pytest.raises(DomainError) as error:
        services.correct_invoice(
            f, "CBS\x01", inwoners=f.inwoners - 1, factuurdatum=dt.date(2018, 3, 1)
        )
    assert error.value.problems[0].name == "reden"
    assert not Factuur.objects.filter(verwijst_naar=f).exists()


# ---------------------------------------------------------------- 5. what the PDF carries


def test_the_pdf_carries_what_a_dutch_invoice_must(billed):
    f = _factuur(billed)
    text = pdf_text(pdf.render(f))
    a = Afzendergegevens.objects.get(organisatie=billed.administratiekantoor)
    for expected in [
        a.juridische_naam,
        "Voorbeeldstraat 1",
        "1000 AA Voorbeeldstad",
        "KvK-nummer 99999999",
        f"IBAN {VOORBEELD_IBAN}",
        "Gemeente Groningen",
        "Postbus 1",
        "1000 AA Groningen",
        f"Factuur {f.nummer}",
        "01-12-2017",
        "01-01-2018 t/m 31-12-2018",
        "31-12-2017",  # due date
        f.betalingskenmerk,
        "Niet onderworpen aan btw",
        "Vertrouwenswerk Jeugd",
    ]:
        assert expected in text, expected
    assert VOORBEELD_IBAN == "NL02ABNA0123456789"  # the account of the demo bank statements
    assert f"<cbc:ID>{VOORBEELD_IBAN}</cbc:ID>".encode() in ubl.render(f)


def test_a_credit_note_is_set_off_and_never_asks_for_payment(billed):
    f = _factuur(billed)
    credit = services.correct_invoice(
        f, "CBS-correctie", inwoners=f.inwoners - 10, factuurdatum=dt.date(2018, 3, 1)
    )
    text = pdf_text(pdf.render(credit))
    assert f"verrekend met factuur {f.nummer}" in text
    assert "Vermeld bij betaling" not in text and "Betaal " not in text
    assert credit.betalingskenmerk not in text


def test_the_office_details_have_one_source(billed):
    a = queries.afzender()
    assert a == Afzendergegevens.objects.get(organisatie=billed.administratiekantoor)
    assert queries.afzender(billed.administratiekantoor) == a
    assert a.iban == "NL02ABNA0123456789"


# ---------------------------------------------------------------- 7. open balance of an account


def test_an_account_paid_minus_its_credit_note_shows_nothing_open(client, billed, make_user):
    f = _factuur(billed, "GM0096")  # Vlieland
    credit = services.correct_invoice(
        f, "CBS-correctie", inwoners=f.inwoners - 33, factuurdatum=dt.date(2018, 3, 1)
    )
    betaald = f.totaal + credit.totaal
    Vordering.objects.create(
        factuur=f,
        gemeente=f.gemeente,
        bedrag=-betaald,
        soort=Vordering.Soort.BETALING,
        datum=dt.date(2018, 3, 10),
    )
    assert queries.account(f).open == 0 and queries.account(credit).open == 0
    assert queries.open_amount(f) == -credit.totaal  # the invoice alone: what was shown before
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0096"))
    for doc in (f, credit):
        page = client.get(f"/facturen/{doc.uuid}").content.decode()
        assert "Openstaand op de rekening" in page and "€ 0,00" in page, doc
    lijst = client.get("/facturen").content.decode()
    assert lijst.count('<td class="num">€ 0,00</td>') >= 2


# ---------------------------------------------------------------- 2. dates


@pytest.mark.parametrize("datum", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2016, 12, 31)])
def test_an_implausible_invoice_date_is_refused(arrangement, datum):
    with pytest.raises(DomainError) as error:
        services.billing_run(arrangement, 2018, factuurdatum=datum)
    assert error.value.problems[0].name == "factuurdatum"
    with pytest.raises(DomainError):
        services.start_billing_run(arrangement, 2018, factuurdatum=datum)
    with pytest.raises(DomainError):
        services.preview_billing(arrangement, 2018, datum)
    assert not Factuur.objects.exists()


def test_invoice_dates_up_to_90_days_ahead(arrangement):
    with pytest.raises(DomainError, match="factuurdatum"):
        services.preview_billing(
            arrangement, 2018, clock.today() + dt.timedelta(days=queries.VOORUIT_DAGEN + 1)
        )
    services.preview_billing(
        arrangement, 2018, clock.today() + dt.timedelta(days=queries.VOORUIT_DAGEN)
    )


@pytest.mark.parametrize("datum", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2017, 11, 30)])
def test_an_implausible_correction_date_is_refused(billed, datum):
    f = _factuur(billed)
    with pytest.raises(DomainError) as error:
        services.correct_invoice(f, "CBS", inwoners=f.inwoners - 1, factuurdatum=datum)
    assert error.value.problems[0].name == "factuurdatum"


def test_exemption_and_subscription_dates_within_the_platform_years(arrangement):
    abonnement = arrangement.abonnementen.exclude(vrijstellingen__isnull=False).first()
    dienst = arrangement.diensten.get(code="kindertelefoon")
    with pytest.raises(DomainError) as error:
        services.add_exemption(abonnement, dienst, dt.date(2019, 1, 1), dt.date(9999, 12, 31), "x")
    assert error.value.problems[0].name == "tot"
    with pytest.raises(DomainError):
        services.add_exemption(abonnement, dienst, dt.date(1, 1, 1), None, "x")


# ---------------------------------------------------------------- 8. amounts


def test_an_index_typed_the_dutch_way(make_arrangement):
    arrangement = make_arrangement(indices={2018: "0"}, subscribe=False)
    assert services.set_index(arrangement, 2019, "1,5").percentage == Decimal("1.5")
    assert services.set_index(arrangement, 2020, Decimal("2.25")).percentage == Decimal("2.25")
    for bad in ["1.500", "abc", "NaN", "-100", "1,2345", 1.5]:
        with pytest.raises(DomainError) as error:
            services.set_index(arrangement, 2021, bad)
        assert error.value.problems[0].name == "percentage", bad


def test_the_dutch_spreadsheet_csv_beside_the_csv(client, billed, make_user):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    page = client.get("/facturen").content.decode()
    assert "/facturen.csv-nl" in page and "CSV (Nederlandse spreadsheet)" in page
    r = client.get("/facturen.csv-nl?jaar=2018")
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('-nl.csv"')
    body = r.content.decode("utf-8-sig")
    assert ";" in body.splitlines()[0] and "01-12-2017" in body
    assert re.search(r";0,90;", body)  # price per inhabitant with a decimal comma
    machine = client.get("/facturen.csv?jaar=2018").content.decode("utf-8-sig")
    assert "2017-12-01" in machine and ";0.90;" in machine


# ---------------------------------------------------------------- 10. a billing run on one click


def test_a_billing_run_is_confirmed_first_and_a_repeat_changes_nothing(
    client, billed, make_user, django_capture_on_commit_callbacks
):
    from samen.core.jobs import run_now

    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    verzoek = {"arrangement": str(billed.uuid), "jaar": "2019", "factuurdatum": "01-12-2018"}
    r = client.post("/facturen", verzoek)
    assert r.status_code == 200
    page = r.content.decode()
    te_maken = services.preview_billing(billed, 2019, dt.date(2018, 12, 1))
    assert te_maken.te_maken > 300 and te_maken.totaal > 0
    assert "Controleer de factuurrun" in page and "01-12-2018" in page
    assert f"Ja, {te_maken.te_maken} facturen maken" in page
    from samen.core.money import format_euro

    assert format_euro(te_maken.totaal) in page
    assert not Taak.objects.exists() and not Factuur.objects.filter(jaar=2019).exists()
    bevestigd = {**verzoek, "factuurdatum": "2018-12-01", "bevestigd": "ja"}
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post("/facturen", bevestigd).status_code == 302
        # the same submit again while the run waits: refused, no second job
        r = client.post("/facturen", bevestigd, follow=True)
    assert "staat al klaar" in r.content.decode()
    assert Taak.objects.count() == 1
    run_now(Taak.objects.get())
    issued = Factuur.objects.filter(jaar=2019).count()
    assert issued == te_maken.te_maken
    totaal = sum(Factuur.objects.filter(jaar=2019).values_list("totaal", flat=True))
    assert totaal == te_maken.totaal
    # and once it has run, the identical submit makes nothing new
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/facturen", bevestigd)
    for taak in Taak.objects.filter(status="wachtend"):
        run_now(taak)
    assert Factuur.objects.filter(jaar=2019).count() == issued
    r = client.post("/facturen", verzoek)
    assert "niets nieuw te factureren" in r.content.decode()


def test_the_page_refuses_a_bad_year_or_date_without_starting(client, billed, make_user):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    for jaar, datum in [("²²²²", ""), ("2019", "9999-12-31"), ("2019", "31-12-99999")]:
        r = client.post(
            "/facturen",
            {"arrangement": str(billed.uuid), "jaar": jaar, "factuurdatum": datum},
            follow=True,
        )
        assert r.status_code == 200 and "Er is niets gestart" in r.content.decode()
    assert not Taak.objects.exists()


def test_a_second_start_while_a_run_waits_is_a_conflict(billed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.start_billing_run(billed, 2019)
        with pytest.raises(Conflict):
            services.start_billing_run(billed, 2019)
    assert Taak.objects.count() == 1


# ---------------------------------------------------------------- API parameters


@pytest.mark.parametrize("jaar", ["²²²²", "２０１８", "1500", "3000", "20188", "abcd"])
@pytest.mark.parametrize("url", ["/api/v1/facturen", "/api/v1/tarieven"])
def test_api_year_parameters_are_ascii_and_in_range(billed, make_user, url, jaar):
    api = APIClient()
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = api.get(url, {"jaar": jaar})
    assert r.status_code == 400, r.content
    assert r["Content-Type"].startswith("application/problem+json")
    assert [p["name"] for p in r.json()["invalidParams"]] == ["jaar"]


@pytest.mark.parametrize("peildatum", ["²⁰¹⁸-01-01", "9999-12-31", "0001-01-01", "gisteren"])
def test_api_peildatum_is_ascii_and_in_range(billed, peildatum):
    r = APIClient().get("/api/v1/abonnementen", {"peildatum": peildatum})
    assert r.status_code == 400
    assert [p["name"] for p in r.json()["invalidParams"]] == ["peildatum"]


def test_api_billing_run_refuses_an_implausible_invoice_date(billed, make_user):
    api = APIClient()
    api.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = api.post(
        "/api/v1/factuurruns",
        {"arrangement": str(billed.uuid), "jaar": 2019, "factuurdatum": "9999-12-31"},
        format="json",
    )
    assert r.status_code == 400
    assert [p["name"] for p in r.json()["invalidParams"]] == ["factuurdatum"]


# ---------------------------------------------------------------- the same classes elsewhere


def test_the_admin_cannot_change_what_issued_invoices_were_billed_on(billed):
    from samen.abonnementen.models import Indexcijfer

    index = Indexcijfer.objects.get(arrangement=billed, jaar=2018)
    index.percentage = Decimal("3.000")
    with pytest.raises(ValidationError) as error:
        index.full_clean()
    assert "percentage" in error.value.message_dict
    later = Indexcijfer.objects.get(arrangement=billed, jaar=2021)
    later.full_clean()  # no invoice for 2021 or later has been issued
    billed.tarief = Decimal("0.95")
    with pytest.raises(ValidationError) as error:
        billed.full_clean()
    assert "tarief" in error.value.message_dict
    billed.tarief, billed.laatste_jaar = Decimal("0.90"), 2022  # extending the term is allowed
    billed.full_clean()


def test_subscription_dates_in_the_admin_within_the_platform_years(arrangement):
    abonnement = arrangement.abonnementen.first()
    abonnement.tot = dt.date(9999, 12, 31)
    with pytest.raises(ValidationError) as error:
        abonnement.full_clean()
    assert "tot" in error.value.message_dict


def test_a_repeated_correction_submit_makes_one_correction(client, billed, make_user):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    f = _factuur(billed)
    data = {"reden": "CBS-correctie", "inwoners": str(f.inwoners - 10)}
    client.post(f"/facturen/{f.uuid}", data)
    r = client.post(f"/facturen/{f.uuid}", data, follow=True)
    assert "het bedrag verandert niet" in r.content.decode()
    assert Factuur.objects.filter(verwijst_naar=f).count() == 1
    r = client.post(f"/facturen/{f.uuid}", {"reden": "x", "inwoners": "١٠"}, follow=True)
    assert "geheel getal" in r.content.decode()
    assert Factuur.objects.filter(verwijst_naar=f).count() == 1


def test_a_finished_run_is_never_marked_failed_afterwards(billed):
    from samen.abonnementen.models import Factuurrun

    run = Factuurrun.objects.get(arrangement=billed, jaar=2018)
    assert run.status == Factuurrun.Status.GEREED
    services.abort_run(run, "te laat")
    run.refresh_from_db()
    assert run.status == Factuurrun.Status.GEREED
    assert Factuur.objects.filter(run=run).count() == run.uitgegeven
