"""Issue 13 (collection): a distribution period ends before today and after the last one; a
mistaken run is reversed (lines held again through new links, paid-out money settled in the
next afdracht); dates within their plausible range (payments, reminders, statement entries,
peildatum) and /inning robust whatever is stored; a payment after a herindeling is booked for
whoever held the receivable on its date; a manual registration books once; amounts typed the
Dutch way; a confirmation step before a run; letters with the office's details."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Afzendergegevens, Factuur, Vordering
from samen.accounts.models import Rol
from samen.audit.models import AuditRegel
from samen.core import clock
from samen.core.errors import DomainError
from samen.inning import queries, services
from samen.inning.models import (
    Afdracht,
    Afdrachtkoppeling,
    Afdrachtperiode,
    Betaling,
    Betalingsregel,
    Herinnering,
)
from tests.inning.conftest import IBAN, entry, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

JAN = (dt.date(2018, 1, 1), dt.date(2018, 1, 31))
FEB = (dt.date(2018, 2, 1), dt.date(2018, 2, 28))
CSV_HEADER = (
    "rekening;afschrift;boekdatum;bankreferentie;eindtoeindid;bijaf;bedrag;terugboeking;"
    "tegenrekening;naam;omschrijving\n"
)


def facturen(billed, n):
    return list(Factuur.objects.filter(arrangement=billed, jaar=2018).order_by("volgnummer")[:n])


def of(billed, code, jaar=2018):
    return Factuur.objects.get(arrangement=billed, jaar=jaar, gemeente__code=code)


@pytest.fixture
def office(client, make_user):
    client.force_login(make_user(Rol.ADMINISTRATIEKANTOOR))
    return client


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user(Rol.ADMINISTRATIEKANTOOR))
    return client


def problems_of(exc) -> dict[str, str]:
    return {p.name: p.reason for p in exc.value.problems}


# ---------------------------------------------------------------- 1. distribution periods


def test_a_period_in_the_future_or_today_is_refused(billed):
    fs = facturen(billed, 2)
    services.import_statement(statement([entry(f) for f in fs]), "jan.xml")
    for start, eind in (
        (dt.date(2030, 1, 1), dt.date(2030, 1, 31)),
        (dt.date(2018, 1, 1), clock.today()),
        (dt.date(2018, 1, 1), dt.date(9999, 12, 31)),
    ):
        with pytest.raises(DomainError) as exc:
            services.run_distribution(start, eind)
        assert "vóór vandaag" in problems_of(exc)["eind"]
    with pytest.raises(DomainError) as exc:
        services.run_distribution(dt.date(1, 1, 1), dt.date(2018, 1, 31))
    assert "01-01-2000" in problems_of(exc)["start"]
    assert not Afdrachtperiode.objects.exists() and not Afdrachtkoppeling.objects.exists()
    # a period that ended yesterday runs
    gisteren = clock.today() - dt.timedelta(days=1)
    assert services.run_distribution(dt.date(2018, 1, 1), gisteren).nieuw


def test_a_mistaken_run_is_reversed_and_the_lines_pass_on_again(billed, make_user):
    fs = facturen(billed, 3)
    services.import_statement(statement([entry(f, datum="2018-01-20") for f in fs]), "jan.xml")
    # the tester's mistake, as it was possible before: a run far ahead of the real periods
    with clock.replaying(dt.date(2030, 2, 1)):
        wrong = services.run_distribution(dt.date(2018, 1, 1), dt.date(2030, 1, 31))
    lines = set(Betalingsregel.objects.values_list("pk", flat=True))
    assert sum(a.aantal for a in wrong.afdrachten) == len(lines)
    with pytest.raises(DomainError) as exc:
        services.run_distribution(*FEB)
    assert "31-01-2030" in problems_of(exc)["start"]
    with pytest.raises(DomainError) as exc:
        services.reverse_distribution(wrong.periode, "  ")
    assert "reden" in problems_of(exc)
    user = make_user(Rol.ADMINISTRATIEKANTOOR)
    terug = services.reverse_distribution(wrong.periode, "periode in de toekomst", user=user)
    assert terug.periode.terugdraaiing_van == wrong.periode
    assert {a.origineel_id: a.bedrag for a in terug.afdrachten} == {
        a.pk: -a.bedrag for a in wrong.afdrachten
    }
    # the old links stay; every line has a new one to the reversal, so it is held again
    assert Afdrachtkoppeling.objects.filter(afdracht__periode=wrong.periode).count() == len(lines)
    assert set(queries.held_lines().values_list("pk", flat=True)) == lines
    rec = queries.reconcile()
    assert rec.klopt, rec.afwijkingen
    assert rec.afgedragen == 0 and rec.vastgehouden == rec.geind > 0
    with pytest.raises(DomainError):  # once
        services.reverse_distribution(wrong.periode, "nog eens")
    with pytest.raises(DomainError):  # a reversal itself is not reversed
        services.reverse_distribution(terug.periode, "terug")
    assert AuditRegel.objects.filter(toelichting="afdracht teruggedraaid").count() == 1
    # the reversed period no longer counts as the last one: January runs again
    assert queries.last_period_end() is None
    jan = services.run_distribution(*JAN)
    assert jan.nieuw and sum(a.aantal for a in jan.afdrachten) == len(lines)
    # what was paid out on the wrong run is settled in the provider's next afdracht
    for a in jan.afdrachten:
        original = next(w for w in wrong.afdrachten if w.dienst_id == a.dienst_id)
        assert a.verrekend == -original.bedrag and a.te_betalen == a.bedrag - original.bedrag
    rec = queries.reconcile()
    assert rec.klopt and rec.vastgehouden == 0 and rec.afgedragen == rec.geind
    # settled once: February settles nothing more
    services.import_statement(
        statement([entry(facturen(billed, 4)[3], datum="2018-02-10")], "feb"), "feb.xml"
    )
    feb = services.run_distribution(*FEB)
    assert all(a.verrekend == 0 for a in feb.afdrachten)
    assert queries.reconcile().klopt


def test_reversal_through_the_api_is_for_the_office_only(billed, api, make_user):
    services.import_statement(statement([entry(facturen(billed, 1)[0])]), "jan.xml")
    run = services.run_distribution(*JAN)
    provider = APIClient()
    provider.force_authenticate(make_user(Rol.FINANCIEN))
    body = {"periode": str(run.periode.uuid), "reden": "fout"}
    assert provider.post("/api/v1/afdrachten/terugdraaien", body, format="json").status_code == 403
    r = api.post(
        "/api/v1/afdrachten/terugdraaien", {"periode": str(run.periode.uuid)}, format="json"
    )
    assert r.status_code == 400
    r = api.post("/api/v1/afdrachten/terugdraaien", body, format="json")
    assert r.status_code == 201, r.json()
    assert all(Decimal(a["bedrag"]) <= 0 for a in r.json()["afdrachten"])
    assert r.json()["afdrachten"][0]["terugdraaiingVan"]
    assert api.post("/api/v1/afdrachten/terugdraaien", body, format="json").status_code == 400
    r = api.post("/api/v1/afdrachten", {"start": "2030-01-01", "eind": "2030-01-31"}, format="json")
    assert r.status_code == 400 and "eind" in {p["name"] for p in r.json()["invalidParams"]}


def test_the_page_asks_to_confirm_a_run_and_a_reversal(office, billed):
    fs = facturen(billed, 3)
    services.import_statement(statement([entry(f, datum="2018-01-20") for f in fs]), "jan.xml")
    n_lines = Betalingsregel.objects.count()
    form = {"actie": "afdragen", "start": "2018-01-01", "eind": "2018-01-31"}
    r = office.post("/inning", form)
    text = r.content.decode()
    assert r.status_code == 200 and "bevestigen" in text.lower()
    assert "01-01-2018 t/m 31-01-2018" in text and f"{n_lines} betalingsregels" in text
    assert "AKJ" in text or "Advies- en Klachtenbureau" in text
    assert 'name="bevestigd" value="ja"' in text and "<script" not in text.split("<main")[-1]
    assert not Afdrachtperiode.objects.exists()  # nothing written on the first step
    r = office.post("/inning", {**form, "bevestigd": "ja"}, follow=True)
    assert "uitgevoerd (€ " in r.content.decode()
    count = (Afdrachtperiode.objects.count(), Afdracht.objects.count())
    r = office.post("/inning", {**form, "bevestigd": "ja"}, follow=True)  # the same submit again
    assert "was al uitgevoerd; er is niets veranderd" in r.content.decode()
    assert (Afdrachtperiode.objects.count(), Afdracht.objects.count()) == count
    # a future period: refused, on the first step already
    r = office.post(
        "/inning", {"actie": "afdragen", "start": "2030-01-01", "eind": "2030-01-31"}, follow=True
    )
    assert "vóór vandaag" in r.content.decode() and Afdrachtperiode.objects.count() == 1
    # reversal: a reason, a confirmation step, then the reversal
    periode = Afdrachtperiode.objects.get()
    rev = {"actie": "terugdraaien", "periode": periode.uuid, "reden": "verkeerde periode"}
    r = office.post("/inning", rev)
    assert r.status_code == 200 and "terugdraaien" in r.content.decode().lower()
    assert Afdrachtperiode.objects.count() == 1
    r = office.post("/inning", {**rev, "bevestigd": "ja"}, follow=True)
    assert "teruggedraaid" in r.content.decode()
    assert Afdrachtperiode.objects.filter(terugdraaiing_van=periode).exists()


# ---------------------------------------------------------------- 2. dates


def test_reminder_dates_are_in_the_past_and_the_page_survives_any_stored_date(office, billed, api):
    f = facturen(billed, 1)[0]
    r = api.post(
        "/api/v1/herinneringen",
        {"factuur": str(f.uuid), "kanaal": "brief", "datum": "9999-12-31"},
        format="json",
    )
    assert r.status_code == 400 and "datum" in {p["name"] for p in r.json()["invalidParams"]}
    with pytest.raises(DomainError) as exc:
        services.send_reminder(f, "brief", dt.date(1, 1, 1))
    assert "01-01-2000" in problems_of(exc)["datum"]
    assert not Herinnering.objects.exists()
    # whatever is stored (as the defect stored it), /inning answers
    Herinnering.objects.create(
        factuur=f, volgnummer=1, datum=dt.date(9999, 12, 31), kanaal="brief", open_bedrag=1
    )
    assert office.get("/inning").status_code == 200
    assert office.get("/inning", {"peildatum": "2018-06-01"}).status_code == 200
    with pytest.raises(DomainError):  # and the next reminder is refused, not a 500
        services.send_reminder(f, "brief", dt.date(2018, 6, 1))


def test_payment_dates_are_in_the_past_within_the_platforms_years(billed, api, factuur):
    for datum in ("0001-01-01", "9999-12-31", (clock.today() + dt.timedelta(days=1)).isoformat()):
        r = api.post(
            "/api/v1/betalingen",
            {"bedrag": "10,00", "boekdatum": datum, "factuur": str(factuur.uuid)},
            format="json",
            headers={"Idempotency-Key": f"d-{datum}"},
        )
        assert r.status_code == 400, (datum, r.json())
        assert "boekdatum" in {p["name"] for p in r.json()["invalidParams"]}
    assert not Betaling.objects.exists()


@pytest.mark.parametrize("datum", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_statement_entries_outside_the_range_are_refused_naming_file_entry_field(factuur, datum):
    data = statement([entry(factuur, datum="2018-01-15"), entry(factuur, datum=datum)], "d-1")
    with pytest.raises(DomainError) as exc:
        services.import_statement(data, "datum.xml")
    text = str(exc.value)
    assert "datum.xml" in text and "Ntry 2" in text and "veld BookgDt" in text
    csv = CSV_HEADER + f"{IBAN};C-9;{datum};CSV-D;E-D;bij;10,00;nee;;x;kenmerk\n"
    with pytest.raises(DomainError) as exc:
        services.import_statement(csv.encode(), "datum.csv")
    text = str(exc.value)
    assert "datum.csv" in text and "regel 2" in text and "veld boekdatum" in text
    assert not Betaling.objects.exists()


def test_peildatum_is_bounded_on_the_page_and_the_api(office, billed, api):
    for raw in ("9999-12-31", "0001-01-01", "kapot"):
        r = office.get("/inning", {"peildatum": raw}, follow=True)
        assert r.status_code == 200
        assert "peildatum" in r.content.decode().lower()
        r = api.get("/api/v1/achterstallige-facturen", {"peildatum": raw})
        assert r.status_code == 400, raw
    assert (
        api.get("/api/v1/achterstallige-facturen", {"peildatum": "2018-02-01"}).status_code == 200
    )


# ---------------------------------------------------------------- 6. after a herindeling


@pytest.fixture
def merged(billed):
    """Haren merged into Groningen on 2019-01-01: the 2019 run moved Haren's open 2018
    receivable to Groningen (as Bedum's went to Het Hogeland)."""
    haren = of(billed, "GM0017")
    abonnementen.billing_run(billed, 2019, factuurdatum=dt.date(2018, 12, 1))
    groningen = of(billed, "GM0014", 2019).gemeente
    assert queries.open_per_holder(haren) == {haren.gemeente_id: 0, groningen.pk: haren.totaal}
    return haren, groningen


def test_a_payment_before_the_herindeling_imported_after_it(merged):
    haren, groningen = merged
    services.import_statement(
        statement([entry(haren, bedrag=Decimal("100.00"), datum="2018-06-01")]), "laat.xml"
    )
    b = Betaling.objects.get()
    # booked for Haren, who held the receivable on 1 June 2018
    assert b.status == "gekoppeld" and b.gemeente_id == haren.gemeente_id
    v = Vordering.objects.get(factuur=haren, soort="betaling")
    assert v.gemeente_id == haren.gemeente_id and v.datum == dt.date(2018, 6, 1)
    # both balances right: at the end of 2018 and now
    assert queries.open_per_holder(haren, as_of=dt.date(2018, 12, 31)) == {
        haren.gemeente_id: haren.totaal - 100
    }
    now = queries.open_per_holder(haren)
    assert now[haren.gemeente_id] == 0 and now[groningen.pk] == haren.totaal - 100
    correction = Vordering.objects.filter(factuur=haren, soort="overdracht", herindeling=None)
    assert sorted(correction.values_list("gemeente_id", "bedrag", "datum")) == sorted(
        [
            (haren.gemeente_id, Decimal("100.00"), dt.date(2019, 1, 1)),
            (groningen.pk, Decimal("-100.00"), dt.date(2019, 1, 1)),
        ]
    )
    assert queries.reconcile().klopt
    # the reversal by the bank in 2019 goes back to the holder then: Groningen
    rev = entry(haren, bedrag=Decimal("100.00"), datum="2019-02-01", e2e=b.eind_tot_eind)
    rev["terugboeking"] = True
    services.import_statement(statement([rev], "rev"), "rev.xml")
    now = queries.open_per_holder(haren)
    assert now[haren.gemeente_id] == 0 and now[groningen.pk] == haren.totaal
    assert queries.reconcile().klopt


def test_a_payment_after_the_herindeling_goes_to_the_successor(merged):
    haren, groningen = merged
    services.import_statement(statement([entry(haren, datum="2019-02-01")]), "feb.xml")
    assert Betaling.objects.get().gemeente == groningen
    assert not Vordering.objects.filter(factuur=haren, soort="overdracht", herindeling=None)


def test_a_reminder_goes_to_whoever_holds_the_receivable_now(merged, office):
    haren, groningen = merged
    h = services.send_reminder(haren, "brief", dt.date(2019, 2, 1))
    assert f"burgemeester en wethouders van {groningen.naam}," in h.tekst
    assert f"factuur {haren.nummer}" in h.tekst and f"gemeente {haren.gemeente.naam}" in h.tekst
    text = office.get("/inning", {"peildatum": "2019-02-20"}).content.decode()
    assert f"(nu: {groningen.naam})" in text


# ---------------------------------------------------------------- 9. a payment booked once


def test_a_repeated_registration_books_once(factuur, api, office):
    kwargs = {"bedrag": "0,01", "boekdatum": dt.date(2018, 2, 1), "factuur": factuur}
    first = services.register_payment(**kwargs, idempotentiesleutel="k-1")
    again = services.register_payment(**kwargs, idempotentiesleutel="k-1")
    assert first.nieuw and not again.nieuw and again.pk == first.pk
    assert queries.open_amount(factuur) == factuur.totaal - Decimal("0.01")
    with pytest.raises(DomainError) as exc:
        services.register_payment(**{**kwargs, "bedrag": "0,02"}, idempotentiesleutel="k-1")
    assert exc.value.status == 409
    # the API: the Idempotency-Key header
    body = {"bedrag": "0.01", "boekdatum": "2018-02-01", "factuur": str(factuur.uuid)}
    r = api.post("/api/v1/betalingen", body, format="json")
    assert r.status_code == 400 and "idempotentiesleutel" in r.content.decode()
    r1 = api.post("/api/v1/betalingen", body, format="json", headers={"Idempotency-Key": "a-1"})
    r2 = api.post("/api/v1/betalingen", body, format="json", headers={"Idempotency-Key": "a-1"})
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.json()["uuid"] == r2.json()["uuid"]
    r3 = api.post(
        "/api/v1/betalingen",
        {**body, "bedrag": "0.03"},
        format="json",
        headers={"Idempotency-Key": "a-1"},
    )
    assert r3.status_code == 409
    # the page: the form's own key
    form = {
        "actie": "registreren",
        "factuur": factuur.nummer,
        "bedrag": "0,01",
        "boekdatum": "2018-02-01",
        "sleutel": "f-1",
    }
    assert (
        "Betaling van € 0,01 geregistreerd"
        in office.post("/inning", form, follow=True).content.decode()
    )
    text = office.post("/inning", form, follow=True).content.decode()
    assert "al geregistreerd" in text and "niets veranderd" in text
    assert Betaling.objects.count() == 3
    assert queries.open_amount(factuur) == factuur.totaal - Decimal("0.03")
    page = office.get("/inning").content.decode()
    assert 'name="sleutel" value="' in page


# ---------------------------------------------------------------- 8. amounts


def test_amounts_are_typed_the_dutch_way(factuur, office, api):
    r = office.post(
        "/inning",
        {
            "actie": "registreren",
            "factuur": factuur.nummer,
            "bedrag": "12,50",
            "boekdatum": "2018-02-01",
            "sleutel": "b-1",
        },
        follow=True,
    )
    assert "Betaling van € 12,50 geregistreerd: gekoppeld" in r.content.decode()
    assert Betaling.objects.get().bedrag == Decimal("12.50")
    r = api.post(
        "/api/v1/betalingen",
        {"bedrag": "1.000,50", "boekdatum": "2018-02-01", "factuur": str(factuur.uuid)},
        format="json",
        headers={"Idempotency-Key": "b-2"},
    )
    assert r.status_code == 201 and r.json()["bedrag"] == "1000.50"
    for bad in ("1.250", "12,505", "-5", "1,250.00", "twaalf"):
        with pytest.raises(DomainError) as exc:
            services.register_payment(
                bedrag=bad, boekdatum=dt.date(2018, 2, 1), factuur=factuur, bankreferentie=bad
            )
        assert "bedrag" in problems_of(exc), bad


@pytest.mark.parametrize(
    ("bedrag", "gelezen"),
    [("1234,56", "1234.56"), ("1234.56", "1234.56"), ("1.234,56", "1234.56"), ("12", "12")],
)
def test_the_bank_csv_reads_its_documented_amounts(factuur, bedrag, gelezen):
    csv = CSV_HEADER + f"{IBAN};C-A;2018-01-15;CSV-A;E-A;bij;{bedrag};nee;;x;zonder kenmerk\n"
    services.import_statement(csv.encode(), "a.csv")
    assert Betaling.objects.get().bedrag == Decimal(gelezen)


@pytest.mark.parametrize("bedrag", ["1,234.56", "1.234", "12,345", "1e3"])
def test_the_bank_csv_refuses_amounts_that_read_two_ways(factuur, bedrag):
    csv = CSV_HEADER + f"{IBAN};C-B;2018-01-15;CSV-B;E-B;bij;{bedrag};nee;;x;zonder kenmerk\n"
    with pytest.raises(DomainError) as exc:
        services.import_statement(csv.encode(), "b.csv")
    assert "veld bedrag" in str(exc.value)


@pytest.mark.parametrize("bedrag", ["10000000000000", "999999999999999999,00"])
def test_the_bank_csv_refuses_amounts_no_invoice_can_have(factuur, bedrag):
    """Read by core.money.parse_amount: at most EUR 9.999.999.999.999,99 (a larger amount did
    not fit the column, an error of the server on PostgreSQL)."""
    csv = CSV_HEADER + f"{IBAN};C-C;2018-01-15;CSV-C;E-C;bij;{bedrag};nee;;x;zonder kenmerk\n"
    with pytest.raises(DomainError) as exc:
        services.import_statement(csv.encode(), "c.csv")
    assert "veld bedrag" in str(exc.value)


def test_messages_show_amounts_in_euros(factuur):
    data = statement([entry(factuur, bedrag=factuur.totaal + 1000000)], "m-1")
    result = services.import_statement(data, "m.xml")
    text = " ".join(result.meldingen) + Betaling.objects.get().reden
    assert "€ " in text and str(factuur.totaal) not in text
    assert "€ " in str(Betaling.objects.get())


# ---------------------------------------------------------------- 5. the office's details


def test_letters_carry_the_offices_iban_name_and_reference(billed):
    f = facturen(billed, 1)[0]
    details = Afzendergegevens.objects.get(organisatie=billed.administratiekantoor)
    h = services.send_reminder(f, "brief", dt.date(2018, 2, 1))
    assert details.iban in h.tekst and details.juridische_naam in h.tekst
    assert f.betalingskenmerk in h.tekst


def test_no_reminder_without_the_offices_details(billed):
    f = facturen(billed, 1)[0]
    Afzendergegevens.objects.filter(organisatie=billed.administratiekantoor).delete()
    with pytest.raises(DomainError) as exc:
        services.send_reminder(f, "brief", dt.date(2018, 2, 1))
    assert "afzendergegevens" in problems_of(exc)


def test_a_statement_of_another_account_is_refused(factuur, office):
    data = statement([entry(factuur)], "x-1", rekening="NL20INGB0001234567")
    with pytest.raises(DomainError) as exc:
        services.import_statement(data, "ander.xml")
    assert IBAN in problems_of(exc)["rekening"] and "NL20INGB0001234567" in str(exc.value)
    r = office.post(
        "/inning",
        {"actie": "importeren", "bestand": SimpleUploadedFile("ander.xml", data)},
        follow=True,
    )
    assert "niet van de rekening van het administratiekantoor" in r.content.decode()
    assert not Betaling.objects.exists()
