"""Test data for the interpreter service, made through its services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from samen.gemeenten.models import Gemeente
from samen.tolk import services

JAAR = 2026
BEGIN = dt.datetime(JAAR, 3, 10, 9, 0, tzinfo=dt.UTC)


def gemeente(code: str) -> Gemeente:
    return Gemeente.objects.get(code=code)


def client(
    code: str = "GM0363",
    tolktypen=("ngt",),
    uren=Decimal("100"),
    domein="leef",
    participatiewet=False,
    jaar=JAAR,
):
    c = services.inschrijven(gemeente(code), list(tolktypen), dt.date(2025, 1, 1))
    services.indicatie_toekennen(c, domein, jaar, uren, participatiewet=participatiewet)
    return c


def tolk(code: str = "GM0363", kwalificaties=("ngt",), naam=None, **kw):
    tolk.n = getattr(tolk, "n", 0) + 1
    return services.tolk_vastleggen(
        naam or f"Tolk {tolk.n}", list(kwalificaties), gemeente(code), **kw
    )


def aanvraag(c=None, begin=BEGIN, duur=60, plaats="GM0363", **kw):
    c = c or client()
    domein = kw.pop("domein", c.indicaties.first().domein)
    return services.aanvragen(
        c,
        domein=domein,
        tolktype=kw.pop("tolktype", "ngt"),
        begin=begin,
        duur_minuten=duur,
        plaats=None if kw.get("op_afstand") else gemeente(plaats),
        **kw,
    )


def tarief(jaar=JAAR):
    return services.tarieftabel_vaststellen(jaar, "60.00", "45.00", "0.23")
