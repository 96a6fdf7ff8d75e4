"""Billing benchmark (issue 6): 100,000 authorities x 4 services on PostgreSQL.

The real billing run (``samen.abonnementen.services.billing_run``: population rule, tariff,
invoice lines by total-preserving allocation, drafts in batches, numbering and issuing, ledger)
is timed against a plain COPY of the same rows (invoices and lines, into tables of the same
columns) in the same run; a second, idempotent run against the first; and the peak memory of the
process. Targets: run <= 5x COPY, second run < 10% of the first, peak memory < 500 MB.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

N = 100_000


def in_fresh_database(cluster_url: str, samen: str, env: dict, name: str, module: str) -> None:
    """Create database ``name`` in the benchmark cluster, migrate it and run ``module.measure()``
    in a `samen shell` on it (so the benchmark runs in Django's own process)."""
    import psycopg

    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = cluster_url.rsplit("/", 1)[0] + f"/{name}"
    bench_env = dict(env, DATABASE_URL=url, PYTHONPATH=str(Path(__file__).parent))
    subprocess.run([samen, "migrate", "-v0"], env=bench_env, check=True, capture_output=True)
    subprocess.run(
        [samen, "shell", "--no-imports", "-c", f"import {module}; {module}.measure()"],
        env=bench_env,
        check=True,
    )


def run(cluster_url: str, samen: str, env: dict) -> None:
    """Called by bench/run.py: a fresh database in the benchmark cluster, migrated, measured."""
    in_fresh_database(cluster_url, samen, env, "samen_bench_billing", "bench_abonnementen")


def _seed() -> object:
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import transaction

    from samen.abonnementen import services
    from samen.abonnementen.models import Arrangement, Dienst
    from samen.accounts.models import Organisatie
    from samen.gemeenten.models import Gemeente, Inwonertal, Provincie

    rng = random.Random(2018)
    with transaction.atomic():
        provincie = Provincie.objects.create(code="PV99", naam="Benchmark")
        Gemeente.objects.bulk_create(
            (
                Gemeente(
                    code=f"Y{i:05d}",
                    naam=f"Overheid {i:05d}",
                    provincie=provincie,
                    geldig_van=dt.date(2000, 1, 1),
                )
                for i in range(N)
            ),
            batch_size=5000,
        )
        ids = dict(Gemeente.objects.values_list("code", "id"))
        Inwonertal.objects.bulk_create(
            (
                Inwonertal(
                    gemeente_id=ids[code], jaar=2017, aantal=rng.randint(900, 900_000), bron="bench"
                )
                for code in sorted(ids)
            ),
            batch_size=5000,
        )
        kantoor = Organisatie.objects.create(
            naam="Administratiekantoor (bench)", soort="administratiekantoor"
        )
        arrangement = Arrangement.objects.create(
            naam="Benchmark",
            eerste_jaar=2018,
            laatste_jaar=2021,
            tarief=Decimal("0.90"),
            prijspeil=2017,
            afleiding_budget=Decimal("15320000"),
            afleiding_inwoners=17_081_507,
            afleiding_peildatum=dt.date(2017, 1, 1),
            administratiekantoor=kantoor,
        )
        for i, (code, budget) in enumerate(
            [("vw", "7500000"), ("kt", "3830000"), ("lo", "3940000"), ("beheer", "50000")]
        ):
            Dienst.objects.create(
                arrangement=arrangement,
                code=code,
                naam=code,
                aanbieder=kantoor,
                budget=Decimal(budget),
                volgorde=i,
            )
        services.set_index(arrangement, 2018, "1.5")
        services.subscribe_all(arrangement)
    return arrangement


def _plain_copy(arrangement) -> float:
    """A plain COPY of the same rows (invoices, their lines and their ledger entries) into the
    same tables, with their indexes, constraints and triggers, checked at once and rolled back:
    what storing the rows costs, without any of the run's work."""
    import io
    import time
    import uuid

    from django.db import connection, transaction

    from samen.abonnementen.models import Arrangement, Factuur
    from samen.core.bulk import reserve_ids

    facturen = list(
        Factuur.objects.filter(arrangement=arrangement)
        .order_by("id")
        .values_list(
            "id",
            "jaar",
            "gemeente_id",
            "abonnement_id",
            "inwoners",
            "bronjaar",
            "prijs",
            "vrijgesteld",
            "totaal",
        )
    )
    regels = {}
    for factuur_id, dienst_id, bedrag in Factuur.regels.rel.related_model.objects.filter(
        factuur__arrangement=arrangement
    ).values_list("factuur_id", "dienst_id", "bedrag"):
        regels.setdefault(factuur_id, []).append((dienst_id, bedrag))
    with transaction.atomic():
        baseline = Arrangement.objects.create(
            naam="Baseline",
            eerste_jaar=2018,
            laatste_jaar=2021,
            tarief=arrangement.tarief,
            prijspeil=2017,
            afleiding_budget=arrangement.afleiding_budget,
            afleiding_inwoners=arrangement.afleiding_inwoners,
            afleiding_peildatum=arrangement.afleiding_peildatum,
            administratiekantoor=arrangement.administratiekantoor,
        )
        ids = reserve_ids(Factuur, len(facturen))
        now = "2017-12-01 00:00:00+00"
        f_rows, r_rows, v_rows = io.StringIO(), io.StringIO(), io.StringIO()
        for new_id, (old_id, jaar, gem, abo, inw, bron, prijs, vrij, totaal) in zip(
            ids, facturen, strict=True
        ):
            f_rows.write(
                f"{new_id}\t{uuid.uuid4()}\tfactuur\tconcept\t{baseline.pk}\t{jaar}\t{gem}\t"
                f"{abo}\t{inw}\t{bron}\t{prijs}\t{vrij}\t{totaal}\t\t{now}\n"
            )
            for dienst_id, bedrag in regels[old_id]:
                r_rows.write(f"{new_id}\t{dienst_id}\t{bedrag}\n")
            v_rows.write(f"{new_id}\t{gem}\t{totaal}\tfactuur\t2017-12-01\t{now}\n")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            start = time.perf_counter()
            with raw.copy(
                "COPY abonnementen_factuur (id, uuid, soort, status, arrangement_id, jaar, "
                "gemeente_id, abonnement_id, inwoners, bronjaar, prijs, vrijgesteld, totaal, "
                "reden, aangemaakt_op) FROM STDIN"
            ) as copy:
                copy.write(f_rows.getvalue())
            with raw.copy(
                "COPY abonnementen_factuurregel (factuur_id, dienst_id, bedrag) FROM STDIN"
            ) as copy:
                copy.write(r_rows.getvalue())
            with raw.copy(
                "COPY abonnementen_vordering (factuur_id, gemeente_id, bedrag, soort, datum, "
                "aangemaakt_op) FROM STDIN"
            ) as copy:
                copy.write(v_rows.getvalue())
            plain = time.perf_counter() - start
        transaction.set_rollback(True)
    return plain


def measure() -> None:
    import datetime as dt
    import resource
    import time

    from django.db.models import Sum

    from samen.abonnementen import queries, services
    from samen.abonnementen.models import Factuur, Factuurregel

    arrangement = _seed()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    first = services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    t_first = time.perf_counter() - start
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    start = time.perf_counter()
    second = services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    t_second = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    invoices = Factuur.objects.filter(arrangement=arrangement).count()
    lines = Factuurregel.objects.filter(factuur__arrangement=arrangement).count()
    total = Factuur.objects.filter(arrangement=arrangement).aggregate(s=Sum("totaal"))["s"]
    line_total = Factuurregel.objects.filter(factuur__arrangement=arrangement).aggregate(
        s=Sum("bedrag")
    )["s"]
    exact = total == line_total and not queries.mismatches(arrangement)
    plain = _plain_copy(arrangement)
    ratio = t_first / plain
    second_share = t_second / t_first
    print(
        f"billing run, {N:,} authorities x 4 services: {invoices:,} invoices and {lines:,} lines "
        f"in {t_first:.2f} s; plain COPY of the same rows into the same tables {plain:.2f} s; "
        f"ratio {ratio:.1f}x "
        f"(target <= 5x: {'OK' if ratio <= 5 else 'MISSED'}); lines = totals: {exact}"
    )
    print(
        f"second (idempotent) run: {t_second:.2f} s = {second_share:.1%} of the first "
        f"(target < 10%: {'OK' if second_share < 0.10 else 'MISSED'}); "
        f"created {second.uitgegeven} ({first.uitgegeven:,} the first time)"
    )
    print(
        f"peak memory of the billing process: {peak_mb:.0f} MB "
        f"(target < 500 MB: {'OK' if peak_mb < 500 else 'MISSED'})"
    )


if __name__ == "__main__":  # pragma: no cover - run through bench/run.py
    sys.exit(f"run through bench/run.py ({os.path.basename(__file__)})")
