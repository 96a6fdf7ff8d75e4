"""`make bench`: benchmarks with targets, printing figures and ratios.

1. The ranking with both sensitivity measures for 2,000 x 10 (target < 2 s).
2. The voorzieningen list endpoint at the default page size (20) on gunicorn + PostgreSQL with
   2,000 voorzieningen, 10 criteria and 50 roadmap versions: one client p95 (target < 50 ms);
   16 clients: p95 and throughput as a ratio to a trivial endpoint on the same server in the
   same run (target >= 25%).
3. Participation, contributions and the billing run of 100,000 authorities x 4 services
   (bench_deelnames, bench_fonds, bench_abonnementen), and a bank statement paying the invoices
   of 10,000 authorities (bench_inning), each with its target and ratio.
3. The longer fuzz run (bench_fuzz.py): schemathesis, 50 examples per operation, anonymously
   and as every role, against the committed OpenAPI document (target: no failure).
4. The load test (bench_load.py): 50 users for 2 minutes mixing pages, API reads and status
   changes by municipality contacts (target: no errors; p50/p95 per kind, ratio to /api/v1).
A missed target is reported (exit code stays 0 so every figure is printed).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def hammer(port: int, path: str, clients: int, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local, bad = [], 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - t0)
            if response.status != 200:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def bench_api() -> None:
    pgdir = Path(tempfile.mkdtemp(prefix="samen-bench-pg-"))
    pgdir.chmod(0o755)
    port = free_port()
    url = subprocess.check_output(
        [str(ROOT / "scripts/pg.sh"), "start", str(pgdir), str(port)], text=True
    ).strip()
    var = Path(tempfile.mkdtemp(prefix="samen-bench-var-"))
    env = dict(
        os.environ,
        DATABASE_URL=url.rsplit("/", 1)[0] + "/postgres",
        SAMEN_VAR_DIR=str(var),
        SAMEN_HTTPS="false",
        SAMEN_LOG_LEVEL="WARNING",
    )
    samen = str(BIN / "samen")
    server = None
    try:
        for args in (["migrate", "-v0"], ["load-register"], ["load-demo"]):
            subprocess.run([samen, *args], env=env, check=True, capture_output=True)
        subprocess.run(
            [samen, "shell", "--no-imports", "-c", "import seed; seed.seed()"],
            env=dict(env, PYTHONPATH=str(ROOT / "bench")),
            check=True,
        )
        http_port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "samen.wsgi:application",
                "--bind",
                f"127.0.0.1:{http_port}",
                "--workers",
                "4",
                "--log-level",
                "warning",
                "--no-control-socket",
            ],
            env=env,
            cwd=var,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        list_path, trivial = "/api/v1/voorzieningen", "/api/v1"
        hammer(http_port, list_path, 2, 1.0)  # warm up
        single, errors = hammer(http_port, list_path, 1, 5.0)
        p95 = percentile(single, 95) * 1000
        print(
            f"list endpoint, 1 client: {len(single)} requests, p50 "
            f"{statistics.median(single) * 1000:.1f} ms, p95 {p95:.1f} ms; target p95 < 50 ms: "
            f"{'OK' if p95 < 50 and not errors else 'MISSED'} ({errors} errors)"
        )
        many, errors_l = hammer(http_port, list_path, 16, 10.0)
        base, errors_t = hammer(http_port, trivial, 16, 10.0)
        ratio = (len(many) / 10.0) / (len(base) / 10.0)
        print(
            f"list endpoint, 16 clients: {len(many) / 10:.0f} req/s, p95 "
            f"{percentile(many, 95) * 1000:.1f} ms ({errors_l} errors)"
        )
        print(
            f"trivial endpoint, 16 clients: {len(base) / 10:.0f} req/s, p95 "
            f"{percentile(base, 95) * 1000:.1f} ms ({errors_t} errors)"
        )
        print(
            f"throughput ratio list/trivial: {ratio:.0%}; target >= 25%: "
            f"{'OK' if ratio >= 0.25 else 'MISSED'}"
        )
        import bench_deelnames

        bench_deelnames.run(env, samen, http_port)
        import bench_fonds

        bench_fonds.run(url)
        import bench_abonnementen

        bench_abonnementen.run(url, samen, env)
        import bench_inning

        bench_inning.run(url, samen, env)
        import bench_ledenvergadering

        bench_ledenvergadering.run(env, samen, http_port)
        import bench_overeenkomsten

        bench_overeenkomsten.run(env, samen, http_port)
        import bench_tolk

        bench_tolk.run(env, samen)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        subprocess.run([str(ROOT / "scripts/pg.sh"), "stop", str(pgdir)], check=False)
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    import bench_ranking

    bench_ranking.main()
    bench_api()
    import bench_fuzz

    bench_fuzz.run()
    import bench_load

    bench_load.run()


if __name__ == "__main__":
    main()
