"""Payment references of invoices in different number series (issue 21): each series numbers
from 1 every year, so ``2017-000001`` and ``TOLK-2017-000001`` exist side by side; the series
code in the reference keeps a payment from being booked on the wrong seller's invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.abonnementen import kenmerk
from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Arrangement, Factuur, Nummerreeks
from samen.core.errors import DomainError
from samen.gemeenten.models import Gemeente
from samen.inning import services
from samen.inning.models import Betaling
from tests.factories import ArrangementFactory, DienstFactory
from tests.inning.conftest import entry, office_details, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

DATUM = dt.date(2017, 12, 1)


def _arrangement(reeks: str):
    a = ArrangementFactory(
        soort=Arrangement.Soort.PER_VERRICHTING,
        nummerreeks=reeks,
        tarief=Decimal("0"),
        diensten=False,
        indices=False,
    )
    DienstFactory(arrangement=a, code="a", budget=Decimal("1"), volgorde=0)
    office_details(a.administratiekantoor)
    return a


def _invoice(arrangement, bedrag: str) -> Factuur:
    g = Gemeente.objects.order_by("code").first()
    abonnementen.invoice_amounts(
        arrangement,
        2018,
        [abonnementen.Bedrag(g.pk, Decimal(bedrag), "opdrachten", inwoners=1)],
        periode="2018-01",
        factuurdatum=DATUM,
    )
    return Factuur.objects.get(arrangement=arrangement)


def test_the_same_number_in_two_series_has_two_references_and_each_payment_finds_its_own():
    office = _invoice(_arrangement(""), "100.00")
    tolk = _invoice(_arrangement("tolk"), "250.00")
    assert (office.nummerjaar, office.volgnummer) == (tolk.nummerjaar, tolk.volgnummer)
    assert office.nummer == "2017-000001" and tolk.nummer == "TOLK-2017-000001"
    assert office.betalingskenmerk != tolk.betalingskenmerk
    services.import_statement(
        statement(
            [
                entry(tolk, omschrijving=f"kenmerk {tolk.betalingskenmerk}"),
                entry(office, omschrijving=f"kenmerk {office.betalingskenmerk}"),
            ]
        ),
        "x.xml",
    )
    booked = {b.factuur_id: b.bedrag for b in Betaling.objects.filter(status="gekoppeld")}
    assert booked == {tolk.pk: Decimal("250.00"), office.pk: Decimal("100.00")}


def test_a_hand_registered_payment_on_the_other_series_reference_books_on_that_invoice():
    office = _invoice(_arrangement(""), "100.00")
    tolk = _invoice(_arrangement("tolk"), "250.00")
    b = services.register_payment(
        bedrag="250,00",
        boekdatum=dt.date(2018, 2, 1),
        betalingskenmerk=tolk.betalingskenmerk,
        idempotentiesleutel="serie-1",
    )
    assert b.status == "gekoppeld" and b.factuur_id == tolk.pk != office.pk


def test_a_new_series_with_the_code_of_another_is_refused_before_numbering():
    code = kenmerk.series_code("tolk")
    twin = next(f"r{i}" for i in range(10_000) if kenmerk.series_code(f"r{i}") == code)
    _invoice(_arrangement("tolk"), "1.00")
    with pytest.raises(DomainError) as exc:
        _invoice(_arrangement(twin), "1.00")
    assert exc.value.problems[0].code == "series_clash"
    assert not Nummerreeks.objects.filter(reeks=twin).exists()
    assert not Factuur.objects.filter(reeks=twin).exists()
