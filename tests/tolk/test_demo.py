"""The demo population: deterministic, marked as example data, idempotent, fast, and its
month's statements reconcile with its assignments."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.db import connection

from samen.core import clock
from samen.tolk import afrekening, queries
from samen.tolk.demo import load_tolk
from samen.tolk.models import Aanvraag, Client, Opdracht, Tolk

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_demo_population():
    start = time.perf_counter()
    result = load_tolk()
    if connection.vendor == "postgresql":  # the target is on PostgreSQL
        assert time.perf_counter() - start < 2.0
    assert Client.objects.filter(voorbeeld=True).count() == 200
    assert Tolk.objects.filter(voorbeeld=True).count() == 40
    assert Opdracht.objects.count() > 100
    assert load_tolk() == "al aanwezig"
    first = list(Opdracht.objects.values_list("bedrag", flat=True).order_by("id"))
    assert result.endswith(f"{len(first)} opdrachten")
    month = clock.today().replace(day=1) - dt.timedelta(days=1)
    regels = queries.regels(month.year, month.month)
    overzichten = afrekening.statements(regels)
    amsterdam = [o for o in overzichten if o.gemeente == "GM0363"]
    assert amsterdam and all(o.totaal > 0 for o in amsterdam)
    assert sum((o.totaal for o in overzichten), Decimal(0)) == sum(first, Decimal(0))
    assert Aanvraag.objects.filter(status=Aanvraag.Status.OPEN).count() == 12
