"""Bulk upload of statuses: all or nothing with line and field; page for the programme office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.core.errors import DomainError
from samen.deelnames.importing import import_statuses
from samen.deelnames.models import Deelname, Statuswijziging
from samen.gemeenten.models import Gemeente

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]
TODAY = dt.date(2026, 1, 1)


@pytest.fixture
def two(make_voorziening):
    v = make_voorziening(fase="opschaling", naam="Govroam")
    for code in ("GM0363", "GM0599"):
        d = Deelname.objects.create(
            gemeente=Gemeente.objects.get(code=code),
            voorziening=v,
            herkomst="aanmelding",
            status="geinteresseerd",
            sinds=dt.date(2017, 1, 1),
        )
        Statuswijziging.objects.create(deelname=d, status=d.status, datum=d.sinds)
    return v


def test_upload_and_again(two):
    data = (
        b"gemeentecode,voorziening,status,datum,gepland_op\n"
        b"GM0363,Govroam,in_gebruik,2017-06-01,\n"
        b"GM0599,Govroam,gepland,2017-06-01,2017-12-01\n"
    )
    assert import_statuses(data, "s.csv", today=TODAY) == (2, 0)
    assert Deelname.objects.get(gemeente__code="GM0363").live_op == dt.date(2017, 6, 1)
    assert import_statuses(data, "s.csv", today=TODAY) == (0, 2)


def test_any_problem_changes_nothing(two):
    data = (
        b"gemeentecode,voorziening,status,datum\n"
        b"GM0363,Govroam,in_gebruik,2017-06-01\n"
        b"GM9,Govroam,in_gebruik,2017-06-01\n"
        b"GM0344,Govroam,in_gebruik,2017-06-01\n"
        b"GM0599,Onbekend,klaar,morgen\n"
        b"GM0599,Govroam,in_gebruik,2999-01-01\n"
    )
    with pytest.raises(DomainError) as exc:
        import_statuses(data, "fout.csv", today=TODAY)
    text = str(exc.value)
    for fragment in (
        "regel 3, veld gemeentecode",
        "regel 4, veld gemeentecode: GM0344 neemt niet",
        "regel 5, veld voorziening",
        "regel 5, veld status",
        "regel 5, veld datum",
    ):
        assert fragment in text, fragment
    assert Deelname.objects.get(gemeente__code="GM0363").status == "geinteresseerd"


def test_future_live_date_rolls_everything_back(two):
    data = (
        b"gemeentecode,voorziening,status,datum\n"
        b"GM0363,Govroam,in_gebruik,2017-06-01\n"
        b"GM0599,Govroam,in_gebruik,2030-01-01\n"
    )
    with pytest.raises(DomainError) as exc:
        import_statuses(data, "toekomst.csv", today=TODAY)
    assert "regel 3, veld datum" in str(exc.value)
    assert Deelname.objects.get(gemeente__code="GM0363").status == "geinteresseerd"
    assert Statuswijziging.objects.count() == 2


def test_upload_page_for_programme_office_only(client, make_user, two):
    anonymous = client.get("/deelnames/upload")  # sent to sign in (issue 15)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/inloggen?next=")
    client.force_login(make_user("gemeente", gemeente="GM0363"))
    assert client.get("/deelnames/upload").status_code == 403
    client.force_login(make_user("programmabureau"))
    bad = SimpleUploadedFile("../../etc/passwd.csv", b"gemeentecode,voorziening\n")
    response = client.post("/deelnames/upload", {"bestand": bad})
    assert "kolom &#x27;status&#x27; ontbreekt" in response.content.decode()
