"""``abonnementen.services.invoice_amounts``: invoices for given amounts (allocation key,
regional compensation, per verrichting) through the existing invoicing: exact lines, gapless
numbers in the arrangement's series, idempotent, a failure leaves nothing, reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.abonnementen import queries, services
from samen.abonnementen.models import Arrangement, Factuur, Factuurregel, Nummerreeks, Vordering
from samen.core.errors import DomainError
from samen.gemeenten.models import Gemeente
from tests.factories import ArrangementFactory, DienstFactory, FactuurFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

DATUM = dt.date(2017, 12, 1)


def given_arrangement(soort=Arrangement.Soort.VERDEELSLEUTEL, reeks="", **kw):
    arrangement = ArrangementFactory(
        soort=soort, nummerreeks=reeks, tarief=Decimal("0"), diensten=False, indices=False, **kw
    )
    DienstFactory(arrangement=arrangement, code="a", budget=Decimal("2"), volgorde=0)
    DienstFactory(arrangement=arrangement, code="b", budget=Decimal("1"), volgorde=1)
    return arrangement


def amounts(n=3, base="1000.01"):
    gemeenten = list(Gemeente.objects.order_by("code")[:n])
    return [
        services.Bedrag(g.pk, Decimal(base) + i, f"aandeel {g.naam}", inwoners=1000 + i)
        for i, g in enumerate(gemeenten)
    ]


def test_invoices_given_amounts_with_exact_lines_and_ledger():
    arrangement = given_arrangement()
    bedragen = amounts()
    run = services.invoice_amounts(arrangement, 2018, bedragen, factuurdatum=DATUM)
    assert run.uitgegeven == 3
    facturen = Factuur.objects.filter(arrangement=arrangement).order_by("volgnummer")
    assert [f.totaal for f in facturen] == sorted(b.bedrag for b in bedragen)
    for f in facturen:
        regels = list(Factuurregel.objects.filter(factuur=f).values_list("bedrag", flat=True))
        assert sum(regels) == f.totaal
        assert f.abonnement_id is None
        assert f.uitgegeven and f.grondslag.startswith("aandeel ")
        assert Vordering.objects.get(factuur=f).bedrag == f.totaal
    assert queries.mismatches(arrangement) == []
    aansluiting = queries.reconcile(arrangement, 2018)
    assert aansluiting["gefactureerd"] == sum(b.bedrag for b in bedragen)
    assert aansluiting["afwijkingen"] == []
    assert queries.reconcile_given(arrangement, 2018, aansluiting["gefactureerd"])["verschil"] == 0


def test_second_call_creates_nothing():
    arrangement = given_arrangement()
    services.invoice_amounts(arrangement, 2018, amounts(), factuurdatum=DATUM)
    again = services.invoice_amounts(arrangement, 2018, amounts(), factuurdatum=DATUM)
    assert again.uitgegeven == 0 and again.al_aanwezig == 3
    assert Factuur.objects.filter(arrangement=arrangement).count() == 3


def test_shares_the_office_series_gapless_with_subscriptions():
    FactuurFactory(factuurdatum=DATUM)
    arrangement = given_arrangement()
    services.invoice_amounts(arrangement, 2018, amounts(), factuurdatum=DATUM)
    nummers = sorted(Factuur.objects.filter(reeks="").values_list("volgnummer", flat=True))
    assert nummers == [1, 2, 3, 4]
    assert Factuur.objects.get(arrangement=arrangement, volgnummer=2).nummer == "2017-000002"


def test_other_seller_has_its_own_series():
    FactuurFactory(factuurdatum=DATUM)
    tolk = given_arrangement(Arrangement.Soort.PER_VERRICHTING, reeks="tolk")
    services.invoice_amounts(tolk, 2018, amounts(2), periode="2018-01", factuurdatum=DATUM)
    services.invoice_amounts(tolk, 2018, amounts(2), periode="2018-02", factuurdatum=DATUM)
    facturen = Factuur.objects.filter(arrangement=tolk).order_by("volgnummer")
    assert [f.nummer for f in facturen] == [f"TOLK-2017-00000{i}" for i in range(1, 5)]
    assert Nummerreeks.objects.get(reeks="", jaar=2017).laatste == 1
    assert Nummerreeks.objects.get(reeks="tolk", jaar=2017).laatste == 4


def test_a_failure_leaves_nothing(monkeypatch):
    from samen.abonnementen.services import given_amounts

    arrangement = given_arrangement()

    def boom(*a, **kw):
        raise RuntimeError("stuk")

    monkeypatch.setattr(given_amounts, "_issue", boom)
    with pytest.raises(RuntimeError):
        services.invoice_amounts(arrangement, 2018, amounts(), factuurdatum=DATUM)
    assert not Factuur.objects.filter(arrangement=arrangement).exists()
    assert not Nummerreeks.objects.exists()


@pytest.mark.parametrize(
    "bedrag", [Decimal("0"), Decimal("-5.00"), Decimal("1.001"), Decimal("10") ** 13]
)
def test_bad_amounts_are_refused(bedrag):
    arrangement = given_arrangement()
    g = Gemeente.objects.order_by("code").first()
    with pytest.raises(DomainError):
        services.invoice_amounts(
            arrangement, 2018, [services.Bedrag(g.pk, bedrag, "x")], factuurdatum=DATUM
        )
    assert not Factuur.objects.exists()


def test_refuses_subscriptions_years_outside_term_and_duplicates():
    g = Gemeente.objects.order_by("code").first()
    b = services.Bedrag(g.pk, Decimal("1.00"), "x")
    with pytest.raises(DomainError):
        services.invoice_amounts(ArrangementFactory(), 2018, [b], factuurdatum=DATUM)
    with pytest.raises(DomainError):
        services.invoice_amounts(given_arrangement(), 2030, [b], factuurdatum=DATUM)
    with pytest.raises(DomainError):
        services.invoice_amounts(given_arrangement(), 2018, [b, b], factuurdatum=DATUM)
    assert not Factuur.objects.exists()


def test_a_given_amount_is_credited_in_full_only():
    arrangement = given_arrangement()
    services.invoice_amounts(arrangement, 2018, amounts(1), factuurdatum=DATUM)
    factuur = Factuur.objects.get(arrangement=arrangement)
    with pytest.raises(DomainError):
        services.correct_invoice(factuur, "fout", inwoners=5, factuurdatum=DATUM)
    credit = services.correct_invoice(factuur, "fout", volledig=True, factuurdatum=DATUM)
    assert credit.totaal == -factuur.totaal
    assert queries.mismatches(arrangement) == []
