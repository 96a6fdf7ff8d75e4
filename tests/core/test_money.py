"""Money: Decimal, half-up rounding and the total-preserving allocation (property-tested)."""

from __future__ import annotations

from decimal import Decimal

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


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        ("0.8969", "0.90"),
        ("1.994", "1.99"),
    ],
)
def test_round_half_up(value, expected):
    assert round_half_up(value) == Decimal(expected)


def test_floats_are_refused():
    with pytest.raises(MoneyError):
        to_decimal(0.1)
    with pytest.raises(MoneyError):
        allocate("1.00", {"a": 0.5, "b": 0.5})
    with pytest.raises(MoneyError):
        to_decimal("abc")


def test_format_euro_dutch():
    assert format_euro("1234567.891") == "€ 1.234.567,89"
    assert format_euro("-0.5") == "€ -0,50"
    assert format_euro(0) == "€ 0,00"


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


def test_allocation_refuses_bad_weights():
    with pytest.raises(MoneyError):
        allocate("1.00", {"a": 0, "b": 0})
    with pytest.raises(MoneyError):
        allocate("1.00", {"a": -1, "b": 2})
    with pytest.raises(MoneyError):
        allocate("1.001", {"a": 1})
    with pytest.raises(MoneyError):
        allocate("1.00", {})


amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2)
weights = st.dictionaries(
    st.text(alphabet="GM0123456789", min_size=1, max_size=6),
    st.integers(min_value=0, max_value=1_000_000),
    min_size=1,
    max_size=30,
).filter(lambda w: sum(w.values()) > 0)


@settings(max_examples=300)
@given(amounts, weights)
def test_parts_always_sum_to_the_whole_and_stay_within_a_cent(total, w):
    parts = allocate(total, w)
    assert sum(parts.values()) == total
    weight_sum = sum(w.values())
    for key, part in parts.items():
        exact = total * Decimal(w[key]) / Decimal(weight_sum)
        assert abs(part - exact) < Decimal("0.01")
        assert part == part.quantize(Decimal("0.01"))
    assert allocate(total, dict(reversed(list(w.items())))) == parts  # order does not matter


@settings(max_examples=100)
@given(st.integers(min_value=0, max_value=10**7), weights)
def test_unit_allocation_preserves_counts(total, w):
    parts = allocate_units(total, w)
    assert sum(parts.values()) == total
    assert all(isinstance(v, int) and v >= 0 for v in parts.values())


def test_euro_rounds_once():
    assert euro(Decimal("0.90") * 17081507) == Decimal("15373356.30")
