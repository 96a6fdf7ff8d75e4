"""The tariff arithmetic of the seed (pure, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samen.abonnementen import kenmerk, tarieven

pytestmark = pytest.mark.sqlite

BUDGETS = {
    "vertrouwenswerk": Decimal("7500000"),
    "kindertelefoon": Decimal("3830000"),
    "luisterend-oor": Decimal("3940000"),
    "beheer": Decimal("50000"),
}


def test_the_seeds_derivation_gives_0_8969_rounded_to_0_90():
    a = tarieven.derivation(Decimal("15320000"), 17_081_507)
    assert a.exact == Decimal("0.8969")
    assert a.afgerond == Decimal("0.90")


def test_budget_weighted_shares_of_0_90_are_the_issues_figures():
    shares = tarieven.shares(Decimal("0.90"), BUDGETS)
    assert shares == {
        "vertrouwenswerk": Decimal("0.4406"),
        "kindertelefoon": Decimal("0.2250"),
        "luisterend-oor": Decimal("0.2315"),
        "beheer": Decimal("0.0029"),
    }


def test_exempt_from_luisterend_oor_pays_0_67():
    assert tarieven.exempt_price(Decimal("0.90"), BUDGETS, ["luisterend-oor"]) == Decimal("0.67")
    # exempt from two services: each share is rounded on its own
    both = tarieven.exempt_price(Decimal("0.90"), BUDGETS, ["luisterend-oor", "kindertelefoon"])
    assert both == Decimal("0.90") - Decimal("0.23") - Decimal("0.23")


def test_indexation_multiplies_without_rounding_on_the_way():
    indices = {2018: Decimal("0.4"), 2019: Decimal("0.4"), 2020: Decimal("0.4")}
    # rounding every year would stay at 0.90 (0.9036 -> 0.90 each time); the exact product
    # 0.90 x 1.004^3 = 0.910843... gives 0.91
    assert tarieven.indexed_tariff(Decimal("0.90"), indices, 2018, 2020) == Decimal("0.91")
    yearly = Decimal("0.90")
    for t in (2018, 2019, 2020):
        yearly = tarieven.round_half_up(yearly * (1 + indices[t] / 100), 2)
    assert yearly == Decimal("0.90")


def test_index_missing_for_a_year_is_named():
    with pytest.raises(tarieven.TariffError, match="2019"):
        tarieven.indexed_tariff(Decimal("0.90"), {2018: 1, 2020: 1}, 2018, 2020)
    with pytest.raises(tarieven.TariffError, match="voor het eerste jaar"):
        tarieven.index_factor({}, 2018, 2017)


def test_invoice_lines_never_come_from_cents_times_inhabitants():
    total = tarieven.invoice_total(10_000, Decimal("0.90"))
    lines = tarieven.invoice_lines(total, BUDGETS, BUDGETS)
    assert sum(lines.values()) == total == Decimal("9000.00")
    # 0.29 cent x 10,000 inhabitants would be 29.00 from the seed's cents; the budget weight
    # of beheer (50,000 / 15,320,000) gives 29.37
    assert lines["beheer"] == Decimal("29.37")


def test_covering_tariff_when_some_do_not_pay():
    rows, total = tarieven.covering_tariff(
        {"a": Decimal("100.00"), "b": Decimal("50.00")}, {"a": 300, "b": 200}
    )
    assert [r.nodig_afgerond for r in rows] == [Decimal("0.34"), Decimal("0.25")]
    assert total == Decimal("0.59")
    with pytest.raises(tarieven.TariffError):
        tarieven.covering_tariff({"a": Decimal("1")}, {"a": 0})


@given(
    inwoners=st.integers(min_value=0, max_value=5_000_000),
    cents=st.integers(min_value=1, max_value=500),
    paid=st.sets(st.sampled_from(sorted(BUDGETS)), min_size=1),
)
def test_lines_always_add_up_to_inhabitants_times_price(inwoners, cents, paid):
    price = Decimal(cents) / 100
    total = tarieven.invoice_total(inwoners, price)
    assert total == Decimal(inwoners) * price
    lines = tarieven.invoice_lines(total, BUDGETS, paid)
    assert set(lines) == paid
    assert sum(lines.values()) == total
    assert all(line >= 0 for line in lines.values())


@given(tariff_cents=st.integers(min_value=1, max_value=1000))
def test_exempt_price_is_never_negative_and_never_above_the_tariff(tariff_cents):
    tariff = Decimal(tariff_cents) / 100
    for code in BUDGETS:
        price = tarieven.exempt_price(tariff, BUDGETS, [code])
        assert Decimal(0) <= price <= tariff


def test_payment_reference_has_a_valid_check_digit():
    ref = kenmerk.betalingskenmerk(2018, 42)
    assert len(ref) == 16 and ref.isdigit()
    assert kenmerk.is_valid(ref)
    assert kenmerk.parse(ref) == (2018, 0, 42)
    wrong = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    assert not kenmerk.is_valid(wrong)
    assert kenmerk.parse("123") is None


def test_the_office_reference_is_unchanged_by_the_series_code():
    """Issued office invoices keep their reference: year + the number in 11 digits."""
    ref = kenmerk.betalingskenmerk(2018, 42)
    assert ref[1:] == "201800000000042"
    assert ref == kenmerk.betalingskenmerk(2018, 42, "")


@given(
    jaar=st.integers(2000, 2100),
    nummer=st.integers(1, 10**9 - 1),
    reeks=st.sampled_from(["", "tolk", "vt", "regio-nl", "kantoor2"]),
)
def test_a_reference_names_year_series_and_number(jaar, nummer, reeks):
    ref = kenmerk.betalingskenmerk(jaar, nummer, reeks)
    assert kenmerk.is_valid(ref)
    assert kenmerk.parse(ref) == (jaar, kenmerk.series_code(reeks), nummer)
    if reeks:
        assert 1 <= kenmerk.series_code(reeks) <= 99
        assert ref != kenmerk.betalingskenmerk(jaar, nummer)
