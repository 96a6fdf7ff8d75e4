"""The longer fuzz run: schemathesis against the committed OpenAPI document on a live server.

The same fuzzer as tests/trust/test_fuzz.py (which runs 5 examples per operation in the suite),
with many more examples per operation and a fixed seed of its own, on gunicorn + a throwaway
PostgreSQL cluster with the register and the demo content, anonymously and as every role.
Target: no server error and no response outside the document (every failure is printed with the
curl command that reproduces it).

The server and the database get free ports, and the run stops when whatever answers on the
server's port is not the gunicorn it started (tests/trust/test_fuzz.start_site). Before and
after each identity's run a canary request proves it acts as that identity on that site (its
own page shows its user name; a resource of its role is read; anonymous is sent to sign in): a
run whose requests silently went out as anonymous, or to another server, fails instead of
printing the figures of a stranger.

    .venv/bin/python bench/bench_fuzz.py                  # 50 examples per operation
    .venv/bin/python bench/bench_fuzz.py --examples 200 --seed 7
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(examples: int = 50, seed: int = 20161130, pg_port: int | None = None) -> bool:
    sys.path.insert(0, str(ROOT))
    from tests.trust import test_fuzz as fuzzer

    pg_port = pg_port or fuzzer.free_port()

    pgdir = Path(tempfile.mkdtemp(prefix="samen-fuzz-pg-"))
    pgdir.chmod(0o755)
    var = Path(tempfile.mkdtemp(prefix="samen-fuzz-var-"))
    pg = str(ROOT / "scripts/pg.sh")
    url = subprocess.check_output([pg, "start", str(pgdir), str(pg_port)], text=True).strip()
    site = None
    try:
        site = fuzzer.start_site(url, var, port=None, workers=2)  # a free port, checked
        print(f"fuzz: server pid {site.proc.pid} on {site.base}")
        known = fuzzer.known_values(site)
        schema = fuzzer.load_schema()
        identities = [fuzzer.ANONYMOUS, *[r for r in site.sessions if r != "beheerder"]]
        total, failures, statuses, operations = 0, [], Counter(), 0
        started = time.monotonic()
        for identity in identities:
            t0 = time.monotonic()
            before = fuzzer.canary(site, identity)
            if before:
                failures.extend(before)
                print(f"fuzz: {identity}: canary failed before the run, not fuzzed: {before}")
                continue
            report = fuzzer.fuzz(site, identity, examples, known, schema, seed=seed)
            after = fuzzer.canary(site, identity)
            total += report.examples
            operations = max(operations, report.operations)
            statuses.update(report.statuses)
            failures.extend(report.failures + after)
            print(
                f"fuzz: {report.summary()} in {time.monotonic() - t0:.0f} s; canary "
                f"{'OK' if not after else 'FAILED after the run: ' + '; '.join(after)}"
            )
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        print(
            f"fuzz: {len(identities)} identities x {operations} operations, up to "
            f"{examples} examples each (seed {seed}): {total} requests ({codes}) in "
            f"{time.monotonic() - started:.0f} s; {len(failures)} failing; target none: "
            f"{'OK' if not failures else 'MISSED'}"
        )
        for failure in failures:
            print("  " + failure.replace("\n", "\n  "))
        return not failures
    finally:
        if site is not None:
            site.stop()
        subprocess.run([pg, "stop", str(pgdir)], check=False)
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per operation")
    parser.add_argument("--seed", type=int, default=20161130)
    parser.add_argument("--pg-port", type=int, default=None, help="default: a free port")
    args = parser.parse_args()
    sys.exit(0 if run(args.examples, args.seed, args.pg_port) else 1)


if __name__ == "__main__":
    main()
