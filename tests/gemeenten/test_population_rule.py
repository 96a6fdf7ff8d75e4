"""THE rule for "population for year Y", on real mergers and splits, and its pure core."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.core.money import allocate_units
from samen.gemeenten import rules
from samen.gemeenten.models import Inwonertal
from samen.gemeenten.queries import (
    PopulationUnavailable,
    bevolking_voor_jaar,
    opvolgers,
    voorgangers,
)


def pop(code: str, jaar: int) -> int:
    return Inwonertal.objects.get(gemeente__code=code, jaar=jaar).aantal


@pytest.mark.django_db
@pytest.mark.sqlite
def test_2018_uses_1_january_2017_and_loses_nobody():
    result = bevolking_voor_jaar(2018)
    assert result.bronjaar == 2017
    assert len(result.per_gemeente) == 380
    assert result.totaal == 17_081_507


@pytest.mark.django_db
def test_waadhoeke_is_its_predecessors_plus_a_share_of_littenseradiel():
    result = bevolking_voor_jaar(2018)
    share = allocate_units(pop("GM0140", 2017), {"GM1949": 1878, "GM0080": 3394, "GM1900": 5411})
    expected = pop("GM0063", 2017) + pop("GM0070", 2017) + pop("GM1908", 2017) + share["GM1949"]
    assert result.per_gemeente["GM1949"] == expected
    assert (
        result.per_gemeente["GM0080"] == pop("GM0080", 2017) + pop("GM0081", 2017) + share["GM0080"]
    )


@pytest.mark.django_db
def test_haaren_split_over_four_by_inhabitants_moved():
    result = bevolking_voor_jaar(2021)
    haaren = pop("GM0788", 2020)
    weights = {"GM0757": 2149, "GM0824": 5824, "GM0855": 1442, "GM0865": 4903}
    parts = allocate_units(haaren, weights)
    assert sum(parts.values()) == haaren
    for code, part in parts.items():
        assert result.per_gemeente[code] == pop(code, 2020) + part
        assert result.herkomst[code]["GM0788"] == part


@pytest.mark.django_db
def test_weesp_in_amsterdam_for_2023():
    result = bevolking_voor_jaar(2023)
    assert result.per_gemeente["GM0363"] == pop("GM0363", 2022) + pop("GM0457", 2022)
    assert "GM0457" not in result.per_gemeente
    assert result.totaal == 17_590_672


@pytest.mark.django_db
def test_chains_merged_then_renamed():
    assert [g.code for g in opvolgers("GM0055", dt.date(2020, 1, 1))] == [
        "GM0074",
        "GM0080",
        "GM1900",
        "GM1940",
    ]
    assert [g.code for g in opvolgers("GM0055", dt.date(2015, 1, 1))] == [
        "GM0074",
        "GM0080",
        "GM1900",
        "GM1921",
    ]
    codes = {g.code for g in voorgangers("GM1940")}
    assert {"GM1921", "GM0055", "GM0051", "GM0082", "GM0653"} <= codes
    assert [g.code for g in opvolgers("GM0363", dt.date(2020, 1, 1))] == ["GM0363"]


@pytest.mark.django_db
def test_offset_zero_uses_the_same_year():
    result = bevolking_voor_jaar(2024, offset=0)
    assert result.bronjaar == 2024 and result.totaal == 17_942_942


@pytest.mark.django_db
@pytest.mark.sqlite
def test_past_the_last_year_uses_the_latest_and_says_so():
    result = bevolking_voor_jaar(2026)
    assert (result.bronjaar, result.gevraagd_bronjaar) == (2024, 2025)
    assert "het laatst beschikbare jaar (2024)" in result.toelichting
    assert len(result.per_gemeente) == 342


@pytest.mark.django_db
def test_before_the_first_year_is_an_error():
    with pytest.raises(PopulationUnavailable):
        bevolking_voor_jaar(2012)


D = dt.date


def test_rules_merged_twice():
    links = [
        rules.Link(D(2014, 1, 1), "A", "C", 10),
        rules.Link(D(2014, 1, 1), "B", "C", 20),
        rules.Link(D(2016, 1, 1), "C", "E", 30),
        rules.Link(D(2016, 1, 1), "D", "E", 5),
    ]
    totals, origin = rules.map_counts(
        {"A": 10, "B": 20, "D": 5}, links, D(2013, 1, 1), D(2017, 1, 1)
    )
    assert totals == {"E": 35}
    assert origin["E"] == {"A": 10, "B": 20, "D": 5}
    assert rules.successors("A", links, D(2015, 1, 1)) == ["C"]
    assert rules.successors("A", links, D(2017, 1, 1)) == ["E"]
    assert rules.predecessors("E", links) == ["A", "B", "C", "D"]


def test_rules_split_then_merged():
    links = [
        rules.Link(D(2014, 1, 1), "S", "X", 1),
        rules.Link(D(2014, 1, 1), "S", "Y", 3),
        rules.Link(D(2015, 1, 1), "X", "Z", 9),
        rules.Link(D(2015, 1, 1), "Y", "Z", 9),
    ]
    totals, _ = rules.map_counts({"S": 101, "X": 0, "Y": 0}, links, D(2013, 1, 1), D(2014, 6, 1))
    assert totals == {"X": 25, "Y": 76}
    totals, _ = rules.map_counts({"S": 101}, links, D(2013, 1, 1), D(2016, 1, 1))
    assert totals == {"Z": 101}


@settings(max_examples=200)
@given(
    st.dictionaries(st.sampled_from("ABCDEF"), st.integers(0, 10**6), min_size=1),
    st.lists(
        st.tuples(
            st.integers(2013, 2020),
            st.sampled_from("ABCDEF"),
            st.sampled_from("GHIJKL"),
            st.integers(0, 1000),
        ),
        max_size=8,
    ),
)
def test_mapping_never_loses_or_creates_inhabitants(counts, raw_links):
    links = [rules.Link(D(y, 1, 1), a, b, w) for y, a, b, w in raw_links]
    totals, origin = rules.map_counts(counts, links, D(2012, 1, 1), D(2021, 1, 1))
    assert sum(totals.values()) == sum(counts.values())
    assert all(v >= 0 for v in totals.values())
    assert sum(sum(o.values()) for o in origin.values()) == sum(counts.values())
