"""The register reproduces CBS exactly, for every year 2012-2024.

Expected values are read from the shared source files in ../shared/data/gemeenten (not from the
copy the project ships), so a change to the shipped data or to the loader shows up here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum

from samen.audit.models import AuditRegel
from samen.gemeenten.models import CbsImport, Gemeente, Herindeling, Inwonertal, Overgang
from samen.gemeenten.queries import totaal_op
from samen.gemeenten.services import load_register

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "gemeenten"
YEARS = range(2012, 2025)

pytestmark = pytest.mark.django_db


def _rows(name):
    with open(SHARED / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cbs_codes() -> dict[int, set[str]]:
    codes = defaultdict(set)
    for row in _rows("gemeenten_inwoners_1jan_2012_2024.csv"):
        codes[int(row["jaar"])].add(row["gemeentecode"])
    return codes


def register_state():
    return (
        sorted(
            Gemeente.objects.values_list(
                "code", "naam", "provincie__code", "geldig_van", "geldig_tot"
            )
        ),
        sorted(Inwonertal.objects.values_list("gemeente__code", "jaar", "aantal", "bron")),
        sorted(Herindeling.objects.values_list("datum", "soort", "omschrijving")),
        sorted(
            Overgang.objects.values_list(
                "herindeling__datum",
                "voorganger__code",
                "opvolger__code",
                "deel",
                "inwoners_overgegaan",
            )
        ),
    )


@pytest.mark.sqlite
def test_the_two_headline_figures():
    assert totaal_op(2017) == (388, 17_081_507)
    assert totaal_op(2024) == (342, 17_942_942)
    assert Gemeente.objects.op(dt.date(2017, 1, 1)).count() == 388
    assert Gemeente.objects.op(dt.date(2024, 1, 1)).count() == 342


@pytest.mark.sqlite
def test_number_of_municipalities_per_year():
    expected = {2012: 415, 2013: 408, 2014: 403, 2015: 393, 2016: 390, 2017: 388, 2018: 380}
    expected |= {2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342, 2024: 342}
    for year, n in expected.items():
        assert Gemeente.objects.op(dt.date(year, 1, 1)).count() == n, year
        assert totaal_op(year)[0] == n, year


@pytest.mark.sqlite
def test_municipalities_per_year_equal_cbs():
    codes = cbs_codes()
    assert set(codes) == set(YEARS)
    for year in YEARS:
        found = set(Gemeente.objects.op(dt.date(year, 1, 1)).values_list("code", flat=True))
        assert found == codes[year], (year, found ^ codes[year])
        # And the population of that 1 January is there for exactly those municipalities.
        with_figure = set(
            Inwonertal.objects.filter(jaar=year).values_list("gemeente__code", flat=True)
        )
        assert with_figure == codes[year], year


def test_every_figure_equals_cbs():
    expected = sorted(
        (r["gemeentecode"], int(r["jaar"]), int(r["inwoners_1jan"]))
        for r in _rows("gemeenten_inwoners_1jan_2012_2024.csv")
    )
    assert len(expected) == 4868
    assert sorted(Inwonertal.objects.values_list("gemeente__code", "jaar", "aantal")) == expected


def test_names_and_provinces_of_todays_municipalities():
    latest = {
        r["gemeentecode"]: r
        for r in _rows("gemeenten_inwoners_1jan_2012_2024.csv")
        if r["jaar"] == "2024"
    }
    found = {
        code: (naam, provincie)
        for code, naam, provincie in Gemeente.objects.op(dt.date(2024, 1, 1)).values_list(
            "code", "naam", "provincie__code"
        )
    }
    assert found == {code: (r["gemeentenaam"], r["provinciecode"]) for code, r in latest.items()}
    assert found["GM0518"] == ("'s-Gravenhage", "PV28")


def test_municipalities_of_a_date_within_a_year():
    # Weesp joined Amsterdam on 24 March 2022.
    assert Gemeente.objects.op(dt.date(2022, 3, 23)).filter(code="GM0457").exists()
    assert not Gemeente.objects.op(dt.date(2022, 3, 24)).filter(code="GM0457").exists()
    assert Gemeente.objects.op(dt.date(2022, 3, 24)).count() == 344
    assert Gemeente.objects.op(dt.date(2021, 12, 31)).count() == 352


@pytest.mark.sqlite
def test_national_totals_equal_cbs():
    expected = {
        int(r["jaar"]): int(r["inwoners_1jan"])
        for r in _rows("nederland_provincies_inwoners_1jan_2012_2024.csv")
        if r["regiocode"] == "NL01"
    }
    assert set(expected) == set(YEARS)
    for year, n in expected.items():
        assert totaal_op(year)[1] == n, year
    assert expected[2016] == 16_979_120 and expected[2017] == 17_081_507


def test_province_totals_equal_cbs():
    expected = {
        (int(r["jaar"]), r["regiocode"]): int(r["inwoners_1jan"])
        for r in _rows("nederland_provincies_inwoners_1jan_2012_2024.csv")
        if r["regiocode"].startswith("PV")
    }
    assert len(expected) == 12 * 13
    found = {
        (jaar, code): n
        for jaar, code, n in Inwonertal.objects.values("jaar", "gemeente__provincie__code")
        .annotate(n=Sum("aantal"))
        .values_list("jaar", "gemeente__provincie__code", "n")
    }
    assert found == expected


def test_every_disappearing_code_has_a_herindeling_and_every_new_code_too():
    codes = cbs_codes()
    for year in range(2013, 2025):
        gone = codes[year - 1] - codes[year]
        new = codes[year] - codes[year - 1]
        window = (dt.date(year - 1, 1, 2), dt.date(year, 1, 1))
        links = Overgang.objects.filter(herindeling__datum__range=window)
        assert set(links.values_list("voorganger__code", flat=True)) == gone, year
        assert new <= set(links.values_list("opvolger__code", flat=True)), year
        for code in gone:
            gemeente = Gemeente.objects.get(code=code)
            assert window[0] <= gemeente.geldig_tot <= window[1], code
        for code in new:
            assert Gemeente.objects.get(code=code).geldig_van == dt.date(year, 1, 1), code


def test_herindelingen_kinds_and_dates():
    haaren = Overgang.objects.filter(voorganger__code="GM0788").first().herindeling
    assert haaren.datum == dt.date(2021, 1, 1)
    assert haaren.soort == "splitsing"
    assert sorted(haaren.overgangen.values_list("opvolger__code", "inwoners_overgegaan")) == [
        ("GM0757", 2149),
        ("GM0824", 5824),
        ("GM0855", 1442),
        ("GM0865", 4903),
    ]
    rename = Overgang.objects.get(voorganger__code="GM0241").herindeling
    assert rename.soort == "naamswijziging"
    assert rename.overgangen.get().opvolger.code == "GM1945"
    waadhoeke = Overgang.objects.filter(opvolger__code="GM1949").first().herindeling
    assert waadhoeke.soort == "splitsing"  # Littenseradiel was divided
    weesp = Gemeente.objects.get(code="GM0457")
    assert weesp.geldig_tot == dt.date(2022, 3, 24)
    assert Overgang.objects.get(voorganger=weesp).herindeling.soort == "toevoeging"
    assert weesp.bestaat_op(dt.date(2022, 3, 23)) and not weesp.bestaat_op(dt.date(2022, 3, 24))
    assert Gemeente.objects.get(code="GM1940").geldig_van == dt.date(2016, 1, 1)
    assert Gemeente.objects.get(code="GM0363").geldig_van is None
    assert Gemeente.objects.get(code="GM0363").geldig_tot is None
    assert Herindeling.objects.filter(soort="samenvoeging", datum=dt.date(2019, 1, 1)).exists()


@pytest.mark.sqlite
def test_loading_twice_changes_nothing():
    state = register_state()
    audit = AuditRegel.objects.count()
    assert "al geladen" in load_register()
    out = io.StringIO()
    call_command("load_register", stdout=out)
    assert "al geladen" in out.getvalue()
    assert register_state() == state
    assert AuditRegel.objects.count() == audit


@pytest.mark.sqlite
def test_reloading_the_same_files_without_the_marker_changes_nothing():
    """As after an upgrade that ships the same data under a new marker: nothing duplicates."""
    state = register_state()
    last = AuditRegel.objects.order_by("-id").values_list("id", flat=True).first()
    CbsImport.objects.filter(formaat="register").delete()
    message = load_register()
    assert "Gemeenteregister geladen" in message
    assert register_state() == state
    new = AuditRegel.objects.filter(id__gt=last)
    assert not new.filter(actie__in=["aanmaken", "wijzigen"]).exists()
    assert CbsImport.objects.filter(formaat="register").count() == 1


def _shipped_data_with_a_2025_merger(tmp_path) -> Path:
    """The shipped files plus a (fictitious) herindeling on 1-1-2025: Ameland and
    Schiermonnikoog become 'Waddengemeente' GM1999, with 2025 figures for every municipality."""
    from samen.gemeenten import services

    data = tmp_path / "data"
    data.mkdir()
    herindelingen = (services.DATA / services.HERINDELING_FILE).read_text(encoding="utf-8")
    herindelingen += (
        "2025-01-01,GM0060,Ameland,Fryslân,GM1999,Waddengemeente,Fryslân,whole,new,3839,x,x\n"
        "2025-01-01,GM0088,Schiermonnikoog,Fryslân,GM1999,Waddengemeente,Fryslân,whole,new,972,"
        "x,x\n"
    )
    (data / services.HERINDELING_FILE).write_text(herindelingen, encoding="utf-8")
    population = io.StringIO()
    population.write((services.DATA / services.POPULATION_FILE).read_text(encoding="utf-8"))
    writer = csv.writer(population, lineterminator="\n")
    for row in _rows("gemeenten_inwoners_1jan_2012_2024.csv"):
        if row["jaar"] == "2024" and row["gemeentecode"] not in ("GM0060", "GM0088"):
            writer.writerow(["2025", *list(row.values())[1:6], "test"])
    writer.writerow(["2025", "GM1999", "Waddengemeente", "Fryslân", "PV21", 4811, "test"])
    population = population.getvalue()
    (data / services.POPULATION_FILE).write_text(population, encoding="utf-8")
    return data


def test_a_new_release_of_the_data_adds_its_herindeling(tmp_path, monkeypatch):
    """The documented way to add a municipality: ship its herindeling and figures, then
    `samen load-register` again. Existing herindelingen are not duplicated."""
    from samen.gemeenten import services
    from samen.gemeenten.queries import bevolking_voor_jaar, opvolgers

    monkeypatch.setattr(services, "DATA", _shipped_data_with_a_2025_merger(tmp_path))
    herindelingen = Herindeling.objects.count()
    overgangen = Overgang.objects.count()
    assert "Gemeenteregister geladen" in load_register()
    assert Herindeling.objects.count() == herindelingen + 1
    assert Overgang.objects.count() == overgangen + 2
    nieuw = Gemeente.objects.get(code="GM1999")
    assert nieuw.geldig_van == dt.date(2025, 1, 1) and nieuw.geldig_tot is None
    assert Gemeente.objects.get(code="GM0060").geldig_tot == dt.date(2025, 1, 1)
    assert Gemeente.objects.op(dt.date(2025, 1, 1)).count() == 341
    assert [g.code for g in opvolgers("GM0088", dt.date(2025, 1, 1))] == ["GM1999"]
    result = bevolking_voor_jaar(2025)  # 1-1-2024 figures on the municipalities of 2025
    assert result.per_gemeente["GM1999"] == 3839 + 972
    assert result.totaal == 17_942_942
    assert bevolking_voor_jaar(2026).bronjaar == 2025
    # And loading that release again changes nothing.
    state = register_state()
    assert "al geladen" in load_register()
    assert register_state() == state
