"""Checklist, support requests and targets."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.core.errors import DomainError
from samen.deelnames import queries, services
from samen.deelnames.models import Deelname, Doel, ImplementatieStap, Statuswijziging
from samen.gemeenten.models import Gemeente

pytestmark = pytest.mark.django_db


@pytest.fixture
def deelname(make_voorziening):
    v = make_voorziening(fase="opschaling")
    d = Deelname.objects.create(
        gemeente=Gemeente.objects.get(code="GM0363"),
        voorziening=v,
        herkomst="aanmelding",
        status="geinteresseerd",
        sinds=dt.date(2017, 1, 1),
    )
    Statuswijziging.objects.create(deelname=d, status=d.status, datum=d.sinds)
    return d


def test_checklist_per_participation(deelname, client, make_user):
    stap = ImplementatieStap.objects.create(
        voorziening=deelname.voorziening, omschrijving="Aansluiten"
    )
    client.force_login(make_user("gemeente", gemeente="GM0599"))
    assert (
        client.post(f"/deelnames/{deelname.uuid}", {"stappen": "1", "stap": stap.pk}).status_code
        == 403
    )
    assert not deelname.afgevinkt.exists()
    client.force_login(make_user("gemeente", gemeente="GM0363"))
    assert (
        client.post(f"/deelnames/{deelname.uuid}", {"stappen": "1", "stap": stap.pk}).status_code
        == 302
    )
    assert deelname.afgevinkt.get().stap == stap


def test_support_request_to_closure(deelname, client, make_user):
    client.force_login(make_user("gemeente", gemeente="GM0363"))
    client.post(
        f"/deelnames/{deelname.uuid}", {"ondersteuning": "1", "vraag": "Hulp bij aansluiten"}
    )
    verzoek = deelname.ondersteuningsverzoeken.get()
    assert verzoek.status == "open"
    assert client.get("/ondersteuning").status_code == 403
    with pytest.raises(DomainError):
        services.close_support(verzoek, "te vroeg", dt.date(2017, 2, 1))
    client.force_login(make_user("programmabureau"))
    client.post("/ondersteuning", {"verzoek": verzoek.uuid, "toewijzen": "1", "aan": "Team A"})
    client.post("/ondersteuning", {"verzoek": verzoek.uuid, "afronden": "1", "verslag": "Klaar."})
    verzoek.refresh_from_db()
    assert (verzoek.status, verzoek.toegewezen_aan, verzoek.verslag) == (
        "afgerond",
        "Team A",
        "Klaar.",
    )


def test_target_progress(deelname):
    Doel.objects.create(
        voorziening=deelname.voorziening,
        omschrijving="Eén gemeente live",
        datum=dt.date(2017, 12, 31),
        percentage=0.2,
    )
    services.update_status(deelname, "in_gebruik", dt.date(2017, 6, 1), today=dt.date(2026, 1, 1))
    (progress,) = queries.targets(deelname.voorziening, dt.date(2026, 1, 1))
    assert progress.peildatum == dt.date(2017, 12, 31)
    assert progress.bereikt == round(100 / 388, 2) and progress.gehaald


def test_progress_report_page_and_xlsx(client, deelname):
    import io

    from openpyxl import load_workbook

    page = client.get("/voortgang?van=2017-01-01&peildatum=2025-12-31")
    assert page.status_code == 200 and deelname.voorziening.naam in page.content.decode()
    xlsx = client.get("/voortgang?van=2017-01-01&peildatum=2025-12-31&formaat=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "voorziening" and sheet["A2"].value == deelname.voorziening.naam
    pdf = client.get("/voortgang?van=2017-01-01&peildatum=2025-12-31&formaat=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_coverage_of_all_voorzieningen_in_one_query(deelname, make_voorziening):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.update_status(deelname, "in_gebruik", dt.date(2017, 6, 1), today=dt.date(2026, 1, 1))
    other = make_voorziening(fase="opschaling")
    Deelname.objects.create(
        gemeente=Gemeente.objects.get(code="GM0599"),
        voorziening=other,
        herkomst="aanmelding",
        status="gepland",
        sinds=dt.date(2017, 1, 1),
    )
    with CaptureQueriesContext(connection) as q:
        result = queries.coverage_all(dt.date(2018, 1, 1))
    assert len(q) <= 2
    assert result[deelname.voorziening_id] == {
        "in_gebruik": 1,
        "gepland": 0,
        "geinteresseerd": 0,
        "niet": 379,
    }
    single = queries.coverage(deelname.voorziening, dt.date(2018, 1, 1))
    assert single.per_categorie == result[deelname.voorziening_id]
    assert result[other.pk]["niet"] == 380  # no status history yet: not counted as taking part


def test_coverage_weighted_by_entered_volume(deelname):
    services.update_status(deelname, "in_gebruik", dt.date(2017, 6, 1), today=dt.date(2026, 1, 1))
    with pytest.raises(DomainError):
        services.set_volumes(deelname.voorziening, {"GM0363": "-1", "GM9999": 3})
    services.set_volumes(
        deelname.voorziening, {"GM0363": 50, "GM0599": 30, "GM0518": 20}, bron="voorbeeld"
    )
    d = queries.coverage(deelname.voorziening, dt.date(2018, 1, 1), "volume")
    assert d.totaal == 100 and d.per_categorie["in_gebruik"] == 50
    assert d.aandeel("in_gebruik") == 0.5


def test_cooperation_joins_for_all_members_or_none(make_voorziening):
    from samen.accounts.models import Organisatie

    v = make_voorziening(fase="opschaling")
    verband = Organisatie.objects.create(naam="Drechtsteden", soort="samenwerkingsverband")
    verband.leden.set(Gemeente.objects.filter(code__in=["GM0505", "GM0590", "GM0642"]))
    Deelname.objects.create(
        gemeente=Gemeente.objects.get(code="GM0642"),
        voorziening=v,
        herkomst="aanmelding",
        status="gepland",
        sinds=dt.date(2017, 1, 1),
    )
    with pytest.raises(DomainError) as exc:
        services.join_for_cooperation(verband, v, None, dt.date(2017, 3, 1))
    assert "niemand aangemeld" in exc.value.message
    assert Deelname.objects.filter(voorziening=v).count() == 1
    Deelname.objects.filter(voorziening=v).delete()
    joined = services.join_for_cooperation(verband, v, None, dt.date(2017, 3, 1))
    assert len(joined) == 3
    assert set(
        Deelname.objects.filter(namens=verband).values_list("gemeente__code", flat=True)
    ) == {"GM0505", "GM0590", "GM0642"}


@pytest.mark.parametrize(
    "data",
    [
        {"status": "in_gebruik", "datum": "2018-01-01"},
        {"uittreden": "1"},
        {"ondersteuning": "1", "vraag": "hulp"},
        {"nietnaleven": "1", "reden": "eigen voorziening"},
    ],
)
def test_other_municipality_cannot_change_through_the_page(client, make_user, deelname, data):
    client.force_login(make_user("gemeente", gemeente="GM0599"))
    response = client.post(f"/deelnames/{deelname.uuid}", data)
    assert response.status_code == 403
    deelname.refresh_from_db()
    assert (deelname.status, deelname.tot, deelname.reden_niet_naleven) == (
        "geinteresseerd",
        None,
        "",
    )
    assert not deelname.ondersteuningsverzoeken.exists()


def test_non_compliance_reason_through_the_page(client, make_user, deelname):
    client.force_login(make_user("gemeente", gemeente="GM0363"))
    response = client.post(f"/deelnames/{deelname.uuid}", {"nietnaleven": "1", "reden": "Eigen"})
    assert response.status_code == 302
    deelname.refresh_from_db()
    assert deelname.reden_niet_naleven == "Eigen"
