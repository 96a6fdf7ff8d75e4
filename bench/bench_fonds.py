"""Contributions benchmark (issue 5): 100,000 synthetic authorities in one year, shares computed
with the total-preserving allocation and stored in PostgreSQL (target < 5 s, the shares summing
exactly to the total); printed beside a plain COPY of the same rows in the same run."""

from __future__ import annotations

import io
import random
import time
from decimal import Decimal

import psycopg

from samen.fonds.contributions import shares_of_total

TOTAL = Decimal("52300000.00")


def run(database_url: str) -> None:
    rng = random.Random(2018)
    inhabitants = {f"X{i:06d}": rng.randint(900, 900_000) for i in range(100_000)}
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bijdrage")
        conn.execute(
            "CREATE TABLE bench_bijdrage "
            "(code text PRIMARY KEY, inwoners integer, bedrag numeric(14,2))"
        )
        start = time.perf_counter()
        shares = shares_of_total(TOTAL, inhabitants)
        with (
            conn.transaction(),
            conn.cursor() as cur,
            cur.copy("COPY bench_bijdrage (code, inwoners, bedrag) FROM STDIN") as copy,
        ):
            for code, part in shares.items():
                copy.write_row((code, inhabitants[code], part))
        ours = time.perf_counter() - start
        stored = conn.execute("SELECT sum(bedrag), count(*) FROM bench_bijdrage").fetchone()
        rows = io.StringIO("".join(f"{c}\t{inhabitants[c]}\t{p}\n" for c, p in shares.items()))
        conn.execute("TRUNCATE bench_bijdrage")
        start = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_bijdrage FROM STDIN") as copy:
            copy.write(rows.getvalue())
        plain = time.perf_counter() - start
        conn.execute("DROP TABLE bench_bijdrage")
    exact = stored[0] == TOTAL and stored[1] == 100_000
    print(
        f"contributions for 100,000 authorities: computed and stored in {ours:.2f} s "
        f"(target < 5 s: {'OK' if ours < 5 else 'MISSED'}); sum exact: {exact}; "
        f"plain COPY of the same rows {plain:.2f} s; ratio {ours / plain:.1f}x"
    )
