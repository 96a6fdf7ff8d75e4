"""Ranking and sensitivity of the duidingsmethodiek (pure: no Django).

Inputs are exact: scores and weights are Decimal, int or Fraction. Internally they are scaled to
integers (a common denominator), so every comparison is exact; results are Fractions.

Conventions
- The total of an item is sum_j w_j * s_j / sum_j w_j (a weighted average on the score scale).
- Competition ranking: rank = 1 + the number of items with a strictly higher total; equal
  totals share the best rank (1, 2, 2, 4) and list each other in ``tied``.
- ``weight_intervals``: for item i and criterion c, the weight t of c is moved over [0, W]
  (W = the sum of the weights) while the other weights are rescaled proportionally so the sum
  stays W. The result is the infimum and supremum of the connected set of t around the current
  weight on which i keeps exactly its current rank. At a boundary strictly inside (0, W), or
  just beyond it, the rank differs (a tie at the boundary point itself counts: tied items do not
  beat each other).
  When every other weight is zero the weight cannot move with the sum fixed: [W, W].
- ``rank_bounds``: each weight may move independently within [w(1-p), w(1+p)] (not below 0),
  then the weights are renormalised (which does not change any comparison). best = 1 + the
  number of items that beat i (strictly higher total) under every such weighting; worst = 1 +
  the number that beat it under at least one. A tie never counts as beating.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Generic, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Hashable)

INT64_SAFE = 2**62
FLOAT_EXACT = 2**52  # integers below this are exact in a float, and so are their differences


@dataclass(frozen=True)
class Ranked(Generic[K]):
    key: K
    total: Fraction
    rank: int
    tied: tuple[K, ...]


@dataclass(frozen=True)
class Interval:
    low: Fraction
    high: Fraction

    def __contains__(self, value: Fraction | Decimal | int | str) -> bool:
        return self.low <= Fraction(value) <= self.high


def _fraction(value: object, what: str) -> Fraction:
    if isinstance(value, bool | float):
        raise ValueError(f"{what}: use Decimal, int or Fraction, not {type(value).__name__}")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what}: not a finite number")
        return Fraction(value)
    raise ValueError(f"{what}: not a number: {value!r}")


@dataclass
class _Problem:
    keys: list[Any]
    criteria: list[Any]
    scores: np.ndarray  # n x m integers (object or int64)
    weights: np.ndarray  # m integers
    score_den: int
    weight_den: Fraction


def _prepare(scores: Mapping[Any, Mapping[Any, object]], weights: Mapping[Any, object]) -> _Problem:
    if not weights:
        raise ValueError("no criteria: the weights are empty")
    criteria = sorted(weights, key=str)
    w = {c: _fraction(weights[c], f"weight of {c}") for c in criteria}
    for c, value in w.items():
        if value < 0:
            raise ValueError(f"weight of {c} is negative: {value}")
    if sum(w.values()) == 0:
        raise ValueError("the weights add up to zero")
    keys = sorted(scores, key=str)
    s: dict[Any, list[Fraction]] = {}
    for key in keys:
        row = scores[key]
        missing = [c for c in criteria if c not in row]
        if missing:
            raise ValueError(f"{key} has no score for {', '.join(map(str, missing))}")
        extra = [c for c in row if c not in w]
        if extra:
            raise ValueError(f"{key} has a score for unknown criteria {', '.join(map(str, extra))}")
        s[key] = [_fraction(row[c], f"score of {key} on {c}") for c in criteria]
    weight_lcm = math.lcm(*(v.denominator for v in w.values()))
    score_den = math.lcm(1, *(v.denominator for row in s.values() for v in row))
    wi = [int(v * weight_lcm) for v in w.values()]
    g = math.gcd(*wi) or 1
    wi = [v // g for v in wi]
    weight_den = Fraction(weight_lcm, g)
    si = [[int(v * score_den) for v in s[key]] for key in keys]
    biggest = max([abs(v) for row in si for v in row] + [1]) * max(sum(wi), 1)
    # The sensitivity arithmetic multiplies up to three such magnitudes.
    dtype = np.int64 if biggest**2 * max(sum(wi), 1) * 4 < INT64_SAFE else object
    return _Problem(
        keys,
        criteria,
        np.array(si, dtype=dtype).reshape(len(keys), len(criteria)),
        np.array(wi, dtype=dtype),
        score_den,
        weight_den,
    )


def _totals(p: _Problem) -> np.ndarray:
    totals: np.ndarray = p.scores @ p.weights
    return totals


def rank(scores: Mapping[K, Mapping[C, object]], weights: Mapping[C, object]) -> list[Ranked[K]]:
    """The items ranked by weighted total (competition ranking, ties explicit)."""
    p = _prepare(scores, weights)
    totals = _totals(p)
    W = int(p.weights.sum())
    if totals.dtype.kind == "O":
        order = sorted(range(len(p.keys)), key=lambda i: (-int(totals[i]), i))
    else:
        order = np.argsort(-totals, kind="stable").tolist()  # keys are already sorted
    result: list[Ranked[K]] = []
    position = 0
    values = [int(totals[i]) for i in order]
    while position < len(order):
        value = values[position]
        end = position
        while end < len(order) and values[end] == value:
            end += 1
        group = order[position:end]
        for i in group:
            result.append(
                Ranked(
                    key=p.keys[i],
                    total=Fraction(value, W * p.score_den),
                    rank=position + 1,
                    tied=tuple(p.keys[j] for j in group if j != i),
                )
            )
        position += len(group)
    return result


def _extreme_roots(
    roots: np.ndarray, a: np.ndarray, b: np.ndarray, mask: np.ndarray, pick_min: bool
) -> list[tuple[int, int] | None]:
    """Per row i, the exact min (or max) of -beta/alpha = (b_i - b_k)/(a_k - a_i) over the
    masked columns k as a pair (numerator, positive denominator), or None. Floats find the
    candidates; exact integer cross-multiplication decides among them."""
    n = a.shape[0]
    fill = np.inf if pick_min else -np.inf
    masked = np.where(mask, roots, fill)
    best = masked.min(axis=1) if pick_min else masked.max(axis=1)
    finite = np.isfinite(best)
    tol = np.where(finite, np.abs(best) * 1e-9 + 1e-12, 0.0)
    if pick_min:
        near = mask & (masked <= (best + tol)[:, None])
    else:
        near = mask & (masked >= (best - tol)[:, None])
    rows, cols = np.nonzero(near)
    best_pair: list[tuple[int, int] | None] = [None] * n
    av, bv = a.tolist(), b.tolist()
    nb = [bv[i] - bv[k] for i, k in zip(rows.tolist(), cols.tolist(), strict=True)]
    al = [av[k] - av[i] for i, k in zip(rows.tolist(), cols.tolist(), strict=True)]
    for i, num, den in zip(rows.tolist(), nb, al, strict=True):
        if den < 0:
            num, den = -num, -den
        current = best_pair[i]
        if current is None:
            best_pair[i] = (num, den)
            continue
        # exact comparison of num/den with current[0]/current[1] (denominators positive)
        smaller = num * current[1] < current[0] * den
        if smaller if pick_min else (num * current[1] > current[0] * den):
            best_pair[i] = (num, den)
    return best_pair


def _float_exact(*vectors: np.ndarray) -> bool:
    return all(int(np.abs(v).max(initial=0)) < FLOAT_EXACT for v in vectors)


def _event_bounds(
    a: np.ndarray, b: np.ndarray, f0: np.ndarray, wc: int, block: int = 256
) -> tuple[list[tuple[int, int] | None], list[tuple[int, int] | None]]:
    """Per item i, the nearest root after t0 (right event) and before it (left event) as exact
    pairs, for integer vectors small enough that a float holds them and their differences
    exactly. With D = f0_i - f0_k and A = a_k - a_i, the root is t0 + D/A: a right event is
    D/A > 0, or D = 0 (tied at t0) with A > 0; a left event D/A < 0, or D = 0 with A < 0. Ties
    are found on the vector (the root is t0 itself); the rest from D/A in floats over blocks of
    rows (kept in cache), the candidates within a tolerance decided exactly."""
    n = a.shape[0]
    av, bv, fv = a.tolist(), b.tolist(), f0.tolist()
    highs: list[tuple[int, int] | None] = [None] * n
    lows: list[tuple[int, int] | None] = [None] * n
    groups: dict[int, list[int]] = {}
    for i, value in enumerate(fv):
        groups.setdefault(value, []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        top, bottom = max(av[i] for i in members), min(av[i] for i in members)
        for i in members:
            if av[i] < top:
                highs[i] = (wc, 1)
            if av[i] > bottom:
                lows[i] = (wc, 1)
    af, ff = a.astype(float), f0.astype(float)
    for start in range(0, n, block):
        stop = min(start + block, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = (ff[start:stop, None] - ff[None, :]) / (af[None, :] - af[start:stop, None])
        for pick_min, found in ((True, highs), (False, lows)):
            if pick_min:
                masked = np.where(d > 0, d, np.inf)
                best = masked.min(axis=1)
            else:
                masked = np.where(d < 0, d, -np.inf)
                best = masked.max(axis=1)
            usable = np.isfinite(best)
            tol = np.where(usable, np.abs(best) * 1e-9 + 1e-300, 0.0)
            if pick_min:
                near = (masked <= (best + tol)[:, None]) & usable[:, None]
            else:
                near = (masked >= (best - tol)[:, None]) & usable[:, None]
            rows, cols = np.nonzero(near)
            chosen: dict[int, tuple[int, int]] = {}  # the distance D/A, exact
            chosen_root: dict[int, tuple[int, int]] = {}  # the root itself, exact
            for r, k in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if found[i] is not None:
                    continue  # tied at t0: the root is t0 itself
                num, den = fv[i] - fv[k], av[k] - av[i]  # D/A, the distance from t0
                if den < 0:
                    num, den = -num, -den
                current = chosen.get(i)
                if current is not None:
                    if pick_min and not num * current[1] < current[0] * den:
                        continue
                    if not pick_min and not num * current[1] > current[0] * den:
                        continue
                chosen[i] = (num, den)
                root_num, root_den = bv[i] - bv[k], av[k] - av[i]
                chosen_root[i] = (-root_num, -root_den) if root_den < 0 else (root_num, root_den)
            for i, pair in chosen_root.items():
                found[i] = pair
    return highs, lows


def weight_intervals(
    scores: Mapping[K, Mapping[C, object]], weights: Mapping[C, object]
) -> dict[K, dict[C, Interval]]:
    """Per item and criterion, the interval of that criterion's weight within which the item
    keeps its rank (the other weights rescaled proportionally; see the module docstring)."""
    p = _prepare(scores, weights)
    n, m = p.scores.shape
    W = int(p.weights.sum())
    totals = _totals(p)
    scale = p.weight_den
    result: dict[K, dict[C, Interval]] = {key: {} for key in p.keys}
    for c in range(m):
        wc = int(p.weights[c])
        crit = p.criteria[c]
        if W - wc == 0:
            for key in p.keys:
                result[key][crit] = Interval(Fraction(W) / scale, Fraction(W) / scale)
            continue
        rest = totals - p.weights[c] * p.scores[:, c]  # R_k
        a = p.scores[:, c] * (W - wc) - rest  # f_k(t) = a_k t + b_k (times W - w_c > 0)
        b = rest * W
        # row i: g_k(t) = f_k(t) - f_i(t) = alpha t + beta with alpha = a_k - a_i and
        # beta = b_k - b_i; the signs are decided on vectors (exact), only the roots are
        # matrices. g_k(t0) <= 0  <=>  f_k(t0) <= f_i(t0).
        f0 = a * wc + b
        if a.dtype.kind != "O" and _float_exact(a, f0):
            highs, lows = _event_bounds(a, b, f0, wc)
        else:
            le = f0[None, :] <= f0[:, None]
            pos = a[None, :] > a[:, None]
            neg = a[None, :] < a[:, None]
            # root r = -beta/alpha. Right events: r > t0, or r == t0 where k starts to beat i.
            right = (pos & le) | (neg & ~le)
            # Left events: r < t0, or r == t0 where k beats i just below t0.
            left = (neg & le) | (pos & ~le)
            with np.errstate(divide="ignore", invalid="ignore"):
                roots = (b[:, None] - b[None, :]).astype(float) / (a[None, :] - a[:, None]).astype(
                    float
                )
            highs = _extreme_roots(roots, a, b, right, pick_min=True)
            lows = _extreme_roots(roots, a, b, left, pick_min=False)
        sn, sd = scale.numerator, scale.denominator
        for i, key in enumerate(p.keys):
            hp, lp = highs[i], lows[i]
            # clamp to [0, W] with integers, then one exact Fraction per bound (divided by scale)
            high_num, high_den = (W, 1) if hp is None or hp[0] > W * hp[1] else hp
            low_num, low_den = (0, 1) if lp is None or lp[0] < 0 else lp
            result[key][crit] = Interval(
                Fraction(low_num * sd, low_den * sn), Fraction(high_num * sd, high_den * sn)
            )
    return result


def rank_bounds(
    scores: Mapping[K, Mapping[C, object]], weights: Mapping[C, object], p: object
) -> dict[K, tuple[int, int]]:
    """Best and worst rank of each item when every weight may move within ±p (renormalised)."""
    margin = _fraction(p, "margin")
    if margin < 0:
        raise ValueError("the margin must not be negative")
    prob = _prepare(scores, weights)
    n, m = prob.scores.shape
    num, den = margin.numerator, margin.denominator
    lo = np.array([max(0, int(w) * (den - num)) for w in prob.weights], dtype=object)
    hi = np.array([int(w) * (den + num) for w in prob.weights], dtype=object)
    dtype: np.dtype[Any] | type[object] = prob.scores.dtype
    if prob.scores.dtype.kind != "O":
        biggest = int(np.abs(prob.scores).max(initial=1)) * 2 * int(max(hi.max(), 1)) * m
        if biggest >= INT64_SAFE:
            dtype = object
    lo, hi = lo.astype(dtype), hi.astype(dtype)
    S = prob.scores.astype(dtype)
    # With d_j = s_kj - s_ij and delta = hi - lo:
    #   min over the box = sum_j hi_j d_j - sum_j delta_j max(d_j, 0)
    #   max over the box = sum_j lo_j d_j + sum_j delta_j max(d_j, 0)
    # The first sums are differences of totals; E = sum_j delta_j max(d_j, 0) is shared.
    t_hi, t_lo = S @ hi, S @ lo
    excess = np.zeros((n, n), dtype=dtype)
    for j in range(m):
        d = S[None, :, j] - S[:, j, None]  # d[i, k] = s_kj - s_ij
        np.maximum(d, 0, out=d)
        d *= hi[j] - lo[j]
        excess += d
    worst_case = (t_hi[None, :] - t_hi[:, None]) - excess  # min over the box, per (i, k)
    best_case = (t_lo[None, :] - t_lo[:, None]) + excess  # max over the box
    always = (worst_case > 0).sum(axis=1)
    sometimes = (best_case > 0).sum(axis=1)
    return {key: (1 + int(always[i]), 1 + int(sometimes[i])) for i, key in enumerate(prob.keys)}
