"""Collection benchmark (issue 7): a bank statement paying a year's invoices of 10,000
authorities, on PostgreSQL.

The 2018 invoices are billed (``billing_run``), then a CAMT.053 statement is built with a payment
for most of them (nine in ten in full, one in twenty about half, the rest unpaid) and imported
(``inning.services.import_statement``: parse, match on the payment reference and amount, divide
over the open lines, book in the ledger), in one transaction. Printed: the time, the time per
payment (target < 20 ms), the SQL statements per payment (target: <= 12, whatever the
statement's size; tests/inning asserts the constant), the same file again
(target: < 1% of the first import, nothing changes), a distribution run over the year, and
that collected = distributed + held to the cent.
"""

from __future__ import annotations

import os
import sys

N = int(os.environ.get("BENCH_INNING_N", "10000"))
QUERIES_PER_PAYMENT = 12
MS_PER_PAYMENT = 20


def run(cluster_url: str, samen: str, env: dict) -> None:
    """Called by bench/run.py: a fresh database in the benchmark cluster, migrated, measured."""
    from bench_abonnementen import in_fresh_database

    in_fresh_database(cluster_url, samen, env, "samen_bench_inning", "bench_inning")


class _Counter:
    """Counts the SQL statements the connection executes (without keeping them); with
    BENCH_PROFILE set, also the time per statement text, printed slowest first."""

    def __init__(self):
        self.n = 0
        self.profile = bool(os.environ.get("BENCH_PROFILE"))
        self.times: dict[str, list[float]] = {}

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        if not self.profile:
            return execute(sql, params, many, context)
        import time

        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = self.times.setdefault(sql, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - start

    def report(self) -> None:
        for sql, (n, seconds) in sorted(self.times.items(), key=lambda kv: -kv[1][1])[:12]:
            print(f"  {seconds:8.2f} s {n:7d}x  {sql[:400]}")


def _statement(facturen) -> tuple[bytes, int]:
    import datetime as dt
    from decimal import Decimal

    from samen.inning import camt
    from samen.inning.demo import REKENING

    entries = []
    for i, f in enumerate(facturen):
        if i % 20 == 19:
            continue  # unpaid
        bedrag = f.totaal if i % 20 else (f.totaal / 2).quantize(Decimal("0.01"))
        entries.append(
            {
                "ref": f"BENCH{i:08d}",
                "e2e": f"BENCH-E2E-{f.nummer}",
                "bedrag": bedrag,
                "naam": f"Overheid {f.gemeente_id}",
                "iban": "NL91ABNA0417164300",
                "omschrijving": f"Factuur {f.nummer} betalingskenmerk {f.betalingskenmerk}",
                "datum": (dt.date(2018, 1, 2) + dt.timedelta(days=i % 300)).isoformat(),
            }
        )
    data = camt.build("BENCH-2018", REKENING, entries, "2018-12-31T18:00:00")
    return data, len(entries)


def measure() -> None:
    import datetime as dt
    import time

    import bench_abonnementen
    from django.db import connection

    from samen.abonnementen import services as billing
    from samen.abonnementen.models import Factuur
    from samen.inning import queries, services

    bench_abonnementen.N = N
    arrangement = bench_abonnementen._seed()
    billing.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    facturen = list(
        Factuur.objects.filter(arrangement=arrangement, jaar=2018).order_by("volgnummer")
    )
    data, payments = _statement(facturen)

    counter = _Counter()
    profiler = None
    if counter.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = services.import_statement(data, "bench-2018.xml")
    t_first = time.perf_counter() - start
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        counter.report()
    per_payment = counter.n / payments
    ms = t_first / payments * 1000
    print(
        f"bank statement, {payments:,} payments on {len(facturen):,} invoices: "
        f"{result.gekoppeld:,} matched, {result.ongematcht:,} not, in {t_first:.2f} s "
        f"({ms:.2f} ms per payment; target < {MS_PER_PAYMENT} ms: "
        f"{'OK' if ms < MS_PER_PAYMENT else 'MISSED'}); {counter.n:,} SQL statements = "
        f"{per_payment:.1f} per payment (target <= {QUERIES_PER_PAYMENT}: "
        f"{'OK' if round(per_payment, 1) <= QUERIES_PER_PAYMENT else 'MISSED'})"
    )
    start = time.perf_counter()
    again = services.import_statement(data, "bench-2018.xml")
    t_again = time.perf_counter() - start
    share = t_again / t_first
    print(
        f"the same file again: {t_again * 1000:.1f} ms = {share:.2%} of the first "
        f"(target < 1%: {'OK' if share < 0.01 and again.al_ingelezen else 'MISSED'}); "
        f"changed nothing: {again.al_ingelezen}"
    )
    start = time.perf_counter()
    services.run_distribution(dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    t_dist = time.perf_counter() - start
    aansluiting = queries.reconcile()
    print(
        f"distribution of the year to the providers: {t_dist:.2f} s; collected "
        f"{aansluiting.geind} = distributed {aansluiting.afgedragen} + held "
        f"{aansluiting.vastgehouden}, per service and provider to the cent: {aansluiting.klopt}"
        + ("" if aansluiting.klopt else f" ({'; '.join(aansluiting.afwijkingen)})")
    )


if __name__ == "__main__":  # pragma: no cover - run through bench/run.py
    sys.exit(f"run through bench/run.py ({os.path.basename(__file__)})")
