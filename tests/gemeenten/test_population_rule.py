"""THE rule for "population for year Y", on real mergers and splits, and its pure core.

Expected figures are computed here independently: the CBS source file is read directly and split
municipalities are divided with a largest-remainder computation written in this file (integer
arithmetic), not with `samen.core.money`.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import (
    PopulationUnavailable,
    bevolking_voor_jaar,
    opvolgers,
    voorgangers,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "gemeenten"
D = dt.date


def _load_cbs() -> dict[tuple[str, int], int]:
    with open(SHARED / "gemeenten_inwoners_1jan_2012_2024.csv", encoding="utf-8") as f:
        return {
            (r["gemeentecode"], int(r["jaar"])): int(r["inwoners_1jan"]) for r in csv.DictReader(f)
        }


CBS = _load_cbs()


def pop(code: str, jaar: int) -> int:
    return CBS[(code, jaar)]


def national(jaar: int) -> int:
    return sum(n for (_, year), n in CBS.items() if year == jaar)


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Independent reference: floor of each exact share, then one each to the largest
    remainders (ties: smallest key)."""
    weight_sum = sum(weights.values())
    floors = {k: total * w // weight_sum for k, w in weights.items()}
    remainders = {k: total * w % weight_sum for k, w in weights.items()}
    left = total - sum(floors.values())
    for key in sorted(weights, key=lambda k: (-remainders[k], k))[:left]:
        floors[key] += 1
    return floors


# --- real mergers and splits -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.sqlite
def test_2018_uses_1_january_2017_and_loses_nobody():
    result = bevolking_voor_jaar(2018)
    assert (result.jaar, result.bronjaar, result.gevraagd_bronjaar) == (2018, 2017, 2017)
    assert result.peildatum == D(2018, 1, 1)
    assert len(result.per_gemeente) == 380
    assert set(result.per_gemeente) == set(
        Gemeente.objects.op(D(2018, 1, 1)).values_list("code", flat=True)
    )
    assert result.totaal == 17_081_507
    assert "1 januari 2017" in result.toelichting and "01-01-2018" in result.toelichting
    assert "laatst beschikbare" not in result.toelichting


@pytest.mark.django_db
@pytest.mark.sqlite
@pytest.mark.parametrize("jaar", range(2013, 2026))
def test_every_year_loses_nobody(jaar):
    result = bevolking_voor_jaar(jaar)
    assert result.totaal == national(min(jaar - 1, 2024))
    assert all(n > 0 for n in result.per_gemeente.values())
    # Each municipality's figure is explained by where its inhabitants came from.
    for code, n in result.per_gemeente.items():
        assert sum(result.herkomst[code].values()) == n


@pytest.mark.django_db
@pytest.mark.sqlite
def test_waadhoeke_is_its_predecessors_plus_a_share_of_littenseradiel():
    result = bevolking_voor_jaar(2018)
    littenseradiel = pop("GM0140", 2017)
    assert littenseradiel == 10746
    share = largest_remainder(littenseradiel, {"GM1949": 1878, "GM0080": 3394, "GM1900": 5411})
    # 10746 * 1878 / 10683 = 1889.08; * 3394 = 3414.02; * 5411 = 5442.91 -> the left-over
    # inhabitant goes to Súdwest-Fryslân (largest remainder).
    assert share == {"GM1949": 1889, "GM0080": 3414, "GM1900": 5443}
    # het Bildt + Franekeradeel + Menameradiel (1-1-2017) + Waadhoeke's share of Littenseradiel
    assert result.per_gemeente["GM1949"] == 10493 + 20215 + 13454 + 1889 == 46051
    assert result.herkomst["GM1949"] == {
        "GM0063": 10493,
        "GM0070": 20215,
        "GM1908": 13454,
        "GM0140": 1889,
    }
    # Leeuwarden absorbed Leeuwarderadeel and a part of Littenseradiel.
    assert result.per_gemeente["GM0080"] == 108667 + 10108 + 3414
    assert result.per_gemeente["GM1900"] == 84158 + 5443
    for code in ("GM0140", "GM0063", "GM0070", "GM1908", "GM0081"):
        assert code not in result.per_gemeente


@pytest.mark.django_db
@pytest.mark.sqlite
def test_haaren_split_over_four_by_inhabitants_moved():
    result = bevolking_voor_jaar(2021)
    assert result.bronjaar == 2020
    haaren = pop("GM0788", 2020)
    assert haaren == 14370
    weights = {"GM0757": 2149, "GM0824": 5824, "GM0855": 1442, "GM0865": 4903}
    parts = largest_remainder(haaren, weights)
    # Exact shares 2156.80, 5845.15, 1447.24, 4920.81: floors add up to 14368, the two
    # left-over inhabitants go to Vught (.81) and Boxtel (.80).
    assert parts == {"GM0757": 2157, "GM0824": 5845, "GM0855": 1447, "GM0865": 4921}
    assert sum(parts.values()) == haaren
    for code, part in parts.items():
        assert result.per_gemeente[code] == pop(code, 2020) + part
        assert result.herkomst[code]["GM0788"] == part
        assert abs(part - haaren * weights[code] / sum(weights.values())) < 1
    assert "GM0788" not in result.per_gemeente
    assert len(result.per_gemeente) == 352 and result.totaal == national(2020)


@pytest.mark.django_db
def test_boarnsterhim_split_in_2014_over_four():
    result = bevolking_voor_jaar(2014)
    parts = largest_remainder(
        pop("GM0055", 2013), {"GM1921": 203, "GM0080": 11024, "GM0074": 6598, "GM1900": 1653}
    )
    for code, part in parts.items():
        assert result.herkomst[code]["GM0055"] == part
    assert result.per_gemeente["GM1921"] == (
        pop("GM0051", 2013) + pop("GM0082", 2013) + pop("GM0653", 2013) + parts["GM1921"]
    )


@pytest.mark.django_db
@pytest.mark.sqlite
def test_weesp_in_amsterdam_for_2023():
    result = bevolking_voor_jaar(2023)
    assert result.bronjaar == 2022
    assert result.per_gemeente["GM0363"] == 882633 + 20766
    assert result.herkomst["GM0363"] == {"GM0363": 882633, "GM0457": 20766}
    assert "GM0457" not in result.per_gemeente
    assert len(result.per_gemeente) == 342
    assert result.totaal == national(2022) == 17_590_672


@pytest.mark.django_db
def test_weesp_still_counts_on_its_own_for_2022():
    # On 1 January 2022 Weesp still existed: it keeps its own figure (of 1-1-2021).
    result = bevolking_voor_jaar(2022)
    assert result.per_gemeente["GM0457"] == pop("GM0457", 2021)
    assert result.per_gemeente["GM0363"] == pop("GM0363", 2021)
    assert len(result.per_gemeente) == 345


@pytest.mark.django_db
def test_rename_carries_the_figure_to_the_new_code():
    result = bevolking_voor_jaar(2016)
    assert result.per_gemeente["GM1940"] == pop("GM1921", 2015)
    assert result.per_gemeente["GM1945"] == pop("GM0241", 2015)
    assert "GM1921" not in result.per_gemeente


@pytest.mark.django_db
def test_a_long_offset_follows_every_herindeling_on_the_way():
    # 1-1-2012 figures on the municipalities of 2024: through twelve years of herindelingen.
    result = bevolking_voor_jaar(2024, offset=12)
    assert result.bronjaar == 2012
    assert len(result.per_gemeente) == 342
    assert result.totaal == national(2012)
    assert result.per_gemeente["GM0363"] == pop("GM0363", 2012) + pop("GM0457", 2012)


@pytest.mark.django_db
@pytest.mark.sqlite
def test_chains_merged_then_renamed():
    # Boarnsterhim (split 2014, a part into De Friese Meren) -> De Fryske Marren (2016 rename).
    assert [g.code for g in opvolgers("GM0055", D(2020, 1, 1))] == [
        "GM0074",
        "GM0080",
        "GM1900",
        "GM1940",
    ]
    assert [g.code for g in opvolgers("GM0055", D(2015, 1, 1))] == [
        "GM0074",
        "GM0080",
        "GM1900",
        "GM1921",
    ]
    assert [g.code for g in opvolgers("GM0055", D(2013, 12, 31))] == ["GM0055"]
    codes = {g.code for g in voorgangers("GM1940")}
    assert {"GM1921", "GM0055", "GM0051", "GM0082", "GM0653"} <= codes
    assert "GM1940" not in codes
    # Up to 2015 De Fryske Marren did not exist yet; De Friese Meren had four predecessors.
    assert voorgangers("GM1940", D(2015, 1, 1)) == []
    assert [g.code for g in voorgangers("GM1921", D(2015, 1, 1))] == [
        "GM0051",
        "GM0055",
        "GM0082",
        "GM0653",
    ]
    assert [g.code for g in opvolgers("GM0363", D(2020, 1, 1))] == ["GM0363"]
    assert [g.code for g in voorgangers("GM0363")] == ["GM0457"]
    assert [g.code for g in opvolgers("GM0457", D(2022, 3, 24))] == ["GM0363"]
    assert [g.code for g in opvolgers("GM0457", D(2022, 3, 23))] == ["GM0457"]
    assert [g.code for g in opvolgers("GM0788", D(2021, 1, 1))] == [
        "GM0757",
        "GM0824",
        "GM0855",
        "GM0865",
    ]


@pytest.mark.django_db
@pytest.mark.sqlite
def test_offset_zero_uses_the_same_year():
    result = bevolking_voor_jaar(2024, offset=0)
    assert result.bronjaar == 2024 and result.totaal == 17_942_942
    result = bevolking_voor_jaar(2018, offset=0)
    assert result.bronjaar == 2018 and result.per_gemeente["GM1949"] == pop("GM1949", 2018)
    assert result.totaal == national(2018)


@pytest.mark.django_db
def test_offset_two():
    result = bevolking_voor_jaar(2019, offset=2)
    assert result.bronjaar == 2017 and len(result.per_gemeente) == 355
    assert result.totaal == national(2017)


@pytest.mark.django_db
@pytest.mark.sqlite
def test_past_the_last_year_uses_the_latest_and_says_so():
    result = bevolking_voor_jaar(2026)
    assert (result.bronjaar, result.gevraagd_bronjaar) == (2024, 2025)
    assert "het laatst beschikbare jaar (2024)" in result.toelichting
    assert "1 januari 2025" in result.toelichting
    assert len(result.per_gemeente) == 342
    assert result.totaal == 17_942_942
    assert result.per_gemeente["GM0363"] == 931298


@pytest.mark.django_db
def test_the_first_year_past_the_register_is_still_exact():
    result = bevolking_voor_jaar(2025)
    assert (result.bronjaar, result.gevraagd_bronjaar) == (2024, 2024)
    assert "laatst beschikbare" not in result.toelichting


@pytest.mark.django_db
def test_before_the_first_year_is_an_error():
    with pytest.raises(PopulationUnavailable):
        bevolking_voor_jaar(2012)
    with pytest.raises(PopulationUnavailable):
        bevolking_voor_jaar(2014, offset=5)
    with pytest.raises(ValueError):
        bevolking_voor_jaar(2018, offset=-1)


# --- the pure rules on small synthetic chains --------------------------------------------------


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
    # Half-way, only the first merger has happened.
    totals, _ = rules.map_counts({"A": 10, "B": 20, "D": 5}, links, D(2013, 1, 1), D(2015, 1, 1))
    assert totals == {"C": 30, "D": 5}
    assert rules.successors("A", links, D(2013, 12, 31)) == ["A"]
    assert rules.successors("A", links, D(2015, 1, 1)) == ["C"]
    assert rules.successors("A", links, D(2017, 1, 1)) == ["E"]
    assert rules.predecessors("E", links) == ["A", "B", "C", "D"]
    assert rules.predecessors("E", links, D(2015, 1, 1)) == []
    assert rules.predecessors("C", links) == ["A", "B"]


def test_rules_split_then_merged():
    links = [
        rules.Link(D(2014, 1, 1), "S", "X", 1),
        rules.Link(D(2014, 1, 1), "S", "Y", 3),
        rules.Link(D(2015, 1, 1), "X", "Z", 9),
        rules.Link(D(2015, 1, 1), "Y", "Z", 9),
    ]
    totals, origin = rules.map_counts(
        {"S": 101, "X": 0, "Y": 0}, links, D(2013, 1, 1), D(2014, 6, 1)
    )
    assert totals == {"X": 25, "Y": 76}  # 25.25 and 75.75: the left-over goes to Y
    assert origin == {"X": {"S": 25, "X": 0}, "Y": {"S": 76, "Y": 0}}
    totals, _ = rules.map_counts({"S": 101}, links, D(2013, 1, 1), D(2016, 1, 1))
    assert totals == {"Z": 101}
    assert rules.successors("S", links, D(2014, 1, 1)) == ["X", "Y"]
    assert rules.successors("S", links, D(2020, 1, 1)) == ["Z"]
    assert rules.predecessors("Z", links) == ["S", "X", "Y"]


def test_rules_merged_then_split_divides_the_whole_municipality():
    """A and B merge into C, which is later split 1:1 over X and Y. Carried in one go, C's two
    inhabitants are divided as a whole (1 and 1), exactly as when carried year by year."""
    links = [
        rules.Link(D(2014, 1, 1), "A", "C", 1),
        rules.Link(D(2014, 1, 1), "B", "C", 1),
        rules.Link(D(2015, 1, 1), "C", "X", 1),
        rules.Link(D(2015, 1, 1), "C", "Y", 1),
    ]
    totals, origin = rules.map_counts({"A": 1, "B": 1}, links, D(2013, 1, 1), D(2016, 1, 1))
    assert totals == {"X": 1, "Y": 1}
    assert sum(origin["X"].values()) == 1 and sum(origin["Y"].values()) == 1
    # What A and B contributed is still all there.
    assert origin["X"].get("A", 0) + origin["Y"].get("A", 0) == 1
    assert origin["X"].get("B", 0) + origin["Y"].get("B", 0) == 1


def test_rules_split_with_zero_weights_divides_equally():
    links = [rules.Link(D(2014, 1, 1), "S", "X", 0), rules.Link(D(2014, 1, 1), "S", "Y", 0)]
    totals, _ = rules.map_counts({"S": 3}, links, D(2013, 1, 1), D(2015, 1, 1))
    assert totals == {"X": 2, "Y": 1}


def test_rules_ignore_links_outside_the_period():
    links = [rules.Link(D(2014, 1, 1), "A", "B", 1)]
    # Figures of 1-1-2014 are already in the boundaries of 2014: the link is not applied again.
    assert rules.map_counts({"B": 7}, links, D(2014, 1, 1), D(2015, 1, 1))[0] == {"B": 7}
    assert rules.map_counts({"A": 7}, links, D(2012, 1, 1), D(2013, 12, 31))[0] == {"A": 7}


def test_rules_predecessors_through_a_later_path():
    """V gives a part to T in 2014, W joins V in 2015, V goes into U in 2016, U into T in 2017.
    W is a predecessor of T through U, even though V was first met on its 2014 link."""
    links = [
        rules.Link(D(2014, 1, 1), "V", "T", 1),
        rules.Link(D(2015, 1, 1), "W", "V", 1),
        rules.Link(D(2016, 1, 1), "V", "U", 1),
        rules.Link(D(2017, 1, 1), "U", "T", 1),
    ]
    for order in (links, list(reversed(links))):
        assert rules.predecessors("T", order) == ["U", "V", "W"]


CODES = "ABCDEFGH"
link_lists = st.lists(
    st.tuples(
        st.integers(2013, 2020),
        st.sampled_from(CODES),
        st.sampled_from(CODES),
        st.integers(0, 1000),
    ).filter(lambda t: t[1] != t[2]),
    max_size=10,
)
count_maps = st.dictionaries(st.sampled_from(CODES), st.integers(0, 10**6), min_size=1)


@settings(max_examples=200)
@given(count_maps, link_lists)
def test_mapping_never_loses_or_creates_inhabitants(counts, raw_links):
    links = [rules.Link(D(y, 1, 1), a, b, w) for y, a, b, w in raw_links]
    totals, origin = rules.map_counts(counts, links, D(2012, 1, 1), D(2021, 1, 1))
    assert sum(totals.values()) == sum(counts.values())
    assert all(v >= 0 for v in totals.values())
    assert {code: sum(o.values()) for code, o in origin.items()} == totals
    # Every original municipality's inhabitants are all somewhere.
    for code, n in counts.items():
        assert sum(o.get(code, 0) for o in origin.values()) == n


# Few municipalities, small counts and weights over a few years: merged-then-split chains and
# rounding ties are frequent, which is where carrying figures in one go could go wrong.
small_links = st.lists(
    st.tuples(
        st.integers(2013, 2016),
        st.sampled_from("ABCDE"),
        st.sampled_from("ABCDE"),
        st.integers(0, 5),
    ).filter(lambda t: t[1] != t[2]),
    max_size=10,
)
small_counts = st.dictionaries(st.sampled_from("ABCDE"), st.integers(0, 50), min_size=1)


@settings(max_examples=200)
@given(small_counts, small_links, st.integers(2013, 2016))
def test_mapping_in_one_go_equals_mapping_year_by_year(counts, raw_links, half_way):
    links = [rules.Link(D(y, 1, 1), a, b, w) for y, a, b, w in raw_links]
    start, middle, end = D(2012, 1, 1), D(half_way, 1, 1), D(2017, 1, 1)
    direct, origin = rules.map_counts(counts, links, start, end)
    first, _ = rules.map_counts(counts, links, start, middle)
    stepwise, _ = rules.map_counts(first, links, middle, end)
    assert direct == stepwise
    assert sum(direct.values()) == sum(counts.values())
    for code, n in counts.items():
        assert sum(o.get(code, 0) for o in origin.values()) == n
