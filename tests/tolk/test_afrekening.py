"""Settlement arithmetic (pure): the price of an assignment, statements, reconciliation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samen.tolk.afrekening import Regel, Tarief, price, reconcile, statements

TARIEF = Tarief(Decimal("60.00"), Decimal("45.00"), Decimal("0.23"))


def test_price_of_an_assignment():
    # 1.5 h x 60 + 50/60 h x 45 + 42.5 km x 0.23 = 90 + 37.50 + 9.775 -> 137.28 (half-up)
    assert price(Decimal("1.5"), 50, Decimal("42.5"), TARIEF) == Decimal("137.28")


def test_half_up_once_per_assignment():
    assert price(
        Decimal("0"), 0, Decimal("0.5"), Tarief(Decimal(0), Decimal(0), Decimal("0.025"))
    ) == Decimal("0.01")


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        price(Decimal("-1"), 0, Decimal(0), TARIEF)


regel = st.builds(
    Regel,
    referentie=st.text("ABCDEF0123456789", min_size=4, max_size=8),
    betaler=st.sampled_from(["gemeente", "uwv", "ocw"]),
    gemeente=st.sampled_from(["GM0363", "GM0344", None]),
    domein=st.sampled_from(["werk", "leef", "onderwijs"]),
    maand=st.sampled_from([(2026, 1), (2026, 2)]),
    bedrag=st.decimals(
        min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False
    ),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(regel, max_size=30))
def test_statement_totals_equal_the_sum_of_assignments(regels):
    result = statements(regels)
    assert sum((o.totaal for o in result), Decimal(0)) == sum(
        (r.bedrag for r in regels), Decimal(0)
    )
    assert sum(len(o.regels) for o in result) == len(regels)
    for o in result:
        assert o.totaal == sum((r.bedrag for r in o.regels), Decimal(0))
        assert all(
            (r.betaler, r.gemeente, r.domein, r.maand) == (o.betaler, o.gemeente, o.domein, o.maand)
            for r in o.regels
        )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(regel, max_size=40))
def test_invoicing_the_statements_reconciles_to_the_cent(regels):
    invoiced: dict = {}
    for o in statements(regels):
        key = (o.betaler, o.gemeente, o.maand)
        invoiced[key] = invoiced.get(key, Decimal(0)) + o.totaal
    assert reconcile(regels, invoiced) == {}


def test_reconcile_reports_a_missing_cent():
    r = Regel("A-1", "gemeente", "GM0363", "leef", (2026, 1), Decimal("10.00"))
    assert reconcile([r], {("gemeente", "GM0363", (2026, 1)): Decimal("9.99")}) == {
        ("gemeente", "GM0363", (2026, 1)): Decimal("0.01")
    }
