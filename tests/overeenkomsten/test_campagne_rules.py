"""The pure campaign arithmetic, with hypothesis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.overeenkomsten import campagne

pytestmark = pytest.mark.sqlite

STATUSES = st.sampled_from(list(campagne.RANG))
CODES = st.from_regex(r"GM[0-9]{4}", fullmatch=True)


@settings(deadline=None)
@given(st.dictionaries(CODES, STATUSES, max_size=60), st.integers(0, 900_000))
def test_tally_adds_up(statuses, pop):
    inwoners = {code: (pop + i * 7919) % 900_001 for i, code in enumerate(sorted(statuses))}
    t = campagne.tally(statuses, inwoners)
    assert t.aantal == len(statuses)
    assert t.inwoners == sum(inwoners.values())
    shares = [t.aandeel_aantal(g) for g in campagne.GROEPEN]
    if statuses:
        assert abs(sum(shares) - 100) <= Decimal("0.2")


@settings(deadline=None)
@given(st.lists(STATUSES, min_size=1, max_size=8))
def test_least_advanced_is_one_of_them_and_not_more_advanced(statuses):
    least = campagne.least_advanced(statuses)
    assert least in statuses
    assert all(campagne.RANG[least] <= campagne.RANG[s] for s in statuses)


@settings(deadline=None)
@given(STATUSES, STATUSES)
def test_forward_only(current, new):
    allowed = campagne.may_follow(current, new)
    if current in campagne.FINAAL:
        assert not allowed
    elif new == campagne.AFGEWEZEN:
        assert allowed
    else:
        assert allowed == (campagne.RANG[new] > campagne.RANG[current])
    assert campagne.may_follow(current, new, correctie=True) == (current != new)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.dates(dt.date(2017, 1, 1), dt.date(2017, 12, 31)), STATUSES), max_size=10
    ),
    st.dates(dt.date(2016, 12, 1), dt.date(2018, 1, 31)),
)
def test_status_on_is_the_last_row_on_or_before(history, datum):
    history = sorted(history, key=lambda r: r[0])
    expected = campagne.NIET_GESTART
    for when, status in history:
        if when <= datum:
            expected = status
    assert campagne.status_on(history, datum) == expected


@settings(deadline=None)
@given(st.dates(dt.date(2016, 1, 1), dt.date(2018, 1, 1)), st.integers(0, 400))
def test_weeks_start_and_end(start, days):
    end = start + dt.timedelta(days=days)
    w = campagne.weeks(start, end)
    assert w[0] == start and w[-1] == end
    assert all(b > a for a, b in zip(w, w[1:], strict=False))


@settings(deadline=None)
@given(
    st.integers(0, 10**9),
    st.integers(1, 10**7),
    st.decimals(Decimal("0.01"), Decimal("2"), places=4),
)
def test_coverage_never_exceeds_budget_and_adds_up(budget_cents, n, price):
    budget = Decimal(budget_cents) / 100
    [row] = campagne.coverage({"d": budget}, {"d": price}, {"d": n})
    assert Decimal(0) <= row.gedekt <= budget
    assert row.gedekt + row.tekort == budget


def test_threshold():
    assert campagne.threshold_met("geen", None, {}) is None
    assert campagne.threshold_met("inwoners", Decimal("50"), {"inwoners": Decimal("50.0")})
    assert not campagne.threshold_met("aantal", Decimal("50"), {"aantal": Decimal("49.9")})
    assert campagne.threshold_met("budget", Decimal("50"), {}) is None


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["GM0001", "GM0002", "GM0003"]),
            st.dates(dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
            STATUSES,
        ),
        max_size=20,
    ),
    st.lists(st.dates(dt.date(2016, 12, 1), dt.date(2018, 1, 31)), min_size=1, max_size=6),
)
def test_sweep_agrees_with_status_on(rows, dates):
    dates = sorted(dates)
    swept = campagne.sweep(rows, dates)
    for datum, known in zip(dates, swept, strict=True):
        for code in ("GM0001", "GM0002", "GM0003"):
            history = [(d, s) for c, d, s in rows if c == code]
            history = sorted(history, key=lambda r: r[0])  # stable: recorded order per date
            assert known.get(code, campagne.NIET_GESTART) == campagne.status_on(history, datum)
