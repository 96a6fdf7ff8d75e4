"""The programme office's pages: a new meeting, a proposal on its concept agenda, a year's
vote-weight table; bad input is shown next to its field, kept as typed, and stores nothing;
who may open them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from samen.accounts.models import Rol
from samen.ledenvergadering import services
from samen.ledenvergadering.models import Ledenvergadering, Stemgewichttabel, Voorstel
from tests.factories import ArrangementFactory, FondsFactory, GemeenteFactory
from tests.ledenvergadering import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

NIEUW = "/ledenvergaderingen/nieuw"
TABELLEN = "/ledenvergaderingen/stemgewichten"


def logged_in(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def office(make_user):
    return logged_in(make_user(Rol.PROGRAMMABUREAU))


@pytest.fixture
def contact(make_user):
    g = GemeenteFactory()
    return logged_in(make_user(Rol.GEMEENTE, gemeente=g.code))


def _local(delta: dt.timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def meeting_data(**overrides):
    data = {
        "soort": "balv",
        "titel": "BALV over het fonds",
        "datum": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "amendementen_tot": _local(dt.timedelta(days=20)),
        "stemmen_tot": _local(dt.timedelta(days=30)),
        "min_medeondertekenaars": "2",
    }
    data.update(overrides)
    return data


def _errors(page: str) -> list[str]:
    import re

    return re.findall(r'<p class="error"[^>]*>([^<]*)</p>', page)


def test_office_creates_a_meeting_adds_proposals_and_enters_a_table(office):
    page = office.get("/ledenvergaderingen").content.decode()
    assert (
        'href="/ledenvergaderingen/nieuw"' in page
        and 'href="/ledenvergaderingen/stemgewichten"' in page
    )
    assert office.get(NIEUW).status_code == 200

    response = office.post(NIEUW, meeting_data())
    v = Ledenvergadering.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ledenvergaderingen/{v.uuid}"
    assert (v.soort, v.titel, v.status, v.min_medeondertekenaars) == (
        "balv",
        "BALV over het fonds",
        "concept",
        2,
    )
    assert v.amendementen_tot < v.stemmen_tot
    assert (
        timezone.localtime(v.stemmen_tot).strftime("%Y-%m-%dT%H:%M")
        == meeting_data()["stemmen_tot"]
    )

    detail = office.get(f"/ledenvergaderingen/{v.uuid}").content.decode()
    assert "Voorstel toevoegen" in detail and f"/ledenvergaderingen/{v.uuid}/voorstellen" in detail
    url = f"/ledenvergaderingen/{v.uuid}/voorstellen"
    r = office.post(url, {"code": "A", "soort": "algemeen", "titel": "Samen organiseren"})
    assert r.status_code == 302 and r["Location"] == f"/ledenvergaderingen/{v.uuid}"
    fonds = FondsFactory(naam="Fonds Samen")
    r = office.post(
        url,
        {
            "code": "B",
            "soort": "fonds",
            "titel": "Bijdrage 2027",
            "fonds": str(fonds.uuid),
            "jaar": "2027",
            "per_inwoner": "2,96",
        },
    )
    assert r.status_code == 302
    arrangement = ArrangementFactory()
    r = office.post(
        url,
        {
            "code": "C",
            "soort": "arrangement",
            "titel": "Verlenging",
            "arrangement": str(arrangement.uuid),
            "nieuw_laatste_jaar": str(arrangement.laatste_jaar + 4),
        },
    )
    assert r.status_code == 302
    a, b, c = Voorstel.objects.filter(vergadering=v).order_by("volgnummer")
    assert (a.code, a.soort, a.fonds, a.per_inwoner) == ("A", "algemeen", None, None)
    assert (b.fonds, b.jaar, str(b.per_inwoner)) == (fonds, 2027, "2.9600")
    assert (c.arrangement, c.nieuw_laatste_jaar) == (arrangement, arrangement.laatste_jaar + 4)

    assert "Nog geen stemgewichttabel" in office.get(TABELLEN).content.decode()
    rows = {"vanaf_0": "0", "stemmen_0": "1", "vanaf_1": "10000", "stemmen_1": "3"}
    rows |= {"vanaf_5": "50000", "stemmen_5": "5"}  # blank rows in between are ignored
    r = office.post(TABELLEN, {"jaar": "2027", "toelichting": "VNG 2027", **rows})
    assert r.status_code == 302 and r["Location"] == TABELLEN
    tabel = Stemgewichttabel.objects.get()
    assert (tabel.jaar, tabel.voorbeeld, tabel.toelichting) == (2027, False, "VNG 2027")
    assert [(k.vanaf, k.stemmen) for k in tabel.klassen()] == [(0, 1), (10_000, 3), (50_000, 5)]
    page = Client().get(TABELLEN).content.decode()  # public
    assert "Vanaf 2027" in page and "10000" in page and "Tabel invoeren" not in page


def test_bad_meeting_input_is_shown_per_field_and_stores_nothing(office):
    cases = {
        "amendementen_tot": meeting_data(
            amendementen_tot=_local(dt.timedelta(days=31)),
            stemmen_tot=_local(dt.timedelta(days=30)),
        ),
        "datum": meeting_data(datum="1999-06-01"),
        "titel": meeting_data(titel="   "),
        "stemmen_tot": meeting_data(stemmen_tot=_local(-dt.timedelta(days=1)), amendementen_tot=""),
        "soort": meeting_data(soort="feest"),
        "min_medeondertekenaars": meeting_data(min_medeondertekenaars="twee"),
    }
    for field, data in cases.items():
        r = office.post(NIEUW, data)
        page = r.content.decode()
        assert r.status_code == 200, field
        assert "Er is niets opgeslagen" in page, field
        assert _errors(page), field
        # the problem sits in the field's block, and what was typed is kept
        block = page.split(f'for="id_{field}"')[1].split("</div>")[0]
        assert 'class="error"' in block, (field, block)
        assert "BALV over het fonds" in page or field == "titel"
    far = meeting_data(datum=(timezone.localdate() + dt.timedelta(days=365 * 10)).isoformat())
    page = office.post(NIEUW, far).content.decode()
    assert "moet liggen tussen" in page.split('for="id_datum"')[1].split("</div>")[0]
    past = meeting_data(datum=(timezone.localdate() - dt.timedelta(days=400)).isoformat())
    page = office.post(NIEUW, past).content.decode()
    assert "ligt in het verleden" in page.split('for="id_datum"')[1].split("</div>")[0]
    assert 'value="1999-06-01"' in office.post(NIEUW, cases["datum"]).content.decode()
    assert not Ledenvergadering.objects.exists()


def test_bad_proposal_is_shown_on_the_meeting_page_and_stores_nothing(office):
    v = f.meeting(datum=timezone.localdate() + dt.timedelta(days=30))
    services.add_proposal(v, "A", "algemeen", "Bestaand")
    url = f"/ledenvergaderingen/{v.uuid}/voorstellen"
    cases = [
        ({"code": "B", "soort": "algemeen", "titel": ""}, "titel"),
        ({"code": "A", "soort": "algemeen", "titel": "Dubbel"}, "code"),
        ({"code": "B", "soort": "fonds", "titel": "Fonds zonder bedrag"}, "per_inwoner"),
        ({"code": "B", "soort": "arrangement", "titel": "Verlenging"}, "arrangement"),
        ({"code": "B", "soort": "algemeen", "titel": "Eén keuze", "opties": "ja"}, "opties"),
        ({"code": "B", "soort": "fonds", "titel": "Bedrag", "per_inwoner": "veel"}, "per_inwoner"),
        ({"code": "B", "soort": "algemeen", "titel": "Jaar erbij", "jaar": "2027"}, "jaar"),
        ({"code": "B", "soort": "fonds", "titel": "Oud jaar", "jaar": "1850"}, "jaar"),
    ]
    for data, field in cases:
        r = office.post(url, data)
        page = r.content.decode()
        assert r.status_code == 200, field
        block = page.split(f'for="vs-{field}"')[1].split("</div>")[0]
        assert 'class="error"' in block, (field, block)
        assert f'value="{data["code"]}"' in page  # kept as typed
    arrangement = ArrangementFactory()
    page = office.post(
        url,
        {
            "code": "B",
            "soort": "arrangement",
            "titel": "Verlenging",
            "arrangement": str(arrangement.uuid),
            "nieuw_laatste_jaar": str(arrangement.laatste_jaar),
        },
    ).content.decode()
    assert "moet na het huidige laatste jaar" in page
    assert list(Voorstel.objects.values_list("code", flat=True)) == ["A"]


def test_no_proposal_after_the_agenda_is_published(office):
    f.table()
    f.municipalities(5_000)
    v = f.meeting()
    services.add_proposal(v, "A", "algemeen", "Eerste")
    services.publish_agenda(v)
    url = f"/ledenvergaderingen/{v.uuid}"
    assert "Voorstel toevoegen" not in office.get(url).content.decode()
    r = office.post(url + "/voorstellen", {"code": "B", "soort": "algemeen", "titel": "Te laat"})
    assert r.status_code == 302
    assert "al gepubliceerd" in office.get(url).content.decode()
    assert Voorstel.objects.count() == 1


def test_bad_table_input_is_shown_per_row_and_stores_nothing(office):
    f.table(2010)
    cases = [
        ({"jaar": "2027", "vanaf_0": "nul", "stemmen_0": "1"}, "sg-vanaf_0"),
        ({"jaar": "2027", "vanaf_0": "0", "stemmen_0": "1", "vanaf_1": "10000"}, "sg-stemmen_1"),
        ({"jaar": "2027", "vanaf_0": "0", "stemmen_0": "veel"}, "sg-stemmen_0"),
        ({"jaar": "twintig", "vanaf_0": "0", "stemmen_0": "1"}, "sg-jaar"),
    ]
    for data, field in cases:
        r = office.post(TABELLEN, data)
        page = r.content.decode()
        assert r.status_code == 200 and "Er is niets opgeslagen" in page, field
        block = page.split(f'for="{field}"')[1].split("</div>")[0]
        assert 'class="error"' in block, (field, block)
    # the service's own check (the first class starts at 0, votes do not fall) above the form
    page = office.post(
        TABELLEN, {"jaar": "2027", "vanaf_0": "100", "stemmen_0": "2"}
    ).content.decode()
    assert "de eerste klasse begint niet bij 0 inwoners" in page and 'value="100"' in page
    page = office.post(TABELLEN, {"jaar": "2027"}).content.decode()
    assert "ten minste één klasse" in page
    assert list(Stemgewichttabel.objects.values_list("jaar", flat=True)) == [2010]


def test_a_table_a_meeting_used_is_not_replaced(office):
    f.table(2010)
    f.municipalities(5_000)
    v = f.meeting()
    services.add_proposal(v, "A", "algemeen", "Eerste")
    services.publish_agenda(v)
    page = office.post(
        TABELLEN, {"jaar": "2010", "vanaf_0": "0", "stemmen_0": "7"}
    ).content.decode()
    assert "deze tabel is al gebruikt" in page
    assert [(k.vanaf, k.stemmen) for k in Stemgewichttabel.objects.get().klassen()] == f.KLASSEN
    assert "Gebruikt door een vergadering" in page


def test_who_may_open_the_office_pages(contact, make_user):
    v = f.meeting(datum=timezone.localdate() + dt.timedelta(days=30))
    voorstellen = f"/ledenvergaderingen/{v.uuid}/voorstellen"
    anonymous = Client()
    for url in (NIEUW,):
        r = anonymous.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/"), url
        assert "next=" in r["Location"] or "volgende=" in r["Location"] or "login" in r["Location"]
        assert anonymous.post(url, meeting_data()).status_code == 302
        assert contact.get(url).status_code == 403
        assert contact.post(url, meeting_data()).status_code == 403
    assert logged_in(make_user(Rol.BESTUUR)).get(NIEUW).status_code == 403
    data = {"code": "B", "soort": "algemeen", "titel": "Niet van u"}
    assert anonymous.post(voorstellen, data).status_code == 302
    assert contact.post(voorstellen, data).status_code == 403
    assert contact.get(voorstellen).status_code == 405
    rows = {"jaar": "2027", "vanaf_0": "0", "stemmen_0": "1"}
    assert anonymous.get(TABELLEN).status_code == 200
    assert contact.get(TABELLEN).status_code == 200
    assert "Tabel invoeren" not in contact.get(TABELLEN).content.decode()
    assert anonymous.post(TABELLEN, rows).status_code == 302
    assert contact.post(TABELLEN, rows).status_code == 403
    assert Ledenvergadering.objects.count() == 1
    assert not Voorstel.objects.exists() and not Stemgewichttabel.objects.exists()
    # the concept meeting's page stays the office's
    assert contact.get(f"/ledenvergaderingen/{v.uuid}").status_code == 404
