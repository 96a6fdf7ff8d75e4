"""The money on a municipality's page (issue 16 item 3): public per year its fund contribution
and what each arrangement invoiced it (inhabitants x price); for its own contacts and the staff
who may see invoices also each invoice with its open amount and paid/open status, reminders,
support requests and documents to read; CSV/XLSX of both; a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samen.accounts.models import Rol
from tests.abonnementen.conftest import kantoor, make_arrangement  # noqa: F401
from tests.inning.conftest import office_details

pytestmark = [pytest.mark.django_db]

UTRECHT = "GM0344"
JAREN = range(2018, 2022)


def _arrangement(make_arrangement):  # noqa: F811
    """The test arrangement with only Utrecht and Groningen subscribed (billing is quick)."""
    from samen.abonnementen import services
    from samen.gemeenten.models import Gemeente

    arrangement = make_arrangement(subscribe=False)
    office_details(arrangement.administratiekantoor)  # a reminder needs the office's IBAN
    for code in (UTRECHT, "GM0014"):
        services.subscribe(arrangement, Gemeente.objects.get(code=code), dt.date(2018, 1, 1))
    return arrangement


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def geld(make_arrangement):  # noqa: F811
    """The test arrangement billed 2018-2021, a fund contribution for every year, Utrecht's
    2018 invoice paid and a reminder for its 2019 invoice."""
    from samen.abonnementen import services as abonnementen
    from samen.abonnementen.models import Factuur
    from samen.fonds import services as fonds_services
    from samen.fonds.models import Fonds
    from samen.inning import services as inning

    arrangement = _arrangement(make_arrangement)
    for jaar in JAREN:
        abonnementen.billing_run(arrangement, jaar, factuurdatum=dt.date(jaar - 1, 12, 1))
    fonds = Fonds.objects.create(naam="Testfonds")
    for jaar in JAREN:
        fonds_services.set_contribution(
            fonds,
            jaar,
            totaal=Decimal("52300000"),
            toelichting="" if jaar == 2018 else f"Voorbeeldgegevens {jaar}",
        )
    facturen = {
        f.jaar: f for f in Factuur.objects.filter(arrangement=arrangement, gemeente__code=UTRECHT)
    }
    inning.register_payment(
        bedrag=facturen[2018].totaal,
        boekdatum=dt.date(2018, 1, 15),
        factuur=facturen[2018],
        idempotentiesleutel="test-utrecht-2018",
    )
    inning.send_reminder(facturen[2019], "email", datum=dt.date(2019, 2, 1))
    return arrangement, facturen


def test_public_part_shows_contributions_and_invoiced_amounts_for_every_year(client, geld):
    from samen.fonds.models import Bijdrage

    arrangement, facturen = geld
    html = client.get(f"/gemeenten/{UTRECHT}").content.decode()
    for jaar in JAREN:
        bijdrage = Bijdrage.objects.get(regeling__jaar=jaar, gemeente__code=UTRECHT)
        assert _euro(bijdrage.bedrag) in html
        f = facturen[jaar]
        assert f.totaal == (f.inwoners * f.prijs).quantize(Decimal("0.01")) or f.vrijgesteld
        assert _euro(f.totaal) in html
    assert arrangement.naam in html
    assert 'aria-labelledby="tabel-bijdragen"' in html and 'id="tabel-bijdragen"' in html
    assert 'aria-labelledby="tabel-gefactureerd"' in html and 'id="tabel-gefactureerd"' in html
    # the private part is not there: no invoice numbers, no open amounts, no reminders
    assert facturen[2019].nummer not in html
    assert 'id="tabel-facturen"' not in html
    assert "Herinneringen" not in html


def test_own_contact_sees_invoices_with_paid_and_open_status(make_user, geld):
    _arrangement, facturen = geld
    contact = make_user(Rol.GEMEENTE, gemeente=UTRECHT)
    html = _client(contact).get(f"/gemeenten/{UTRECHT}").content.decode()
    assert 'id="tabel-facturen"' in html
    for jaar in JAREN:
        assert facturen[jaar].nummer in html
    row_2018 = _row(html, facturen[2018].nummer)
    assert "betaald" in row_2018 and "€ 0,00" in row_2018
    row_2019 = _row(html, facturen[2019].nummer)
    assert "open" in row_2019 and row_2019.count(_euro(facturen[2019].totaal)) == 2
    assert "1: 1-2-2019" in row_2019  # the reminder
    open_totaal = sum((facturen[j].totaal for j in (2019, 2020, 2021)), Decimal(0))
    assert f"Totaal open: {_euro(open_totaal)}" in html
    assert 'id="tabel-herinneringen"' in html


def test_contact_of_another_municipality_sees_only_the_public_part(make_user, geld):
    _arrangement, facturen = geld
    groningen = make_user(Rol.GEMEENTE, gemeente="GM0014")
    client = _client(groningen)
    html = client.get(f"/gemeenten/{UTRECHT}").content.decode()
    assert _euro(facturen[2019].totaal) in html  # public: invoiced per arrangement
    assert facturen[2019].nummer not in html
    assert 'id="tabel-facturen"' not in html
    assert client.get(f"/gemeenten/{UTRECHT}/facturen.csv").status_code == 403
    assert client.get(f"/gemeenten/{UTRECHT}/geld.csv").status_code == 200
    # and its own page does show its private part
    own = client.get("/gemeenten/GM0014").content.decode()
    assert 'id="tabel-facturen"' in own


@pytest.mark.parametrize("rol", [Rol.FINANCIEN, Rol.ADMINISTRATIEKANTOOR, Rol.PROGRAMMABUREAU])
def test_staff_who_may_see_invoices_see_the_private_part(make_user, geld, rol):
    html = _client(make_user(rol)).get(f"/gemeenten/{UTRECHT}").content.decode()
    assert 'id="tabel-facturen"' in html


@pytest.mark.parametrize("rol", [Rol.TASKFORCE, Rol.BESTUUR, Rol.AANBIEDER])
def test_other_roles_see_only_the_public_part(make_user, geld, rol):
    client = _client(make_user(rol))
    assert 'id="tabel-facturen"' not in client.get(f"/gemeenten/{UTRECHT}").content.decode()
    assert client.get(f"/gemeenten/{UTRECHT}/facturen.xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in_for_the_private_export(client, geld):
    response = client.get(f"/gemeenten/{UTRECHT}/facturen.csv")
    assert response.status_code == 302 and "next=" in response["Location"]
    assert client.get("/gemeenten/GM9999/geld.csv").status_code == 404


def test_public_export_csv_nl_and_xlsx(client, geld):
    from openpyxl import load_workbook

    _arrangement, facturen = geld
    body = client.get(f"/gemeenten/{UTRECHT}/geld.csv-nl").content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("jaar;soort;omschrijving")
    assert len(lines) == 1 + 2 * len(JAREN)  # a contribution and an invoiced row per year
    assert str(facturen[2020].totaal).replace(".", ",") in body
    assert facturen[2020].nummer not in body
    assert "ja" in lines[-2] or "ja" in lines[-1]  # example data marked
    xlsx = client.get(f"/gemeenten/{UTRECHT}/geld.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "jaar" and len(rows) == 1 + 2 * len(JAREN)


def test_private_export_for_the_own_contact_is_audited(make_user, geld):
    from openpyxl import load_workbook

    from samen.audit.models import AuditRegel

    _arrangement, facturen = geld
    client = _client(make_user(Rol.GEMEENTE, gemeente=UTRECHT))
    body = client.get(f"/gemeenten/{UTRECHT}/facturen.csv-nl").content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 1 + len(JAREN)
    row_2018 = next(line for line in lines if line.startswith(facturen[2018].nummer))
    assert row_2018.split(";")[10:12] == ["0,00", "betaald"]
    row_2019 = next(line for line in lines if line.startswith(facturen[2019].nummer))
    assert row_2019.split(";")[10:13] == [str(facturen[2019].totaal).replace(".", ","), "open", "1"]
    xlsx = client.get(f"/gemeenten/{UTRECHT}/facturen.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "nummer" and len(rows) == 1 + len(JAREN)
    assert AuditRegel.objects.filter(object_id=UTRECHT, actie="lezen").count() == 2


def test_constant_number_of_queries_whatever_the_number_of_years(make_user, make_arrangement):  # noqa: F811
    from samen.abonnementen import services as abonnementen
    from samen.abonnementen.models import Factuur
    from samen.fonds import services as fonds_services
    from samen.fonds.models import Fonds
    from samen.inning import services as inning

    arrangement = _arrangement(make_arrangement)
    fonds = Fonds.objects.create(naam="Testfonds")
    client = _client(make_user(Rol.GEMEENTE, gemeente=UTRECHT))

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/gemeenten/{UTRECHT}").status_code == 200
        return len(ctx.captured_queries)

    def year(jaar: int) -> None:
        abonnementen.billing_run(arrangement, jaar, factuurdatum=dt.date(jaar - 1, 12, 1))
        fonds_services.set_contribution(fonds, jaar, totaal=Decimal("1000000"))
        factuur = Factuur.objects.get(arrangement=arrangement, jaar=jaar, gemeente__code=UTRECHT)
        inning.send_reminder(factuur, "email", datum=dt.date(jaar, 2, 1))

    year(2018)
    one_year = measure()
    for jaar in (2019, 2020, 2021):
        year(jaar)
    assert measure() == one_year


def test_the_demo_has_a_contribution_for_every_fund_year_marked_as_example():
    from samen.fonds.demo import BIJDRAGEJAREN_VOORBEELD, load_fonds
    from samen.fonds.models import Bijdrageregeling

    load_fonds()
    regelingen = {r.jaar: r for r in Bijdrageregeling.objects.all()}
    assert sorted(regelingen) == [2018, *BIJDRAGEJAREN_VOORBEELD] == list(JAREN)
    for jaar in BIJDRAGEJAREN_VOORBEELD:
        assert regelingen[jaar].toelichting.startswith("Voorbeeldgegevens")


def _euro(value: Decimal) -> str:
    from samen.core.money import format_euro

    return format_euro(value)


def _row(html: str, nummer: str) -> str:
    start = html.index(nummer)
    return html[start : html.index("</tr>", start)]
