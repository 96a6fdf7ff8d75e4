"""Fixtures: the subscriptions' test arrangement billed for 2018 on the real CBS register, and
a writer of CAMT.053 statements."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from samen.abonnementen.demo_ubl import VOORBEELD_IBAN
from samen.inning import camt
from tests.abonnementen.conftest import arrangement, kantoor, make_arrangement  # noqa: F401

IBAN = VOORBEELD_IBAN  # the office's account (its Afzendergegevens)
_refs = itertools.count(1)


@pytest.fixture
def billed(arrangement):  # noqa: F811
    from samen.abonnementen import services

    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    office_details(arrangement.administratiekantoor)
    return arrangement


def office_details(organisatie):
    """The office's details (the one source of its name and IBAN), as the demo makes them."""
    from samen.abonnementen.demo_ubl import voorbeeld_afzendergegevens
    from samen.abonnementen.models import Afzendergegevens

    found = Afzendergegevens.objects.filter(organisatie=organisatie).first()
    if found is None:
        found = voorbeeld_afzendergegevens(organisatie)
        found.save()
    return found


@pytest.fixture
def factuur(billed):
    from samen.abonnementen.models import Factuur

    return Factuur.objects.get(arrangement=billed, jaar=2018, gemeente__code="GM0014")


def entry(factuur=None, bedrag=None, datum="2018-01-15", **kw):
    n = next(_refs)
    e = {
        "ref": kw.pop("ref", f"B{n:08d}"),
        "e2e": kw.pop("e2e", f"E2E-{n}"),
        "datum": datum,
        "bedrag": bedrag if bedrag is not None else factuur.totaal,
        "naam": factuur.gemeente.naam if factuur else "Onbekend",
        "iban": "NL20INGB0001234567",
        "omschrijving": kw.pop(
            "omschrijving",
            f"Factuur {factuur.nummer} kenmerk {factuur.betalingskenmerk}" if factuur else "",
        ),
    }
    e.update(kw)
    return e


def statement(entries, ident="2018-001", rekening=IBAN) -> bytes:
    return camt.build(ident, rekening, entries, "2018-01-31T18:00:00")
