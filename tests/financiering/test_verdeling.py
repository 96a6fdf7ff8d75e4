"""The allocation key's shares are exact: they always add up to the budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samen.financiering.verdeling import key_shares, region_shares

pytestmark = pytest.mark.sqlite

codes = st.text("abcdefgh", min_size=1, max_size=4)


@given(
    budget=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000000"), places=2),
    inwoners=st.dictionaries(codes, st.integers(1, 2_000_000), min_size=1, max_size=40),
    data=st.data(),
)
def test_shares_always_add_up_to_the_budget(budget, inwoners, data):
    extra = data.draw(
        st.dictionaries(st.sampled_from(sorted(inwoners)), st.integers(0, 500_000), max_size=5)
    )
    aandelen = key_shares(budget, inwoners, extra)
    assert sum(a.bedrag for a in aandelen) == budget
    total_key = sum(a.sleutel for a in aandelen)
    for a in aandelen:
        assert a.sleutel == inwoners[a.code] + extra.get(a.code, 0)
        assert abs(a.bedrag - budget * a.sleutel / total_key) < Decimal("0.01")


def test_extra_weight_raises_the_share():
    plain = {a.code: a.bedrag for a in key_shares(Decimal("90.00"), {"a": 1, "b": 1, "c": 1})}
    weighted = {
        a.code: a.bedrag for a in key_shares(Decimal("90.00"), {"a": 1, "b": 1, "c": 1}, {"a": 1})
    }
    assert plain == {"a": Decimal("30.00"), "b": Decimal("30.00"), "c": Decimal("30.00")}
    assert weighted["a"] == Decimal("45.00")


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        key_shares(Decimal("1.00"), {"a": 1}, {"x": 1})
    with pytest.raises(ValueError):
        key_shares(Decimal("1.00"), {"a": -1})


def test_region_by_population():
    shares = region_shares(Decimal("100.00"), {"a": 3, "b": 1})
    assert [s.bedrag for s in shares] == [Decimal("75.00"), Decimal("25.00")]
