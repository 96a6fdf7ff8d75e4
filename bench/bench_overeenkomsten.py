"""Agreements benchmark (issue 20): a campaign of 342 municipalities with 10 status changes each
(3,420 steps, in college and council, corrections), on the PostgreSQL database of bench/run.py
or of ``DATABASE_URL`` when run on its own (``python bench/bench_overeenkomsten.py``, the CBS
register loaded). Target: the campaign page (totals, per province, the weekly series, the
budget and the list of those not signed, as the programme office sees it) < 100 ms server time.
"""

from __future__ import annotations

import subprocess
import sys

MEASURE = r"""
import datetime as dt, statistics, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from samen.abonnementen.models import Arrangement
from samen.accounts.models import Gebruiker
from samen.gemeenten.models import Gemeente
from samen.overeenkomsten import queries, services
from samen.overeenkomsten.models import Ondertekening, Overeenkomst, Stap

TITEL = "Benchmarkcampagne"
o = Overeenkomst.objects.filter(titel=TITEL).first()
if o is None:
    arrangement = Arrangement.objects.order_by("id").first()
    o = services.create_agreement(titel=TITEL, partijen="VNG", start=dt.date(2023, 12, 1),
                                  deadline=dt.date(2024, 6, 1), arrangement=arrangement,
                                  drempel_soort="inwoners", drempel_waarde=80)
    gemeenten = list(Gemeente.objects.op(dt.date(2024, 1, 1)).order_by("code")[:342])
    rows = Ondertekening.objects.bulk_create(
        Ondertekening(overeenkomst=o, gemeente=g, status="getekend" if i % 3 else "in_raad",
                      sinds=dt.date(2024, 5, 1)) for i, g in enumerate(gemeenten))
    cycle = ["in_college", "in_raad", "in_college", "in_raad", "in_college", "in_raad",
             "in_college", "in_raad", "in_raad", "getekend"]
    Stap.objects.bulk_create(
        Stap(ondertekening=r, status=cycle[k] if (i % 3 or k < 9) else "in_raad",
             datum=dt.date(2023, 12, 4) + dt.timedelta(days=14 * k + i % 7),
             correctie=k in (2, 4, 6), reden="benchmark" if k in (2, 4, 6) else "")
        for i, r in enumerate(rows) for k in range(10))
    with connection.cursor() as c:
        c.execute("ANALYZE")
print(f"data: {Ondertekening.objects.filter(overeenkomst=o).count()} municipalities, "
      f"{Stap.objects.filter(ondertekening__overeenkomst=o).count()} steps")
user = Gebruiker.objects.filter(rol="programmabureau", is_active=True).first()
if user is None:
    user = Gebruiker.objects.create_user(username="bench-ovk", password=None, rol="programmabureau")
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
client = Client()
client.force_login(user)
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
url = f"/overeenkomsten/{o.uuid}"
with CaptureQueriesContext(connection) as ctx:
    assert client.get(url).status_code == 200
times = []
for _ in range(20):
    t = time.perf_counter()
    response = client.get(url)
    times.append(time.perf_counter() - t)
    assert response.status_code == 200
m = statistics.median(times) * 1000
print(f"campaign page (office), {len(ctx)} queries: median {m:.1f} ms; target < 100 ms: "
      f"{'OK' if m < 100 else 'MISSED'}")
times = []
for _ in range(20):
    t = time.perf_counter()
    queries.campaign(o, dt.date(2024, 3, 1), details=True)
    times.append(time.perf_counter() - t)
m = statistics.median(times) * 1000
print(f"campaign figures on a past date: median {m:.1f} ms")
"""


def run(env: dict, samen: str, port: int | None = None) -> None:
    out = subprocess.run(
        [samen, "shell", "--no-imports", "-c", MEASURE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(out.stdout.strip())


if __name__ == "__main__":
    import os
    from pathlib import Path

    samen = str(Path(sys.executable).parent / "samen")
    run(dict(os.environ), samen)
