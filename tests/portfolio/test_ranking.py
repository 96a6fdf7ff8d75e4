"""The pure ranking module: hand-computed cases and property tests against brute force."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.portfolio.ranking import rank, rank_bounds, weight_intervals


def brute_rank(scores, weights, key) -> int:
    total = {
        k: sum(Fraction(weights[c]) * Fraction(v[c]) for c in weights) for k, v in scores.items()
    }
    return 1 + sum(1 for k in scores if total[k] > total[key])


def rescaled(weights, c, t):
    W = sum(Fraction(v) for v in weights.values())
    rest = W - Fraction(weights[c])
    return {
        j: (Fraction(t) if j == c else Fraction(v) * (W - Fraction(t)) / rest)
        for j, v in weights.items()
    }


def test_competition_ranking_with_explicit_ties():
    scores = {
        "a": {"x": 3, "y": 3},
        "b": {"x": 3, "y": 3},
        "c": {"x": 1, "y": 1},
        "d": {"x": 5, "y": 5},
    }
    result = rank(scores, {"x": Decimal("1"), "y": Decimal("2")})
    assert [(r.key, r.rank) for r in result] == [("d", 1), ("a", 2), ("b", 2), ("c", 4)]
    assert result[1].tied == ("b",) and result[3].tied == ()
    assert result[0].total == Fraction(5)


def test_weighted_total_is_exact():
    scores = {"a": {"x": Decimal("4.5"), "y": 1}}
    (row,) = rank(scores, {"x": Decimal("0.3"), "y": Decimal("0.7")})
    assert row.total == Fraction(9, 2) * Fraction(3, 10) + Fraction(7, 10)


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"x": -1, "y": 1}, "negative"),
        ({"x": 0, "y": 0}, "zero"),
        ({}, "empty"),
        ({"x": 0.5, "y": 1}, "float"),
    ],
)
def test_invalid_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        rank({"a": {"x": 1, "y": 1}}, weights)


def test_missing_score_is_named():
    with pytest.raises(ValueError, match="a has no score for y"):
        rank({"a": {"x": 1}}, {"x": 1, "y": 1})


def test_hand_computed_interval():
    scores = {"a": {"x": 5, "y": 1}, "b": {"x": 1, "y": 5}, "c": {"x": 3, "y": 3}}
    intervals = weight_intervals(scores, {"x": 1, "y": 1})
    assert (intervals["a"]["x"].low, intervals["a"]["x"].high) == (1, 2)
    assert (intervals["c"]["x"].low, intervals["c"]["x"].high) == (1, 1)
    assert rank_bounds(scores, {"x": 1, "y": 1}, Decimal("0.1")) == {
        "a": (1, 3),
        "b": (1, 3),
        "c": (1, 3),
    }


def test_single_nonzero_weight_cannot_move():
    intervals = weight_intervals({"a": {"x": 1, "y": 2}}, {"x": 0, "y": 3})
    assert (intervals["a"]["y"].low, intervals["a"]["y"].high) == (3, 3)


small_scores = st.integers(min_value=1, max_value=5)


@st.composite
def problems(draw):
    m = draw(st.integers(min_value=2, max_value=4))
    n = draw(st.integers(min_value=2, max_value=6))
    criteria = [f"c{j}" for j in range(m)]
    weights = {c: draw(st.integers(min_value=0, max_value=4)) for c in criteria}
    if sum(weights.values()) == 0:
        weights[criteria[0]] = 1
    scores = {f"v{i}": {c: draw(small_scores) for c in criteria} for i in range(n)}
    return scores, weights


@settings(max_examples=80, deadline=None)
@given(problems())
def test_intervals_match_brute_force(problem):
    scores, weights = problem
    W = sum(weights.values())
    intervals = weight_intervals(scores, weights)
    for key in scores:
        current = brute_rank(scores, weights, key)
        for c in weights:
            iv = intervals[key][c]
            assert Fraction(0) <= iv.low <= Fraction(weights[c]) <= iv.high <= W
            if W - weights[c] == 0:
                assert iv.low == iv.high == W
                continue
            # inside: the rank is unchanged (sample the open interval finely)
            for step in range(1, 8):
                t = iv.low + (iv.high - iv.low) * Fraction(step, 8)
                assert brute_rank(scores, rescaled(weights, c, t), key) == current
            # at each finite inner boundary, or just beyond it, the rank differs
            eps = Fraction(1, 10**6)
            for edge, beyond in ((iv.high, iv.high + eps), (iv.low, iv.low - eps)):
                if 0 < edge < W:
                    at_edge = brute_rank(scores, rescaled(weights, c, edge), key)
                    past = brute_rank(scores, rescaled(weights, c, beyond), key)
                    assert at_edge != current or past != current


@settings(max_examples=150, deadline=None)
@given(problems(), st.sampled_from([Decimal("0.1"), Decimal("0.25"), Decimal("0.5")]))
def test_rank_bounds_match_corner_enumeration(problem, p):
    scores, weights = problem
    bounds = rank_bounds(scores, weights, p)
    criteria = list(weights)
    corners = []
    for signs in itertools.product((-1, 1), repeat=len(criteria)):
        corners.append(
            {
                c: max(Fraction(0), Fraction(weights[c]) * (1 + s * Fraction(p)))
                for c, s in zip(criteria, signs)
            }
        )
    for key in scores:
        always = sometimes = 0
        for other in scores:
            if other == key:
                continue
            diffs = []
            for w in corners:
                diffs.append(sum(w[c] * (scores[other][c] - scores[key][c]) for c in criteria))
            always += all(d > 0 for d in diffs)
            sometimes += any(d > 0 for d in diffs)
        assert bounds[key] == (1 + always, 1 + sometimes)
        current = brute_rank(scores, weights, key)
        assert bounds[key][0] <= current <= bounds[key][1]
        for w in corners:
            if sum(w.values()) > 0:
                assert bounds[key][0] <= brute_rank(scores, w, key) <= bounds[key][1]


def test_consistency_at_scale():
    import random

    rng = random.Random(7)
    criteria = [f"c{j}" for j in range(6)]
    scores = {f"v{i:03d}": {c: rng.randint(1, 5) for c in criteria} for i in range(300)}
    weights = {c: Decimal(rng.randint(1, 400)) / 100 for c in criteria}
    ranked = rank(scores, weights)
    bounds = rank_bounds(scores, weights, Decimal("0.1"))
    intervals = weight_intervals(scores, weights)
    for row in ranked:
        assert bounds[row.key][0] <= row.rank <= bounds[row.key][1]
        for c in criteria:
            assert Fraction(weights[c]) in intervals[row.key][c]


def test_huge_values_fall_back_to_exact_python_integers():
    big = Decimal(10) ** 15
    scores = {"a": {"x": big, "y": 1}, "b": {"x": 1, "y": big}, "c": {"x": big / 2, "y": big / 2}}
    weights = {"x": Decimal("1.000000001"), "y": Decimal(1)}
    ranked = rank(scores, weights)
    assert [r.key for r in ranked] == ["a", "c", "b"]
    bounds = rank_bounds(scores, weights, Decimal("0.5"))
    assert bounds["a"][0] == 1 and bounds["b"][1] == 3
    intervals = weight_intervals(scores, weights)
    assert Fraction(weights["x"]) in intervals["a"]["x"]
