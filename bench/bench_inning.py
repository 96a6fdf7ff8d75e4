"""Collection benchmark (issue 7): a bank statement paying a year's invoices of 10,000
authorities, on PostgreSQL.

The 2018 invoices are billed (``billing_run``), then a CAMT.053 statement is built with a payment
for most of them (nine in ten in full, one in twenty about half, the rest unpaid) and imported
(``inning.services.import_statement``: parse, match on the payment reference and amount, divide
over the open lines, book in the ledger), in one transaction, set-based (issue 17). Printed: the
time (target < 10 s for 10,000 payments) beside a plain COPY of the same rows (payments, payment
lines, ledger entries) into the same tables (target: under 5x), the SQL statements of the whole
statement (a bound per statement, not per payment; tests/inning asserts it), the same file
again (target: < 1% of the first import, nothing changes), a distribution run over the year,
and that collected = distributed + held to the cent.
"""

from __future__ import annotations

import os
import sys

N = int(os.environ.get("BENCH_INNING_N", "10000"))
SECONDS = 10.0
COPY_RATIO = 5.0


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


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict):
        import json

        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _plain_copy(stmt) -> float:
    """A plain COPY of the rows the import wrote (its payments with new references, their lines
    and the ledger entries) into the same tables, with their indexes, constraints and
    triggers, checked at once and rolled back: what storing the rows costs."""
    import io
    import time
    import uuid

    from django.db import connection, transaction

    from samen.abonnementen.models import Vordering
    from samen.core.bulk import reserve_ids
    from samen.inning.models import Betaling, Betalingsregel

    cols = [
        "soort", "status", "bankafschrift_id", "positie", "bankreferentie", "eind_tot_eind",
        "boekdatum", "bedrag", "kenmerk", "tegenrekening", "naam", "factuur_id", "gemeente_id",
        "reden", "verdeling", "handmatig", "idempotentiesleutel", "verzoek_sha256", "voorbeeld",
        "aangemaakt_op",
    ]  # fmt: skip
    betalingen = list(Betaling.objects.filter(bankafschrift=stmt).values_list("id", *cols))
    regels = list(
        Betalingsregel.objects.filter(betaling__bankafschrift=stmt).values_list(
            "betaling_id", "factuurregel_id", "dienst_id", "bedrag", "boekdatum"
        )
    )
    ledger = list(
        Vordering.objects.filter(
            factuur_id__in={b[cols.index("factuur_id") + 1] for b in betalingen} - {None},
            soort=Vordering.Soort.BETALING,
        ).values_list("factuur_id", "gemeente_id", "bedrag", "soort", "datum", "aangemaakt_op")
    )
    with transaction.atomic():
        ids = reserve_ids(Betaling, len(betalingen))
        new_id = {}
        b_rows, r_rows, v_rows = io.StringIO(), io.StringIO(), io.StringIO()
        ref = cols.index("bankreferentie")
        for nid, (old, *values) in zip(ids, betalingen, strict=True):
            new_id[old] = nid
            values[ref] = "COPY-" + values[ref]
            b_rows.write("\t".join(_tsv(v) for v in (nid, uuid.uuid4(), *values)) + "\n")
        for betaling_id, *values in regels:
            r_rows.write("\t".join(_tsv(v) for v in (new_id[betaling_id], *values)) + "\n")
        for values in ledger:
            v_rows.write("\t".join(_tsv(v) for v in values) + "\n")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            start = time.perf_counter()
            with raw.copy(f"COPY inning_betaling (id, uuid, {', '.join(cols)}) FROM STDIN") as c:
                c.write(b_rows.getvalue())
            with raw.copy(
                "COPY inning_betalingsregel (betaling_id, factuurregel_id, dienst_id, bedrag, "
                "boekdatum) FROM STDIN"
            ) as c:
                c.write(r_rows.getvalue())
            with raw.copy(
                "COPY abonnementen_vordering (factuur_id, gemeente_id, bedrag, soort, datum, "
                "aangemaakt_op) FROM STDIN"
            ) as c:
                c.write(v_rows.getvalue())
            plain = time.perf_counter() - start
        transaction.set_rollback(True)
    return plain


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
    plain = _plain_copy(result.bankafschrift)
    ratio = t_first / plain
    print(
        f"bank statement, {payments:,} payments on {len(facturen):,} invoices: "
        f"{result.gekoppeld:,} matched, {result.ongematcht:,} not, in {t_first:.2f} s "
        f"(target < {SECONDS:.0f} s: {'OK' if t_first < SECONDS else 'MISSED'}; "
        f"{t_first / payments * 1000:.3f} ms per payment); a plain COPY of the same rows "
        f"{plain:.2f} s, ratio {ratio:.1f}x (target < {COPY_RATIO:.0f}x: "
        f"{'OK' if ratio < COPY_RATIO else 'MISSED'}); {counter.n:,} SQL statements for the "
        f"whole statement"
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
