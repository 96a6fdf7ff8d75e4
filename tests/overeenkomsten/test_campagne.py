"""A campaign on the real register: the G4 sign, the 100 smallest municipalities do not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.abonnementen import services as abonnementen
from samen.core.errors import Conflict, DomainError
from samen.gemeenten.models import Gemeente, Inwonertal
from samen.overeenkomsten import campagne, queries, services
from samen.overeenkomsten.models import Ondertekening, Stap
from tests import factories as f
from tests.overeenkomsten import factories as of

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

G4 = ["GM0363", "GM0599", "GM0518", "GM0344"]
PEIL = dt.date(2017, 6, 1)


def _smallest(n=100):
    codes = set(Gemeente.objects.op(PEIL).values_list("code", flat=True))
    rows = (
        Inwonertal.objects.filter(jaar=2016, gemeente__code__in=codes)
        .order_by("aantal", "gemeente__code")
        .values_list("gemeente__code", flat=True)
    )
    return list(rows[:n])


@pytest.fixture
def campaign_g4():
    arrangement = f.ArrangementFactory()
    abonnementen.subscribe_all(arrangement)
    o = of.overeenkomst(arrangement, drempel_soort="inwoners", drempel_waarde=Decimal("10"))
    for code in G4:
        of.teken(o, Gemeente.objects.get(code=code))
    for code in _smallest():
        services.record_step(
            o, Gemeente.objects.get(code=code), "in_college", datum=dt.date(2017, 3, 1)
        )
    return o


def test_count_and_population_differ_as_they_should(campaign_g4):
    c = queries.campaign(campaign_g4, PEIL)
    n = c.totalen.aantal
    assert n == Gemeente.objects.op(PEIL).count()
    signed = c.totalen.per_groep["getekend"]
    assert signed.aantal == 4
    bezig = c.totalen.per_groep["bezig"]
    assert bezig.aantal == 100
    # Four large cities: ~1% of the municipalities but ~14% of the inhabitants.
    assert c.totalen.aandeel_aantal("getekend") == campagne.percentage(4, n)
    assert c.totalen.aandeel_inwoners("getekend") > Decimal("13")
    assert c.totalen.aandeel_aantal("getekend") < Decimal("2")
    # A hundred small ones: a quarter of the municipalities, a few percent of the inhabitants.
    assert c.totalen.aandeel_aantal("bezig") > Decimal("25")
    assert c.totalen.aandeel_inwoners("bezig") < Decimal("10")
    assert c.drempel_gehaald is True  # 10% of the inhabitants
    # Budget covered by the signed ones equals their population share (one service, no exemption).
    assert abs(c.budget.per_groep["getekend"] - c.totalen.aandeel_inwoners("getekend")) <= Decimal(
        "0.2"
    )
    assert sum(d.tekort for d in c.budget.diensten) > 0
    assert c.budget.dekkend_tarief > Decimal("0.90") * 5


def test_per_province_adds_up(campaign_g4):
    c = queries.campaign(campaign_g4, PEIL)
    assert sum(t.aantal for t in c.per_provincie.values()) == c.totalen.aantal
    assert c.per_provincie["Noord-Holland"].per_groep["getekend"].aantal == 1


def test_now_and_past_agree_and_series_rises(campaign_g4):
    past = queries.campaign(campaign_g4, dt.date(2017, 12, 31))
    now = queries.campaign(campaign_g4)
    assert past.totalen.per_groep["getekend"].aantal == 4
    assert now.totalen.per_groep["getekend"].aantal == 4
    before = queries.campaign(campaign_g4, dt.date(2017, 2, 1))
    assert before.totalen.per_groep["getekend"].aantal == 0
    assert before.totalen.per_groep["bezig"].aantal == 0  # college from 1 March
    points = queries.series(campaign_g4)
    assert points[0].datum == of.START and points[-1].datum == of.DEADLINE
    signed = [p.totalen.per_groep["getekend"].aantal for p in points]
    assert signed == sorted(signed) and signed[-1] == 4


def test_queries_constant_in_municipalities(campaign_g4):
    with CaptureQueriesContext(connection) as small:
        queries.campaign(campaign_g4, PEIL, details=True)
    for code in _smallest(200)[100:150]:
        of.teken(campaign_g4, Gemeente.objects.get(code=code))
    with CaptureQueriesContext(connection) as large:
        queries.campaign(campaign_g4, PEIL, details=True)
    assert len(large) == len(small)


def test_not_signed_list_and_days_left(campaign_g4):
    c = queries.campaign(campaign_g4, PEIL, details=True)
    codes = {r["code"] for r in c.niet_getekend}
    assert not codes & set(G4)
    assert len(codes) == c.totalen.aantal - 4
    assert c.dagen_over == 0  # the deadline of 2017 has passed
    assert campagne.days_left(dt.date(2017, 5, 30), of.DEADLINE) == 2


def test_forward_only_and_correction_by_new_row():
    o = of.overeenkomst()
    g = Gemeente.objects.get(code="GM0344")
    of.teken(o, g)
    with pytest.raises(Conflict):
        services.record_step(o, g, "in_raad", datum=dt.date(2017, 5, 2))
    services.record_step(
        o, g, "in_raad", datum=dt.date(2017, 5, 2), correctie=True, reden="vergist"
    )
    ondertekening = Ondertekening.objects.get(overeenkomst=o, gemeente=g)
    assert ondertekening.status == "in_raad"
    assert list(ondertekening.stappen.values_list("status", "correctie")) == [
        ("in_college", False),
        ("getekend", False),
        ("in_raad", True),
    ]
    with pytest.raises(PermissionError):
        Stap.objects.filter(ondertekening=ondertekening).update(status="getekend")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"status": "getekend"}, "getekend_door"),
        ({"status": "afgewezen"}, "reden"),
        ({"status": "bestaat-niet"}, "status"),
        ({"status": "in_college", "datum": dt.date(2999, 1, 1)}, "datum"),
        ({"status": "in_college", "datum": dt.date(2016, 1, 1)}, "datum"),
        (
            {
                "status": "getekend",
                "getekend_door": "x",
                "besluitreferentie": "y",
                "bestandsnaam": "a.pdf",
                "inhoud": b"GIF89a",
            },
            "document",
        ),
    ],
)
def test_bad_input(kwargs, field):
    o = of.overeenkomst()
    g = Gemeente.objects.get(code="GM0344")
    kwargs = {"datum": dt.date(2017, 5, 1), **kwargs}
    status = kwargs.pop("status")
    with pytest.raises(DomainError) as error:
        services.record_step(o, g, status, **kwargs)
    assert field in {p.name for p in error.value.problems}


def test_municipality_that_did_not_exist_is_refused():
    o = of.overeenkomst()
    gone = Gemeente.objects.filter(geldig_tot__lte=dt.date(2017, 1, 1)).first()
    with pytest.raises(DomainError):
        services.record_step(o, gone, "in_college", datum=dt.date(2017, 3, 1))


def test_agreement_validation():
    with pytest.raises(DomainError) as error:
        of.overeenkomst(
            titel="",
            deadline=dt.date(2016, 1, 1),
            drempel_soort="budget",
            drempel_waarde=Decimal("150"),
        )
    names = {p.name for p in error.value.problems}
    assert {"titel", "deadline", "drempel_waarde"} <= names
