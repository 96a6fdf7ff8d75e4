"""The register reproduces CBS exactly, for every year 2012-2024."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from django.db.models import Sum

from samen.gemeenten.models import Gemeente, Herindeling, Inwonertal, Overgang
from samen.gemeenten.queries import totaal_op
from samen.gemeenten.services import load_register

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "gemeenten"

pytestmark = pytest.mark.django_db


def _rows(name):
    with open(SHARED / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.sqlite
def test_the_two_headline_figures():
    assert totaal_op(2017) == (388, 17_081_507)
    assert totaal_op(2024) == (342, 17_942_942)


def test_municipalities_per_year_equal_cbs():
    codes = defaultdict(set)
    for row in _rows("gemeenten_inwoners_1jan_2012_2024.csv"):
        codes[int(row["jaar"])].add(row["gemeentecode"])
    for year, expected in codes.items():
        found = set(Gemeente.objects.op(dt.date(year, 1, 1)).values_list("code", flat=True))
        assert found == expected, year


def test_national_and_province_totals_equal_cbs():
    expected = {
        (int(r["jaar"]), r["regiocode"]): int(r["inwoners_1jan"])
        for r in _rows("nederland_provincies_inwoners_1jan_2012_2024.csv")
    }
    national = dict(
        Inwonertal.objects.values("jaar").annotate(n=Sum("aantal")).values_list("jaar", "n")
    )
    provinces = {
        (jaar, code): n
        for jaar, code, n in Inwonertal.objects.values("jaar", "gemeente__provincie__code")
        .annotate(n=Sum("aantal"))
        .values_list("jaar", "gemeente__provincie__code", "n")
    }
    for (jaar, code), n in expected.items():
        if code == "NL01":
            assert national[jaar] == n, jaar
        elif jaar <= 2023:  # SOURCES.md: province rows checked 2012-2023
            assert provinces[(jaar, code)] == n, (jaar, code)


@pytest.mark.sqlite
def test_loading_twice_changes_nothing():
    counts = (Gemeente.objects.count(), Inwonertal.objects.count(), Herindeling.objects.count())
    assert "al geladen" in load_register()
    assert counts == (
        Gemeente.objects.count(),
        Inwonertal.objects.count(),
        Herindeling.objects.count(),
    )


def test_herindelingen_kinds_and_dates():
    haaren = Overgang.objects.filter(voorganger__code="GM0788").first().herindeling
    assert haaren.datum == dt.date(2021, 1, 1)
    assert haaren.soort == "splitsing"
    assert haaren.overgangen.count() == 4
    rename = Overgang.objects.get(voorganger__code="GM0241").herindeling
    assert rename.soort == "naamswijziging"
    weesp = Gemeente.objects.get(code="GM0457")
    assert weesp.geldig_tot == dt.date(2022, 3, 24)
    assert weesp.bestaat_op(dt.date(2022, 3, 23)) and not weesp.bestaat_op(dt.date(2022, 3, 24))
    assert Gemeente.objects.get(code="GM1940").geldig_van == dt.date(2016, 1, 1)
