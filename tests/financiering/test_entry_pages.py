"""The entry page of the financing forms (/financiering/beheer): finance and the administration
office enter a key, a compensation and a region through the services; the office invoices
(once); errors are listed next to their fields and nothing is stored; others are refused, in
the page and in the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samen.abonnementen.models import Arrangement, Factuur, Factuurrun
from samen.core.errors import DomainError
from samen.financiering import services
from samen.financiering.models import Compensatie, Regio, Sleutelgewicht, Verdeelsleutel
from samen.gemeenten.models import Gemeente
from tests.factories import ArrangementFactory, DienstFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

URL = "/financiering/beheer"


def arrangement(soort):
    a = ArrangementFactory(soort=soort, tarief=Decimal("0"), diensten=False, indices=False)
    DienstFactory(arrangement=a, code="uitvoering", budget=Decimal("100"))
    return a


def g(code):
    return Gemeente.objects.get(code=code)


@pytest.fixture
def as_role(client, make_user):
    def sign_in(rol, **kw):
        user = make_user(rol, **kw)
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def sleutel_arrangement(db):
    return arrangement(Arrangement.Soort.VERDEELSLEUTEL)


@pytest.fixture
def regio_arrangement(db):
    return arrangement(Arrangement.Soort.REGIONALE_COMPENSATIE)


def key_form(a, **kw):
    return {
        "actie": "sleutel",
        "arrangement": str(a.pk),
        "jaar": "2018",
        "budget": "1.250.000,00",
        "bron": "begroting 2018",
        "toelichting": "",
        "gewichten": "GM0080;120;instelling;opgave 2018\nGM0363;5000;opvang;opgave",
        **kw,
    }


def compensation_form(**kw):
    return {
        "actie": "compensatie",
        "gemeente": "GM0080",
        "jaar": "2019",
        "bedrag": "1.450.000,00",
        "grondslag": "decentralisatie-uitkering vrouwenopvang",
        "circulaire": "meicirculaire 2019",
        "bron": "Staatscourant 2019",
        **kw,
    }


def region_form(a, **kw):
    return {
        "actie": "regio",
        "arrangement": str(a.pk),
        "naam": "Noord",
        "jaar": "2018",
        "bijdrage": "30.000,00",
        "leden": "GM0014, GM0080",
        "bron": "convenant Veilig Thuis",
        **kw,
    }


def nothing_stored():
    return (
        not Verdeelsleutel.objects.exists()
        and not Sleutelgewicht.objects.exists()
        and not Compensatie.objects.exists()
        and not Regio.objects.exists()
    )


def errors_of(response, field_id):
    """The error block next to the field with this id (empty when there is none)."""
    html = response.content.decode()
    start = html.find(f'id="{field_id}-fout"')
    if start < 0:
        return ""
    return html[start : html.find("</div>", start)]


# ---------------------------------------------------------------- the forms through the page


@pytest.mark.parametrize("rol", ["financien", "administratiekantoor"])
def test_enter_key_through_the_page(client, as_role, sleutel_arrangement, rol):
    user = as_role(rol)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Verdeelsleutel vastleggen" in page.content.decode()
    response = client.post(URL, key_form(sleutel_arrangement))
    assert response.status_code == 302 and response["Location"] == URL
    sleutel = Verdeelsleutel.objects.get()
    assert (sleutel.jaar, sleutel.budget, sleutel.bron) == (
        2018,
        Decimal("1250000.00"),
        "begroting 2018",
    )
    assert sleutel.vastgelegd_door == user
    gewichten = {w.gemeente.code: (w.gewicht, w.reden, w.bron) for w in sleutel.gewichten.all()}
    assert gewichten == {
        "GM0080": (120, "instelling", "opgave 2018"),
        "GM0363": (5000, "opvang", "opgave"),
    }
    assert "is vastgelegd: € 1.250.000,00" in client.get(URL).content.decode()


def test_record_compensation_through_the_page(client, as_role):
    as_role("financien")
    response = client.post(URL, compensation_form())
    assert response.status_code == 302
    c = Compensatie.objects.get()
    assert (c.gemeente.code, c.jaar, c.bedrag) == ("GM0080", 2019, Decimal("1450000.00"))
    assert (c.circulaire, c.bron) == ("meicirculaire 2019", "Staatscourant 2019")
    assert "De compensatie van Leeuwarden 2019 is vastgelegd" in client.get(URL).content.decode()
    # The same municipality and year again: refused, listed, nothing more stored.
    again = client.post(URL, compensation_form(bedrag="1,00"))
    assert again.status_code == 400
    assert "al een" in errors_of(again, "c-jaar")
    assert Compensatie.objects.count() == 1


def test_set_region_through_the_page(client, as_role, regio_arrangement):
    as_role("administratiekantoor")
    response = client.post(URL, region_form(regio_arrangement, leden="GM0014\nGM0080 GM0106"))
    assert response.status_code == 302
    regio = Regio.objects.get()
    assert (regio.naam, regio.jaar, regio.bijdrage) == ("Noord", 2018, Decimal("30000.00"))
    assert sorted(regio.leden.values_list("code", flat=True)) == ["GM0014", "GM0080", "GM0106"]
    assert regio.bron == "convenant Veilig Thuis"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("field", "value", "field_id", "reason"),
    [
        ("budget", "abc", "s-budget", "geen bedrag"),
        ("budget", "-5,00", "s-budget", "Het budget"),
        ("budget", "0", "s-budget", "groter dan nul"),
        ("jaar", "1850", "s-jaar", "buiten de jaren van het platform"),
        ("jaar", "2999", "s-jaar", "buiten de jaren van het platform"),
        ("jaar", "twintig", "s-jaar", "geen jaartal"),
        ("bron", "  ", "s-bron", "De bron is verplicht"),
        ("gewichten", "GM9999;10;r;b", "s-gewichten", "regel 1: onbekende gemeentecode"),
        ("gewichten", "GM0080;tien;r;b", "s-gewichten", "regel 1: het gewicht"),
        ("gewichten", "GM0080;10;r", "s-gewichten", "regel 1: schrijf"),
        ("gewichten", "GM0080;10;r;b\nGM0363;10;r;", "s-gewichten", "regel 2: De bron"),
    ],
)
def test_key_bad_input_is_listed_by_field_and_nothing_stored(
    client, as_role, sleutel_arrangement, field, value, field_id, reason
):
    as_role("financien")
    response = client.post(URL, key_form(sleutel_arrangement, **{field: value}))
    assert response.status_code == 400
    assert reason in errors_of(response, field_id)
    html = response.content.decode()
    assert "Er is niets opgeslagen" in html
    # What was typed is kept.
    if field == "gewichten":
        assert f">{value}</textarea>" in html
    else:
        assert f'name="{field}" value="{value}"' in html
    assert 'value="begroting 2018"' in html or field == "bron"
    assert nothing_stored()


def test_key_lists_every_bad_field_at_once(client, as_role, sleutel_arrangement):
    as_role("financien")
    response = client.post(
        URL,
        key_form(sleutel_arrangement, budget="abc", jaar="1850", bron="", gewichten="GM9999;1;r;b"),
    )
    assert response.status_code == 400
    for field_id in ("s-budget", "s-jaar", "s-bron", "s-gewichten"):
        assert errors_of(response, field_id), field_id
    assert nothing_stored()


def test_key_weights_valid_but_rest_bad_stores_nothing(client, as_role, sleutel_arrangement):
    """A problem only the view sees (an unknown code) undoes what the service would store."""
    as_role("financien")
    response = client.post(
        URL, key_form(sleutel_arrangement, gewichten="GM0080;10;r;b\nGM0000;1;r;b")
    )
    assert response.status_code == 400
    assert "regel 2: onbekende gemeentecode" in errors_of(response, "s-gewichten")
    assert nothing_stored()


@pytest.mark.parametrize(
    ("field", "value", "field_id", "reason"),
    [
        ("bedrag", "abc", "c-bedrag", "geen bedrag"),
        ("bedrag", "-1,00", "c-bedrag", "Het bedrag"),
        ("jaar", "1850", "c-jaar", "buiten de jaren"),
        ("jaar", "2999", "c-jaar", "buiten de jaren"),
        ("gemeente", "GM9999", "c-gemeente", "onbekende gemeentecode"),
        ("gemeente", "GM0363", "c-gemeente", "geen centrumgemeente"),
        ("bron", "", "c-bron", "De bron is verplicht"),
        ("circulaire", "", "c-circulaire", "De circulaire is verplicht"),
    ],
)
def test_compensation_bad_input(client, as_role, field, value, field_id, reason):
    as_role("administratiekantoor")
    response = client.post(URL, compensation_form(**{field: value}))
    assert response.status_code == 400
    assert reason in errors_of(response, field_id)
    html = response.content.decode()
    assert 'value="meicirculaire 2019"' in html or field == "circulaire"
    assert nothing_stored()


@pytest.mark.parametrize(
    ("field", "value", "field_id", "reason"),
    [
        ("bijdrage", "abc", "r-bijdrage", "geen bedrag"),
        ("bijdrage", "-30.000,00", "r-bijdrage", "De bijdrage"),
        ("jaar", "1850", "r-jaar", "buiten de jaren"),
        ("jaar", "2999", "r-jaar", "buiten de jaren"),
        ("leden", "GM0014 GM9999", "r-leden", "onbekende gemeentecode: GM9999"),
        ("leden", "", "r-leden", "een regio heeft gemeenten"),
        ("bron", "", "r-bron", "De bron is verplicht"),
        ("naam", "", "r-naam", "De naam is verplicht"),
        ("arrangement", "", "r-arrangement", "kies een arrangement"),
    ],
)
def test_region_bad_input(client, as_role, regio_arrangement, field, value, field_id, reason):
    as_role("financien")
    response = client.post(URL, region_form(regio_arrangement, **{field: value}))
    assert response.status_code == 400
    assert reason in errors_of(response, field_id)
    assert nothing_stored()


def test_region_of_the_wrong_kind_of_arrangement(client, as_role, sleutel_arrangement):
    as_role("financien")
    response = client.post(URL, region_form(sleutel_arrangement))
    assert response.status_code == 400
    assert "kies een arrangement" in errors_of(response, "r-arrangement")
    assert nothing_stored()


# ---------------------------------------------------------------- invoicing, once


def test_invoice_key_twice_creates_nothing_new(client, as_role, sleutel_arrangement):
    as_role("administratiekantoor")
    assert client.post(URL, key_form(sleutel_arrangement)).status_code == 302
    sleutel = Verdeelsleutel.objects.get()
    assert "Factureren" in client.get(URL).content.decode()
    first = client.post(URL, {"actie": "factureer-sleutel", "sleutel": str(sleutel.uuid)})
    assert first.status_code == 302
    n = Factuur.objects.filter(arrangement=sleutel_arrangement).count()
    assert n > 300  # one invoice per municipality
    assert f"{n} facturen" in client.get(URL).content.decode()
    runs = Factuurrun.objects.filter(arrangement=sleutel_arrangement).count()
    second = client.post(URL, {"actie": "factureer-sleutel", "sleutel": str(sleutel.uuid)})
    assert second.status_code == 302
    assert Factuur.objects.filter(arrangement=sleutel_arrangement).count() == n
    assert Factuurrun.objects.filter(arrangement=sleutel_arrangement).count() == runs
    assert "Er is niets nieuws gefactureerd" in client.get(URL).content.decode()
    # Invoiced: the key of the year stays.
    again = client.post(URL, key_form(sleutel_arrangement, budget="5,00"))
    assert again.status_code == 400
    assert "al gefactureerd" in errors_of(again, "s-jaar")
    assert Verdeelsleutel.objects.get().budget == Decimal("1250000.00")


def test_invoice_regions_twice_creates_nothing_new(client, as_role, regio_arrangement):
    as_role("administratiekantoor")
    assert client.post(URL, region_form(regio_arrangement)).status_code == 302
    form = {"actie": "factureer-regios", "arrangement": str(regio_arrangement.pk), "jaar": "2018"}
    assert client.post(URL, form).status_code == 302
    assert Factuur.objects.filter(arrangement=regio_arrangement).count() == 2
    assert "2 facturen" in client.get(URL).content.decode()
    assert client.post(URL, form).status_code == 302
    assert Factuur.objects.filter(arrangement=regio_arrangement).count() == 2
    assert "Er is niets nieuws gefactureerd" in client.get(URL).content.decode()


def test_finance_enters_but_does_not_invoice(client, as_role, sleutel_arrangement):
    as_role("financien")
    assert client.post(URL, key_form(sleutel_arrangement)).status_code == 302
    sleutel = Verdeelsleutel.objects.get()
    assert 'value="factureer-sleutel"' not in client.get(URL).content.decode()
    response = client.post(URL, {"actie": "factureer-sleutel", "sleutel": str(sleutel.uuid)})
    assert response.status_code == 403
    assert not Factuur.objects.exists()


# ---------------------------------------------------------------- who may


def test_anonymous_is_sent_to_sign_in(client, sleutel_arrangement):
    for response in (client.get(URL), client.post(URL, key_form(sleutel_arrangement))):
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen")
    assert nothing_stored()


@pytest.mark.parametrize("rol", ["gemeente", "programmabureau", "bestuur", "aanbieder"])
def test_others_get_403_on_the_page(client, as_role, sleutel_arrangement, rol):
    as_role(rol, gemeente="GM0014" if rol == "gemeente" else None)
    assert client.get(URL).status_code == 403
    assert client.post(URL, key_form(sleutel_arrangement)).status_code == 403
    assert client.post(URL, compensation_form()).status_code == 403
    assert nothing_stored()


def test_overview_links_the_entry_page_for_its_roles(client, as_role):
    link = 'href="/financiering/beheer"'
    assert link not in client.get("/financiering").content.decode()
    as_role("gemeente", gemeente="GM0014")
    assert link not in client.get("/financiering").content.decode()
    as_role("financien")
    assert link in client.get("/financiering").content.decode()
    as_role("administratiekantoor")
    assert link in client.get("/financiering").content.decode()


def test_services_refuse_a_user_without_the_permission(
    make_user, sleutel_arrangement, regio_arrangement
):
    contact = make_user("gemeente", gemeente="GM0014")
    financien = make_user("financien")
    calls = [
        lambda u: services.set_key(sleutel_arrangement, 2018, "10,00", "b", user=u),
        lambda u: services.record_compensation(g("GM0080"), 2019, "1,00", "g", "c", "b", user=u),
        lambda u: services.set_region(
            regio_arrangement, 2018, "Noord", "1,00", [g("GM0014")], "b", user=u
        ),
    ]
    for call in calls:
        with pytest.raises(DomainError) as refused:
            call(contact)
        assert refused.value.status == 403
        assert [p.code for p in refused.value.problems] == ["forbidden"]
    assert nothing_stored()
    # Finance may enter, not invoice.
    sleutel = calls[0](financien)
    calls[2](financien)
    for invoice in (
        lambda u: services.invoice_key(sleutel, user=u),
        lambda u: services.invoice_regions(regio_arrangement, 2018, user=u),
    ):
        for user in (contact, financien):
            with pytest.raises(DomainError) as refused:
                invoice(user)
            assert refused.value.status == 403
    assert not Factuur.objects.exists()
    # The demo loader and commands (no user) stay allowed.
    assert services.invoice_regions(regio_arrangement, 2018).uitgegeven == 1
