"""Benchmark: ranking with both sensitivity measures, 2,000 voorzieningen x 10 criteria.

Target (issue 3): under 2 s for one weighting version. Prints the median of 3 runs.
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

from samen.portfolio.ranking import rank, rank_bounds, weight_intervals

TARGET_SECONDS = 2.0


def build(n: int = 2000, m: int = 10, seed: int = 2016):
    rng = random.Random(seed)
    criteria = [f"c{j}" for j in range(m)]
    scores = {f"v{i:04d}": {c: rng.randint(1, 5) for c in criteria} for i in range(n)}
    weights = {c: Decimal(rng.randint(1, 500)) / 100 for c in criteria}
    return scores, weights


def run_once(scores, weights) -> float:
    start = time.perf_counter()
    rank(scores, weights)
    weight_intervals(scores, weights)
    rank_bounds(scores, weights, Decimal("0.10"))
    return time.perf_counter() - start


def main() -> dict:
    scores, weights = build()
    timings = [run_once(scores, weights) for _ in range(3)]
    median = statistics.median(timings)
    verdict = "OK" if median < TARGET_SECONDS else "MISSED"
    print(
        f"ranking 2000 x 10 (rank + weight intervals + rank bounds): median {median:.2f} s "
        f"over 3 runs; target < {TARGET_SECONDS:.1f} s: {verdict}"
    )
    return {"median": median, "ok": median < TARGET_SECONDS}


if __name__ == "__main__":
    main()
