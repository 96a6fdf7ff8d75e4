"""Money: Decimal, half-up rounding and the total-preserving allocation (property-tested).

Pure tests: no database. The allocation is checked against an independent computation with
exact fractions, so a rounding or precision slip in `samen.core.money` shows up here.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.core.money import (
    MoneyError,
    allocate,
    allocate_units,
    euro,
    format_euro,
    round_half_up,
    to_decimal,
)

CENT = Decimal("0.01")

# --- rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),  # a float would give 2.67: 2.675 is 2.67499999... in binary
        ("-0.005", "-0.01"),
        ("-2.675", "-2.68"),
        ("0.8969", "0.90"),
        ("1.994", "1.99"),
        ("1.995", "2.00"),
        ("0.0049999", "0.00"),
        ("12", "12.00"),
        (Decimal("2.675"), "2.68"),
        (7, "7.00"),
    ],
)
def test_round_half_up(value, expected):
    result = round_half_up(value)
    assert result == Decimal(expected)
    assert str(result) == expected  # always two decimals


def test_round_half_up_other_places():
    assert round_half_up("2.5", 0) == Decimal("3")
    assert round_half_up("-2.5", 0) == Decimal("-3")
    assert round_half_up("1.23456", 4) == Decimal("1.2346")


@settings(max_examples=200)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6))
def test_rounding_is_half_up_and_symmetric(value):
    rounded = round_half_up(value)
    assert rounded == rounded.quantize(CENT)
    assert abs(rounded - value) <= Decimal("0.005")
    # Half up = away from zero at exactly .5, so negative amounts mirror positive ones.
    assert round_half_up(-value) == -rounded
    # Independent definition for non-negative values: floor(x * 100 + 1/2) / 100.
    x = Fraction(abs(value))
    expected = Fraction(int(x * 100 + Fraction(1, 2)), 100)
    assert Fraction(abs(rounded)) == expected


def test_euro_rounds_once():
    assert euro(Decimal("0.90") * 17081507) == Decimal("15373356.30")
    assert euro("0.125") == Decimal("0.13")


# --- input -----------------------------------------------------------------------------------


def test_floats_are_refused():
    with pytest.raises(MoneyError):
        to_decimal(0.1)
    with pytest.raises(MoneyError):
        round_half_up(2.675)
    with pytest.raises(MoneyError):
        allocate(1.0, {"a": 1})
    with pytest.raises(MoneyError):
        allocate("1.00", {"a": 0.5, "b": 0.5})
    with pytest.raises(MoneyError):
        allocate_units(10, {"a": 0.5})
    with pytest.raises(MoneyError):
        to_decimal(True)


@pytest.mark.parametrize("bad", ["abc", "", "1,5", "NaN", "Infinity", "-inf", None, [1]])
def test_non_amounts_are_refused(bad):
    with pytest.raises(MoneyError):
        to_decimal(bad)


def test_strings_with_spaces_are_read():
    assert to_decimal(" 1 234.50 ") == Decimal("1234.50")
    assert to_decimal("1\u00a0000") == Decimal("1000")


# --- Dutch notation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1234567.891", "€ 1.234.567,89"),
        ("-0.5", "€ -0,50"),
        (0, "€ 0,00"),
        ("0.005", "€ 0,01"),
        ("-0.004", "€ 0,00"),  # rounds to zero: no minus sign
        (Decimal("-0.00"), "€ 0,00"),
        ("999.995", "€ 1.000,00"),
        ("100", "€ 100,00"),
        ("1000", "€ 1.000,00"),
        ("-1234.5", "€ -1.234,50"),
        ("1000000000", "€ 1.000.000.000,00"),
    ],
)
def test_format_euro_dutch(value, expected):
    assert format_euro(value) == expected


@settings(max_examples=200)
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=3))
def test_format_euro_reads_back_as_the_rounded_amount(value):
    text = format_euro(value)
    assert text.startswith("€ ")
    number = text[2:]
    whole, _, cents = number.partition(",")
    assert len(cents) == 2
    groups = whole.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert Decimal(number.replace(".", "").replace(",", ".")) == euro(value)


# --- allocation: examples --------------------------------------------------------------------


def test_allocation_example_and_tie_break_by_key():
    assert allocate("100.00", {"b": 1, "a": 1, "c": 1}) == {
        "a": Decimal("33.34"),
        "b": Decimal("33.33"),
        "c": Decimal("33.33"),
    }
    assert allocate("0.01", {"GM0599": 1, "GM0363": 1}) == {
        "GM0363": Decimal("0.01"),
        "GM0599": Decimal("0.00"),
    }
    assert allocate("0.02", {"c": 5, "b": 5, "a": 5}) == {
        "a": Decimal("0.01"),
        "b": Decimal("0.01"),
        "c": Decimal("0.00"),
    }


def test_tie_break_compares_keys_as_strings():
    # "10" < "9" as strings, so key 10 gets the extra cent even though 9 < 10 as numbers.
    assert allocate("0.01", {9: 1, 10: 1}) == {9: Decimal("0.00"), 10: Decimal("0.01")}


def test_the_left_over_cent_goes_to_the_largest_remainder_not_the_largest_weight():
    # 0.03 over 3:1 -> exact 2.25 and 0.75 cents: floors 2 + 0, the cent goes to b (.75 > .25).
    assert allocate("0.03", {"a": 3, "b": 1}) == {"a": Decimal("0.02"), "b": Decimal("0.01")}
    # 1.05 over 2:1 -> exact 0.70 and 0.35: nothing left over.
    assert allocate("1.05", {"a": 2, "b": 1}) == {"a": Decimal("0.70"), "b": Decimal("0.35")}
    # 1.00 over 2:1 -> floors 0.66 + 0.33, the cent goes to a (.67 > .33).
    assert allocate("1.00", {"a": 2, "b": 1}) == {"a": Decimal("0.67"), "b": Decimal("0.33")}


def test_negative_totals_mirror_the_positive_allocation():
    assert allocate("-100.00", {"b": 1, "a": 1, "c": 1}) == {
        "a": Decimal("-33.34"),
        "b": Decimal("-33.33"),
        "c": Decimal("-33.33"),
    }
    parts = allocate("-1.00", {"a": 1, "nul": 0})
    assert parts == {"a": Decimal("-1.00"), "nul": Decimal("0.00")}
    assert str(parts["nul"]) == "0.00"  # no "-0.00" in exports


def test_zero_weights_get_nothing_and_zero_total_gives_zeros():
    assert allocate("10.00", {"a": 0, "b": 3, "c": 1}) == {
        "a": Decimal("0.00"),
        "b": Decimal("7.50"),
        "c": Decimal("2.50"),
    }
    assert allocate("0.00", {"a": 1, "b": 2}) == {"a": Decimal("0.00"), "b": Decimal("0.00")}


def test_decimal_and_string_weights():
    assert allocate("1.00", {"a": "0.5", "b": Decimal("1.5")}) == {
        "a": Decimal("0.25"),
        "b": Decimal("0.75"),
    }


def test_allocation_refuses_bad_input():
    with pytest.raises(MoneyError):
        allocate("1.00", {"a": 0, "b": 0})
    with pytest.raises(MoneyError):
        allocate("1.00", {"a": -1, "b": 2})
    with pytest.raises(MoneyError):
        allocate("1.001", {"a": 1})
    with pytest.raises(MoneyError):
        allocate("1.00", {})
    with pytest.raises(MoneyError):
        allocate("abc", {"a": 1})
    with pytest.raises(MoneyError):
        allocate_units(3, {"a": 0})


def test_unit_allocation_examples():
    assert allocate_units(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert allocate_units(0, {"a": 1}) == {"a": 0}
    parts = allocate_units(10746, {"GM1949": 1878, "GM0080": 3394, "GM1900": 5411})
    assert parts == {"GM1949": 1889, "GM0080": 3414, "GM1900": 5443}


# --- allocation: properties ------------------------------------------------------------------


def exact_share(total, weights, key) -> Fraction:
    weight_sum = sum(Fraction(to_decimal(w)) for w in weights.values())
    return Fraction(to_decimal(total)) * Fraction(to_decimal(weights[key])) / weight_sum


amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2)
keys = st.text(alphabet="GM0123456789", min_size=1, max_size=6)
weights = st.dictionaries(
    keys, st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=30
).filter(lambda w: sum(w.values()) > 0)
decimal_weights = st.dictionaries(
    keys,
    st.decimals(min_value=0, max_value=Decimal("100000"), places=6),
    min_size=1,
    max_size=12,
).filter(lambda w: sum(w.values()) > 0)


@settings(max_examples=200)
@given(amounts, st.one_of(weights, decimal_weights))
def test_parts_always_sum_to_the_whole_and_stay_within_a_cent(total, w):
    parts = allocate(total, w)
    assert set(parts) == set(w)
    assert sum(parts.values()) == total
    for key, part in parts.items():
        assert part == part.quantize(CENT)
        assert abs(Fraction(part) - exact_share(total, w, key)) < Fraction(1, 100)
        if w[key] == 0:
            assert part == 0


@settings(max_examples=200)
@given(amounts, weights, st.randoms(use_true_random=False))
def test_allocation_is_deterministic_whatever_the_order(total, w, rnd):
    parts = allocate(total, w)
    items = list(w.items())
    rnd.shuffle(items)
    assert allocate(total, dict(items)) == parts
    assert allocate(str(total), w) == parts  # the same amount as text


@settings(max_examples=200)
@given(amounts, weights)
def test_negative_total_is_the_mirror_image(total, w):
    parts = allocate(total, w)
    mirrored = allocate(-total, w)
    assert mirrored == {key: -part for key, part in parts.items()}
    assert not any(str(part).startswith("-0.00") for part in {**parts, **mirrored}.values())


@settings(max_examples=200)
@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=2),
    st.lists(keys, min_size=2, max_size=10, unique=True),
    st.integers(min_value=1, max_value=1000),
)
def test_equal_weights_tie_break_by_key(total, names, weight):
    parts = allocate(total, dict.fromkeys(names, weight))
    ordered = [parts[name] for name in sorted(names, key=str)]
    # The extra cents go to the first keys: parts never increase along the key order, and
    # differ by at most one cent.
    assert ordered == sorted(ordered, reverse=True)
    assert max(ordered) - min(ordered) <= CENT


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**7), weights)
def test_unit_allocation_preserves_counts(total, w):
    parts = allocate_units(total, w)
    assert sum(parts.values()) == total
    assert all(isinstance(v, int) and v >= 0 for v in parts.values())
    for key, part in parts.items():
        assert abs(part - exact_share(total, w, key)) < 1


def _reference_allocation(total: Decimal, w: dict) -> dict:
    """Largest remainder in exact fractions, ties by key as strings (the documented method);
    a negative total is the mirror image of the positive one."""
    if total < 0:
        return {k: -v for k, v in _reference_allocation(-total, w).items()}
    units = int(total * 100)
    weight_sum = sum(Fraction(v) for v in w.values())
    exact = {k: units * Fraction(v) / weight_sum for k, v in w.items()}
    parts = {k: int(x) for k, x in exact.items()}
    order = sorted(w, key=lambda k: (-(exact[k] - parts[k]), str(k)))
    for k in order[: units - sum(parts.values())]:
        parts[k] += 1
    return {k: Decimal(p) / 100 for k, p in parts.items()}


@settings(max_examples=300)
@given(amounts, weights)
def test_whole_number_weights_use_the_exact_integer_path(total, w):
    """Budgets in whole euros take an integer fast path: it gives exactly the documented
    largest-remainder result (checked against exact fractions)."""
    assert allocate(total, w) == _reference_allocation(total, w)
    as_decimals = {k: Decimal(v).quantize(Decimal("0.01")) for k, v in w.items()}
    assert allocate(total, as_decimals) == _reference_allocation(total, w)


# ---------------------------------------------------------------- Dutch amounts (issue 13)

from samen.core.money import format_number, parse_amount  # noqa: E402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.250.000,00", "1250000.00"),
        ("1000,50", "1000.50"),
        ("12,50", "12.50"),
        ("1250000.00", "1250000.00"),
        ("€ 1.250.000,00", "1250000.00"),
        ("1.250.000", "1250000"),
        ("1250", "1250"),
    ],
)
def test_parse_amount_reads_the_dutch_way(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,250.00", "abc", "1e30", "", "²²", "0,001", "-5", "NaN"])
def test_parse_amount_refuses(text):
    with pytest.raises(MoneyError):
        parse_amount(text)


def test_an_ambiguous_amount_asks_for_both_notations():
    with pytest.raises(MoneyError) as info:
        parse_amount("1.250")
    assert "1.250,00" in str(info.value) and "1250" in str(info.value)


def test_format_number_and_euro_the_dutch_way():
    assert format_euro(Decimal("1250000")) == "€ 1.250.000,00"
    assert format_number(Decimal("1216666.666"), 2) == "1.216.666,67"
    assert format_number(Decimal("0.44060"), 4) == "0,4406"
    assert format_number(1234567) == "1.234.567"
