"""The pure rules: size classes and the quorum (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samen.gremia import regels

pytestmark = pytest.mark.sqlite


@given(st.integers(min_value=0, max_value=2_000_000))
def test_size_class_is_monotone_and_bounded(inwoners):
    klasse = regels.grootteklasse(inwoners)
    assert klasse in regels.KLASSE_NAMEN
    assert regels.KLASSE_NAMEN.index(
        regels.grootteklasse(inwoners + 1)
    ) >= regels.KLASSE_NAMEN.index(klasse)


def test_size_class_bounds():
    assert regels.grootteklasse(19_999) == "klein"
    assert regels.grootteklasse(20_000) == "middelgroot"
    assert regels.grootteklasse(100_000) == "zeer-groot"
    with pytest.raises(ValueError):
        regels.grootteklasse(-1)


@given(st.integers(min_value=0, max_value=500))
def test_more_than_half_is_a_strict_majority(n):
    b = regels.benodigd("meer-dan-helft", None, n)
    assert 2 * b > n and 2 * (b - 1) <= n


@given(
    st.integers(min_value=0, max_value=500),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1), places=4),
)
def test_a_share_is_rounded_up_never_below_it(n, aandeel):
    b = regels.benodigd("aandeel", aandeel, n)
    assert b >= aandeel * n and (b - 1) < aandeel * n and b <= n


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50))
def test_quorum_met_exactly_when_enough_present(n, aanwezig):
    if aanwezig > n:
        with pytest.raises(ValueError):
            regels.quorum("geen", None, n, aanwezig)
        return
    q = regels.quorum("aantal", Decimal(3), n, aanwezig)
    assert q.gehaald == (aanwezig >= 3)


@pytest.mark.parametrize(
    "regel,waarde",
    [
        ("aandeel", Decimal(0)),
        ("aandeel", Decimal(2)),
        ("aantal", Decimal("1.5")),
        ("aantal", None),
        ("x", None),
    ],
)
def test_invalid_rules_refused(regel, waarde):
    with pytest.raises(ValueError):
        regels.benodigd(regel, waarde, 5)
