"""Factories of agreements, made through the service as the application makes them."""

from __future__ import annotations

import datetime as dt

from samen.overeenkomsten import services

START = dt.date(2016, 12, 1)
DEADLINE = dt.date(2017, 6, 1)


def overeenkomst(arrangement=None, **kwargs):
    values = {
        "titel": "Abonnementsovereenkomst",
        "partijen": "VNG\nAKJ\nDe Kindertelefoon\nSensoor",
        "start": START,
        "deadline": DEADLINE,
        "arrangement": arrangement,
        "facturering_volgt": arrangement is not None,
    }
    values.update(kwargs)
    return services.create_agreement(**values)


def teken(o, gemeente, datum=dt.date(2017, 5, 1), user=None):
    services.record_step(o, gemeente, "in_college", datum=datum - dt.timedelta(days=30), user=user)
    return services.record_step(
        o,
        gemeente,
        "getekend",
        datum=datum,
        getekend_door="burgemeester",
        besluitreferentie=f"RB-{gemeente.code}",
        user=user,
    )
