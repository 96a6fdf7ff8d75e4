"""The pure count: weighted totals, percentages, turnout, quorum, majority, alternatives."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samen.ledenvergadering import tally
from samen.ledenvergadering.tally import (
    AANGENOMEN,
    GEEN_KEUZE,
    GEEN_QUORUM,
    GEKOZEN,
    ONTHOUDING,
    TEGEN,
    VERWORPEN,
    VOOR,
    Klasse,
    Regel,
)

pytestmark = pytest.mark.sqlite

KLASSEN = [Klasse(0, 1), Klasse(10_000, 2), Klasse(50_000, 5), Klasse(200_000, 10)]

electorate = st.dictionaries(
    st.integers(0, 9999).map(lambda n: f"GM{n:04d}"), st.integers(1, 50), min_size=1, max_size=40
)


@st.composite
def ballots(draw, opties=tally.JA_NEE):
    gewicht = draw(electorate)
    voters = draw(st.lists(st.sampled_from(sorted(gewicht)), unique=True))
    stemmen = [(code, draw(st.sampled_from(opties))) for code in voters]
    return gewicht, stemmen


@given(ballots(), st.randoms())
def test_tally_is_the_sum_of_the_weights_whatever_the_order(data, rnd):
    gewicht, stemmen = data
    uitslag = tally.tel(stemmen, gewicht)
    for optie in tally.JA_NEE:
        assert uitslag.totalen[optie] == sum(gewicht[c] for c, k in stemmen if k == optie)
    shuffled = list(stemmen)
    rnd.shuffle(shuffled)
    assert tally.tel(shuffled, gewicht) == uitslag
    assert uitslag.uitgebracht_gewicht == sum(gewicht[c] for c, _ in stemmen)
    assert uitslag.uitgebracht_aantal == len(stemmen)
    assert uitslag.stemgerechtigd_gewicht == sum(gewicht.values())


@given(ballots(opties=("a", "b", TEGEN, ONTHOUDING)))
def test_alternatives_winner_has_the_most_weight(data):
    gewicht, stemmen = data
    uitslag = tally.tel(stemmen, gewicht, opties=("a", "b", TEGEN, ONTHOUDING))
    if uitslag.uitkomst == GEKOZEN:
        other = "b" if uitslag.winnaar == "a" else "a"
        assert uitslag.totalen[uitslag.winnaar] > uitslag.totalen[other]
        cast = uitslag.uitgebracht_gewicht - uitslag.totalen[ONTHOUDING]
        assert 2 * uitslag.totalen[uitslag.winnaar] > cast


@given(ballots())
def test_percentages_are_within_rounding_of_100(data):
    gewicht, stemmen = data
    uitslag = tally.tel(stemmen, gewicht)
    total = sum(uitslag.percentages.values())
    if stemmen:
        assert abs(total - 100) <= Decimal("0.02")
    else:
        assert total == 0


def test_changed_order_of_classes_does_not_matter_and_bounds_are_inclusive():
    assert tally.stemmen_voor(9_999, KLASSEN) == 1
    assert tally.stemmen_voor(10_000, KLASSEN) == 2
    assert tally.stemmen_voor(0, list(reversed(KLASSEN))) == 1
    assert tally.stemmen_voor(1_000_000, KLASSEN) == 10


@pytest.mark.parametrize(
    "klassen",
    [
        [],
        [Klasse(1, 1)],
        [Klasse(0, 1), Klasse(0, 2)],
        [Klasse(0, 0)],
        [Klasse(0, 3), Klasse(5, 1)],
    ],
)
def test_a_bad_table_is_refused(klassen):
    assert tally.check_klassen(klassen)
    with pytest.raises(tally.TallyError):
        tally.stemmen_voor(5, klassen)


def test_simple_majority_edges():
    w = {"A": 1, "B": 1, "C": 1}
    assert tally.tel([("A", VOOR), ("B", TEGEN)], w).uitkomst == VERWORPEN  # a tie is not more
    assert tally.tel([("A", VOOR), ("B", VOOR), ("C", TEGEN)], w).uitkomst == AANGENOMEN
    assert tally.tel([("A", VOOR), ("B", ONTHOUDING), ("C", ONTHOUDING)], w).uitkomst == AANGENOMEN
    assert tally.tel([("A", ONTHOUDING)], w).uitkomst == VERWORPEN  # only abstentions
    assert tally.tel([], w).uitkomst == GEEN_QUORUM


def test_two_thirds_edges_and_quorum():
    w = dict.fromkeys("ABCDEF", 1)
    r = tally.TWEE_DERDE
    exactly = [("A", VOOR), ("B", VOOR), ("C", TEGEN)]  # 2/3 of those cast, quorum 3 of 6
    assert tally.tel(exactly, w, regel=r).uitkomst == AANGENOMEN
    assert tally.tel(exactly[:2] + [("C", TEGEN), ("D", TEGEN)], w, regel=r).uitkomst == VERWORPEN
    assert tally.tel([("A", VOOR), ("B", VOOR)], w, regel=r).uitkomst == GEEN_QUORUM
    configured = Regel(quorum=Fraction(0), meerderheid=Fraction(3, 4), strikt=False)
    assert tally.tel(exactly, w, regel=configured).uitkomst == VERWORPEN


def test_the_2020_example_proportions():
    gewicht = {f"GM{i:04d}": 1 for i in range(355)}
    codes = sorted(gewicht)[:243]
    keuzes = ["bestuur"] * 151 + ["geamendeerd"] * 82 + [TEGEN] * 10
    u = tally.tel(
        zip(codes, keuzes, strict=True), gewicht, opties=("bestuur", "geamendeerd", TEGEN)
    )
    assert u.uitkomst == GEKOZEN and u.winnaar == "bestuur"
    assert u.percentages == {
        "bestuur": Decimal("62.14"),
        "geamendeerd": Decimal("33.74"),
        TEGEN: Decimal("4.12"),
    }
    assert (u.uitgebracht_aantal, u.stemgerechtigd_aantal) == (243, 355)
    assert u.opkomst == Decimal("68.45")


def test_a_tie_between_alternatives_chooses_nothing():
    u = tally.tel([("A", "x"), ("B", "y")], {"A": 2, "B": 2}, opties=("x", "y", TEGEN))
    assert u.uitkomst == GEEN_KEUZE and u.winnaar is None


@pytest.mark.parametrize(
    "stemmen",
    [[("A", VOOR), ("A", TEGEN)], [("Z", VOOR)], [("A", "misschien")]],
)
def test_bad_ballots_are_refused(stemmen):
    with pytest.raises(tally.TallyError):
        tally.tel(stemmen, {"A": 1})


def test_bad_rules_are_refused():
    with pytest.raises(tally.TallyError):
        Regel(quorum=Fraction(3, 2))
