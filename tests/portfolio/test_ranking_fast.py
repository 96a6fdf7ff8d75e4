"""The fast weight-interval path (vectors for the signs, float blocks for the candidates, exact
integers for the choice; issue 17) gives exactly the intervals of the all-matrix path."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from samen.portfolio import ranking

scores_st = st.sampled_from([0, 1, 2, 3, 5, Decimal("2.5")])


@settings(max_examples=200, deadline=None)
@given(
    data=st.integers(1, 4).flatmap(
        lambda m: st.tuples(
            st.lists(st.lists(scores_st, min_size=m, max_size=m), min_size=1, max_size=30),
            st.lists(st.integers(0, 500), min_size=m, max_size=m).filter(lambda w: sum(w) > 0),
        )
    )
)
def test_fast_intervals_equal_the_matrix_path(data):
    rows, ws = data
    criteria = [f"c{j}" for j in range(len(ws))]
    scores = {f"v{i:02d}": dict(zip(criteria, row, strict=True)) for i, row in enumerate(rows)}
    weights = {c: Decimal(w) / 100 for c, w in zip(criteria, ws, strict=True)}
    fast = ranking.weight_intervals(scores, weights)
    original = ranking._float_exact
    ranking._float_exact = lambda *vectors: False
    try:
        slow = ranking.weight_intervals(scores, weights)
    finally:
        ranking._float_exact = original
    assert fast == slow
