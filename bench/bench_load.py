"""Load test: many concurrent users on gunicorn + PostgreSQL with the register and demo content.

A throwaway PostgreSQL cluster (scripts/pg.sh) is set up the way `make run` sets up its database
(migrate, load-register, load-demo); gunicorn serves it with 4 workers. Every virtual user
loops without pause over a weighted mix of

- public pages: home, the catalogue, a factsheet, the municipalities, the fund, the roadmap;
- API reads: /api/v1/voorzieningen, /api/v1/gemeenten, /api/v1/deelnames of one municipality;
- municipality updates: a signed-in municipality contact (one per municipality with running
  participations, session cookie + CSRF token) changes the status of one of its own
  participations through POST /api/v1/deelnames/{uuid}/status.

No error is allowed (every answer 200). Printed: p50/p95 per kind of request, the throughput,
and the throughput as a ratio to the trivial endpoint /api/v1 (no database) hammered by the same
number of users on the same server right after. The ratio has no target: one request of the mix
costs about ten of the trivial endpoint even for one user (pages render templates, every
status change is a transaction with its audit record), so it tracks regressions rather than
passing or failing.

    .venv/bin/python bench/bench_load.py              # 50 users for 120 s
    .venv/bin/python bench/bench_load.py --short      # 50 users for 15 s: a quick check
    .venv/bin/python bench/bench_load.py --users 20 --seconds 60
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_PORT = 55485
HTTP_PORT = 8105
CSRF = "loadcsrf" + "0" * 24  # a valid 32-character CSRF secret, sent as cookie and header
TRIVIAL = "/api/v1"

CONTACTS = """
import json
from django.test import Client
from samen.accounts.models import Gebruiker
from samen.deelnames.models import Deelname
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Voorziening

per_gemeente = {}
for d in Deelname.objects.filter(tot__isnull=True).select_related("gemeente").order_by("id"):
    per_gemeente.setdefault(d.gemeente.code, []).append(str(d.uuid))
contacts = []
for code, deelnames in list(per_gemeente.items())[:50]:
    user, _ = Gebruiker.objects.update_or_create(
        username=f"load-{code}",
        defaults={"rol": "gemeente", "gemeente": Gemeente.objects.get(code=code)},
    )
    client = Client()
    client.force_login(user)
    contacts.append({"gemeente": code, "session": client.cookies["sessionid"].value,
                     "deelnames": deelnames})
print(json.dumps({
    "contacts": contacts,
    "voorzieningen": [str(u) for u in Voorziening.objects.values_list("uuid", flat=True)],
}))
"""

# (kind, weight); the path of each kind is chosen per request.
MIX = [
    ("pagina /", 8),
    ("pagina /voorzieningen", 8),
    ("pagina /voorzieningen/{uuid}", 8),
    ("pagina /gemeenten", 6),
    ("pagina /fonds", 5),
    ("pagina /routekaart", 5),
    ("api /voorzieningen", 12),
    ("api /gemeenten", 10),
    ("api /deelnames?gemeente=", 12),
    ("api POST /deelnames/{uuid}/status", 15),
]
STATUSES = ["geinteresseerd", "gepland", "in_implementatie", "in_gebruik"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", TRIVIAL)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Driver:
    """Closed-loop virtual users (threads, one keep-alive-capable connection each)."""

    def __init__(self, port: int, data: dict):
        self.port = port
        self.contacts = data["contacts"]
        self.voorzieningen = data["voorzieningen"]
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def request(self, rng: random.Random, user: int, kind: str):
        """(method, path, body, headers) for one request of this kind by this user."""
        contact = self.contacts[user % len(self.contacts)]
        if kind == "pagina /voorzieningen/{uuid}":
            return "GET", f"/voorzieningen/{rng.choice(self.voorzieningen)}", None, {}
        if kind.startswith("pagina "):
            return "GET", kind.removeprefix("pagina "), None, {}
        if kind == "api /deelnames?gemeente=":
            return "GET", f"/api/v1/deelnames?gemeente={contact['gemeente']}", None, {}
        if kind.startswith("api /"):
            return "GET", "/api/v1" + kind.removeprefix("api "), None, {}
        status = rng.choice(STATUSES)
        body = {"status": status, "toelichting": "belastingtest"}
        if status == "gepland":
            body["geplandOp"] = "2030-01-01"
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={contact['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        path = f"/api/v1/deelnames/{rng.choice(contact['deelnames'])}/status"
        return "POST", path, json.dumps(body).encode(), headers  # bytes: one send()

    def run(self, users: int, seconds: float, mix: list[tuple[str, int]]) -> float:
        kinds = [k for k, _ in mix]
        weights = [w for _, w in mix]
        stop = time.monotonic() + seconds
        start = threading.Barrier(users + 1)

        def user(index: int) -> None:
            rng = random.Random(index)
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            local: dict[str, list[float]] = defaultdict(list)
            bad: list[str] = []
            start.wait()
            while time.monotonic() < stop:
                kind = rng.choices(kinds, weights)[0]
                method, path, body, headers = self.request(rng, index, kind)
                t0 = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    content = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    status, content = 0, repr(exc).encode()
                local[kind].append(time.perf_counter() - t0)
                if status != 200:
                    bad.append(f"{method} {path}: {status} {content[:200]!r}")
            conn.close()
            with self.lock:
                for k, v in local.items():
                    self.latencies[k].extend(v)
                self.errors.extend(bad)

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        for t in threads:
            t.start()
        start.wait()
        began, cpu = time.monotonic(), time.process_time()
        for t in threads:
            t.join()
        took = time.monotonic() - began
        self.client_cpu = (time.process_time() - cpu) / took  # cores this driver itself used
        return took


def report(users: int, seconds: float, trivial_seconds: float, mixed: Driver, trivial: Driver):
    total = sum(len(v) for v in mixed.latencies.values())
    print(
        f"load: {users} users, {seconds:.0f} s, {total} requests, {len(mixed.errors)} errors "
        f"(the driver itself used {mixed.client_cpu:.2f} of {os.cpu_count()} cores)"
    )
    width = max(len(k) for k, _ in MIX)
    for kind, _ in MIX:
        values = mixed.latencies.get(kind, [])
        if not values:
            print(f"  {kind:<{width}}  no requests")
            continue
        p50, p95 = statistics.median(values) * 1000, percentile(values, 95) * 1000
        print(f"  {kind:<{width}}  {len(values):6d} req  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    for error in mixed.errors[:10]:
        print(f"  error: {error}")
    base = trivial.latencies[TRIVIAL]
    throughput = total / seconds
    base_throughput = len(base) / trivial_seconds
    ratio = throughput / base_throughput
    print(
        f"  mix: {throughput:.0f} req/s; trivial endpoint {TRIVIAL}, {users} users: "
        f"{base_throughput:.0f} req/s, p50 {statistics.median(base) * 1000:.1f} ms, "
        f"p95 {percentile(base, 95) * 1000:.1f} ms ({len(trivial.errors)} errors)"
    )
    print(
        f"  throughput ratio mix/trivial: {ratio:.0%}; target no errors: "
        f"{'OK' if not mixed.errors and not trivial.errors else 'MISSED'}"
    )
    return not mixed.errors and not trivial.errors


def run(
    seconds: float = 120,
    users: int = 50,
    pg_port: int = PG_PORT,
    http_port: int = HTTP_PORT,
    workers: int = 4,
) -> bool:
    pgdir = Path(tempfile.mkdtemp(prefix="samen-load-pg-"))
    pgdir.chmod(0o755)
    var = Path(tempfile.mkdtemp(prefix="samen-load-var-"))
    pg = str(ROOT / "scripts/pg.sh")
    url = subprocess.check_output([pg, "start", str(pgdir), str(pg_port)], text=True).strip()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SAMEN_VAR_DIR=str(var),
        SAMEN_HTTPS="false",
        SAMEN_ALLOWED_HOSTS="127.0.0.1,localhost",
        SAMEN_LOG_LEVEL="WARNING",
    )
    samen = str(BIN / "samen")
    server = None
    try:
        for args in (["migrate", "--no-input", "-v0"], ["load-register"], ["load-demo"]):
            step = subprocess.run([samen, *args], env=env, capture_output=True, text=True, cwd=var)
            if step.returncode:
                raise RuntimeError(f"samen {' '.join(args)}:\n{step.stderr[-3000:]}")
        out = subprocess.run(
            [samen, "shell", "--no-imports", "-c", CONTACTS],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=var,
        ).stdout
        data = json.loads(out.strip().splitlines()[-1])
        if not data["contacts"]:
            raise RuntimeError("the demo content has no running participations")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "samen.wsgi:application"]
            + ["--bind", f"127.0.0.1:{http_port}", "--workers", str(workers)]
            + ["--log-level", "warning", "--timeout", "60", "--backlog", "512"]
            + ["--no-control-socket"],  # gunicorn 27: no clash with other servers of this user
            env=env,
            cwd=var,
        )
        wait_for(http_port)
        print(
            f"load: gunicorn {workers} workers on PostgreSQL, demo content; "
            f"{len(data['contacts'])} municipality contacts, "
            f"{len(data['voorzieningen'])} voorzieningen"
        )
        Driver(http_port, data).run(min(users, 10), 3, MIX)  # warm up every worker and page
        mixed = Driver(http_port, data)
        took = mixed.run(users, seconds, MIX)
        trivial_seconds = max(10.0, seconds / 4)
        trivial = Driver(http_port, data)
        trivial_took = trivial.run(users, trivial_seconds, [(f"pagina {TRIVIAL}", 1)])
        trivial.latencies[TRIVIAL] = trivial.latencies.pop(f"pagina {TRIVIAL}", [])
        return report(users, took, trivial_took, mixed, trivial)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        subprocess.run([pg, "stop", str(pgdir)], check=False)
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="duration of the mix")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument("--short", action="store_true", help="15 s: a quick check")
    parser.add_argument("--pg-port", type=int, default=PG_PORT)
    parser.add_argument("--http-port", type=int, default=HTTP_PORT)
    args = parser.parse_args()
    ok = run(15 if args.short else args.seconds, args.users, args.pg_port, args.http_port)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
