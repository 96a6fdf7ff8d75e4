"""Invoice details for e-invoices: a municipality contact keeps its own (and no other's), the
office, finance and the programme office read all, the office imports a CSV all or nothing with
file, line and field in every problem (page and `samen import-factuurgegevens`), the example
details of the demo loader, and the validation of OIN, KvK, postcode and IBAN."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from samen.abonnementen.demo_ubl import load_factuurgegevens, voorbeeld_afzendergegevens
from samen.abonnementen.models import Afzendergegevens, Factuurgegevens
from samen.abonnementen.models_ubl import iban_valid
from samen.accounts.models import Organisatie, Rol
from samen.audit.models import AuditRegel
from samen.gemeenten.models import Gemeente

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

OIN = "00000001001234567000"
GELDIG = {
    "juridische_naam": "Gemeente Groningen",
    "straat": "Postbus",
    "huisnummer": "30026",
    "postcode": "9700rm",
    "plaats": "Groningen",
    "land": "nl",
    "oin": OIN,
    "kvk": "",
    "btw_nummer": "",
    "inkoopreferentie": "INK-2018-77",
    "email": "facturen@groningen.example",
}


@pytest.fixture
def voorbeelden(db):
    load_factuurgegevens()


def test_demo_loader_gives_every_municipality_example_details(voorbeelden):
    assert Factuurgegevens.objects.count() == Gemeente.objects.count()
    a = Factuurgegevens.objects.get(gemeente__code="GM0363")
    assert a.voorbeeld and a.juridische_naam == "Gemeente Amsterdam"
    assert (a.straatnaam, a.postcode, a.plaats) == ("Postbus 1", "1000 AA", "Amsterdam")
    assert a.oin == "00000001000000000363" and len(a.oin) == 20
    assert len(set(Factuurgegevens.objects.values_list("oin", flat=True))) == (
        Gemeente.objects.count()
    )
    for f in Factuurgegevens.objects.all()[:50]:
        f.full_clean()
    # idempotent, and what a municipality entered is never overwritten
    Factuurgegevens.objects.filter(gemeente__code="GM0363").update(
        juridische_naam="Gemeente Amsterdam (eigen)", voorbeeld=False
    )
    load_factuurgegevens()
    assert Factuurgegevens.objects.count() == Gemeente.objects.count()
    assert Factuurgegevens.objects.get(gemeente__code="GM0363").juridische_naam.endswith("(eigen)")


def test_sender_details_validate_iban_and_identifiers(db):
    assert iban_valid("NL91ABNA0417164300") and not iban_valid("NL91ABNA0417164301")
    org = Organisatie.objects.create(naam="Kantoor X", soort="administratiekantoor")
    afzender = voorbeeld_afzendergegevens(org)
    afzender.iban = "nl91 abna 0417 1643 00"
    afzender.full_clean()
    assert afzender.iban == "NL91ABNA0417164300"
    afzender.iban, afzender.kvk, afzender.oin = "NL91ABNA0417164301", "", ""
    with pytest.raises(ValidationError) as error:
        afzender.full_clean()
    assert {"iban", "oin"} <= set(error.value.message_dict)


def test_contact_edits_only_its_own_details(client, make_user, voorbeelden):
    user = make_user(Rol.GEMEENTE, gemeente="GM0014")
    client.force_login(user)
    r = client.get("/facturen/gegevens")
    assert r.status_code == 302 and r["Location"] == "/facturen/gegevens/GM0014"
    r = client.get("/facturen/gegevens/GM0014")
    assert r.status_code == 200 and "voorbeeldgegevens" in r.content.decode()
    r = client.post("/facturen/gegevens/GM0014", GELDIG)
    assert r.status_code == 302
    f = Factuurgegevens.objects.get(gemeente__code="GM0014")
    assert (f.postcode, f.land, f.oin, f.inkoopreferentie) == ("9700 RM", "NL", OIN, "INK-2018-77")
    assert not f.voorbeeld and f.bijgewerkt_door == user
    regel = AuditRegel.objects.filter(
        object_type="abonnementen.factuurgegevens", object_id="GM0014", actie="wijzigen"
    ).get()
    assert regel.voor["juridische_naam"] == "Gemeente Groningen" and regel.na["oin"] == OIN
    # invalid input: every field says what is wrong, nothing is stored
    r = client.post(
        "/facturen/gegevens/GM0014",
        {**GELDIG, "oin": "123", "postcode": "12345", "email": "geen-adres", "plaats": ""},
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "20 cijfers" in text and "1234 AB" in text and "e-mailadres" in text
    assert Factuurgegevens.objects.get(gemeente__code="GM0014").oin == OIN
    r = client.post("/facturen/gegevens/GM0014", {**GELDIG, "oin": "", "kvk": ""})
    assert r.status_code == 400 and "OIN of een KvK-nummer" in r.content.decode()
    # another municipality's details: neither read nor written
    amsterdam = Factuurgegevens.objects.get(gemeente__code="GM0363")
    assert client.get("/facturen/gegevens/GM0363").status_code in (403, 404)
    r = client.post("/facturen/gegevens/GM0363", {**GELDIG, "juridische_naam": "Overgenomen"})
    assert r.status_code in (403, 404)
    assert Factuurgegevens.objects.get(pk=amsterdam.pk).juridische_naam == "Gemeente Amsterdam"
    # nor can it import
    upload = SimpleUploadedFile("x.csv", b"gemeentecode,juridische_naam\n")
    assert client.post("/facturen/gegevens", {"bestand": upload}).status_code == 403


def test_a_new_municipality_record_is_created_by_its_contact(client, make_user, db):
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    r = client.get("/facturen/gegevens/GM0014")
    assert "nog geen factuurgegevens" in r.content.decode()
    assert client.post("/facturen/gegevens/GM0014", GELDIG).status_code == 302
    assert Factuurgegevens.objects.get(gemeente__code="GM0014").oin == OIN
    assert AuditRegel.objects.filter(object_id="GM0014", actie="aanmaken").exists()


def test_office_reads_all_and_others_not(client, make_user, voorbeelden):
    assert client.get("/facturen/gegevens")["Location"].startswith("/inloggen")
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = client.get("/facturen/gegevens")
    text = r.content.decode()
    assert r.status_code == 200 and "Gemeente Amsterdam" in text and "Importeren" in text
    r = client.get("/facturen/gegevens/GM0363")
    assert r.status_code == 200 and "<form" not in r.content.decode().split("<main", 1)[-1]
    assert client.post("/facturen/gegevens/GM0363", GELDIG).status_code == 403
    client.force_login(make_user(Rol.FINANCIEN))
    r = client.get("/facturen/gegevens")
    assert r.status_code == 200 and 'name="bestand"' not in r.content.decode()
    upload = SimpleUploadedFile("x.csv", b"gemeentecode\n")
    assert client.post("/facturen/gegevens", {"bestand": upload}).status_code == 403
    client.force_login(make_user(Rol.BESTUUR))
    assert client.get("/facturen/gegevens").status_code == 403
    assert client.get("/facturen/gegevens/GM0363").status_code == 403


CSV_GOED = (
    "gemeentecode;juridische_naam;straat;huisnummer;postcode;plaats;oin;kvk;inkoopreferentie\n"
    "GM0014;Gemeente Groningen;Postbus;30026;9700 RM;Groningen;00000001001234567000;;INK-1\n"
    "gm0363;Gemeente Amsterdam;Amstel;1;1011pn;Amsterdam;;34366966;\n"
)
CSV_FOUT = (
    "gemeentecode,juridische_naam,straat,huisnummer,postcode,plaats,oin,kvk,email\n"
    "GM0014,Gemeente Groningen,Postbus,30026,9700 RM,Groningen,00000001001234567000,,\n"
    "GM0363,Gemeente Amsterdam,Amstel,1,1011,Amsterdam,,34366966,\n"
    "GM9999,Gemeente Nergens,Straat,1,1000 AA,Nergens,,12345678,\n"
    "GM0518,Gemeente 's-Gravenhage,Spui,70,2511 BT,Den Haag,,,geen-adres\n"
    "GM0014,Gemeente Groningen,Postbus,30026,9700 RM,Groningen,00000001001234567000,,\n"
)


def test_command_import_is_all_or_nothing_with_file_line_and_field(tmp_path, voorbeelden):
    before = list(Factuurgegevens.objects.order_by("pk").values())
    bad = tmp_path / "gegevens.csv"
    bad.write_text(CSV_FOUT, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_factuurgegevens", str(bad))
    text = str(error.value)
    assert "gegevens.csv, regel 3, veld postcode" in text
    assert "gegevens.csv, regel 4, veld gemeentecode: onbekende gemeentecode 'GM9999'" in text
    assert "gegevens.csv, regel 5, veld oin" in text  # neither OIN nor KvK
    assert "gegevens.csv, regel 5, veld email" in text
    assert "gegevens.csv, regel 6, veld gemeentecode: GM0014 staat ook op regel 2" in text
    assert "regel 2" not in text.replace("ook op regel 2", "")
    assert list(Factuurgegevens.objects.order_by("pk").values()) == before
    missing = tmp_path / "kop.csv"
    missing.write_text("gemeentecode,naam\nGM0014,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_factuurgegevens", str(missing))
    text = str(error.value)
    assert "kop.csv, regel 1, veld juridische_naam: kolom 'juridische_naam' ontbreekt" in text
    assert "kop.csv, regel 1, veld naam: onbekende kolom 'naam'" in text

    good = tmp_path / "goed.csv"
    good.write_text(CSV_GOED, encoding="utf-8")
    call_command("import_factuurgegevens", str(good))
    g = Factuurgegevens.objects.get(gemeente__code="GM0014")
    a = Factuurgegevens.objects.get(gemeente__code="GM0363")
    assert (g.oin, g.inkoopreferentie, g.voorbeeld) == ("00000001001234567000", "INK-1", False)
    assert (a.kvk, a.oin, a.postcode, a.inkoopreferentie) == ("34366966", "", "1011 PN", "")
    # a column left out keeps the stored value (the example e-mail address)
    assert a.email == "facturen@gm0363.example"
    assert AuditRegel.objects.filter(
        object_type="abonnementen.factuurgegevens", object_id="import", actie="importeren"
    ).exists()
    # the same file again changes nothing
    call_command("import_factuurgegevens", str(good))
    assert AuditRegel.objects.filter(object_id="GM0014", actie="wijzigen").count() == 1


def test_office_uploads_a_csv_on_the_page(client, make_user, voorbeelden):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    upload = SimpleUploadedFile("fout.csv", CSV_FOUT.encode(), content_type="text/csv")
    r = client.post("/facturen/gegevens", {"bestand": upload})
    text = r.content.decode()
    assert r.status_code == 400 and "Er is niets gewijzigd" in text
    assert "fout.csv, regel 3, veld postcode" in text
    assert Factuurgegevens.objects.get(gemeente__code="GM0014").voorbeeld
    upload = SimpleUploadedFile("goed.csv", CSV_GOED.encode(), content_type="text/csv")
    r = client.post("/facturen/gegevens", {"bestand": upload}, follow=True)
    assert "goed.csv: 0 nieuw, 2 bijgewerkt, 0 ongewijzigd." in r.content.decode()
    assert not Factuurgegevens.objects.get(gemeente__code="GM0014").voorbeeld


def test_sender_details_are_kept_in_the_admin(client, make_user, db):
    org = Organisatie.objects.create(naam="Kantoor Y", soort="administratiekantoor")
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    r = client.get("/admin/abonnementen/afzendergegevens/add/")
    assert r.status_code == 200
    r = client.post(
        "/admin/abonnementen/afzendergegevens/add/",
        {
            "organisatie": org.pk,
            "juridische_naam": "Kantoor Y B.V.",
            "straat": "Voorbeeldstraat",
            "huisnummer": "1",
            "postcode": "1000aa",
            "plaats": "Voorbeeldstad",
            "land": "NL",
            "kvk": "99999999",
            "iban": "NL91 ABNA 0417 1643 00",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Afzendergegevens.objects.get(organisatie=org)
    assert (a.iban, a.postcode) == ("NL91ABNA0417164300", "1000 AA")
