"""Payments: CAMT.053 and CSV imports matched on the payment reference and amount, partial
payments divided over the lines to the cent, batches, reversals, duplicates, unknown and
malformed input (all or nothing, errors naming file, entry and field), matching by hand,
herindelingen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Factuur, Vordering
from samen.audit.models import AuditRegel
from samen.core.errors import DomainError
from samen.inning import queries, services
from samen.inning.models import Bankafschrift, Betaling, Betalingsregel
from tests.inning.conftest import IBAN, entry, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def other(billed, code):
    return Factuur.objects.get(arrangement=billed, jaar=2018, gemeente__code=code)


def ledger_open(f):
    return queries.open_amount(f)


def test_exact_payment_is_matched_and_booked_for_the_holder(factuur):
    r = services.import_statement(statement([entry(factuur)]), "jan.xml")
    assert (r.gekoppeld, r.ongematcht) == (1, 0)
    b = Betaling.objects.get()
    assert b.status == "gekoppeld" and b.factuur == factuur and b.gemeente == factuur.gemeente
    regels = dict(b.regels.values_list("dienst__code", "bedrag"))
    assert regels == dict(factuur.regels.values_list("dienst__code", "bedrag"))
    assert ledger_open(factuur) == Decimal("0.00")
    v = Vordering.objects.get(factuur=factuur, soort="betaling")
    assert v.bedrag == -factuur.totaal and v.gemeente == factuur.gemeente
    assert AuditRegel.objects.filter(object_type="inning.bankafschrift").count() == 1
    assert queries.reconcile().klopt


def test_partial_payment_is_divided_over_the_open_lines_exactly(factuur):
    lines = dict(factuur.regels.values_list("dienst_id", "bedrag"))
    services.import_statement(statement([entry(factuur, bedrag=Decimal("1000.01"))]), "a.xml")
    b = Betaling.objects.get()
    parts = dict(b.regels.values_list("dienst_id", "bedrag"))
    assert sum(parts.values()) == Decimal("1000.01")
    total = sum(lines.values())
    for d, part in parts.items():  # within a cent of the exact share of the open line
        assert abs(part - Decimal("1000.01") * lines[d] / total) < Decimal("0.01")
    assert ledger_open(factuur) == factuur.totaal - Decimal("1000.01")
    # the rest pays the rest of every line exactly
    rest = factuur.totaal - Decimal("1000.01")
    services.import_statement(statement([entry(factuur, bedrag=rest)], ident="2"), "b.xml")
    paid = {}
    for d, bedrag in Betalingsregel.objects.values_list("dienst_id", "bedrag"):
        paid[d] = paid.get(d, 0) + bedrag
    assert paid == lines
    assert ledger_open(factuur) == 0


def test_batch_entry_gives_one_payment_per_transaction(billed):
    a, b = other(billed, "GM0014"), other(billed, "GM0034")
    batch = {
        "ref": "BATCH-1",
        "datum": "2018-01-20",
        "batch": [entry(a) | {"ref": "BATCH-1-A"}, entry(b) | {"ref": "BATCH-1-B"}],
    }
    r = services.import_statement(statement([batch]), "batch.xml")
    assert r.gekoppeld == 2
    assert set(Betaling.objects.values_list("bankreferentie", flat=True)) == {
        "BATCH-1-A",
        "BATCH-1-B",
    }
    assert ledger_open(a) == ledger_open(b) == 0


def test_batch_whose_transactions_do_not_add_up_is_refused(billed):
    a, b = other(billed, "GM0014"), other(billed, "GM0034")
    batch = {"ref": "X", "datum": "2018-01-20", "batch": [entry(a), entry(b)]}
    data = statement([batch]).replace(f">{a.totaal}</Amt></TxAmt>".encode(), b">1.00</Amt></TxAmt>")
    with pytest.raises(DomainError) as exc:
        services.import_statement(data, "batch.xml")
    assert "Ntry 1" in str(exc.value) and "batch.xml" in str(exc.value)
    assert not Betaling.objects.exists()


def test_reversal_undoes_the_allocation_with_new_entries(factuur):
    pay = entry(factuur, e2e="E2E-REV")
    services.import_statement(statement([pay]), "jan.xml")
    original = Betaling.objects.get()
    rev = entry(factuur, e2e="E2E-REV", datum="2018-02-01", terugboeking=True)
    r = services.import_statement(statement([rev], ident="2018-002"), "feb.xml")
    assert r.teruggeboekt == 1
    original.refresh_from_db()
    assert original.status == "teruggeboekt"
    reversal = Betaling.objects.get(soort="terugboeking")
    assert reversal.origineel == original and reversal.bedrag == -factuur.totaal
    assert {(x.dienst_id, -x.bedrag) for x in reversal.regels.all()} == {
        (x.dienst_id, x.bedrag) for x in original.regels.all()
    }
    assert Vordering.objects.filter(factuur=factuur, soort="terugboeking").get().bedrag == (
        factuur.totaal
    )
    assert ledger_open(factuur) == factuur.totaal  # open again, originals untouched
    assert queries.reconcile().klopt


def test_reversal_of_an_unknown_payment_is_an_error(factuur):
    rev = entry(factuur, e2e="E2E-NOBODY", terugboeking=True)
    with pytest.raises(DomainError) as exc:
        services.import_statement(statement([entry(factuur), rev]), "x.xml")
    assert "onbekende betaling" in str(exc.value) and "Ntry 2" in str(exc.value)
    assert "x.xml" in str(exc.value)
    assert not Betaling.objects.exists() and not Bankafschrift.objects.exists()
    assert not Vordering.objects.filter(soort="betaling").exists()


def test_the_same_statement_twice_changes_nothing(factuur):
    data = statement([entry(factuur)])
    services.import_statement(data, "jan.xml")
    before = (Betaling.objects.count(), Vordering.objects.count(), AuditRegel.objects.count())
    r = services.import_statement(data, "jan-kopie.xml")
    assert r.al_ingelezen and "al ingelezen" in r.bericht
    assert (
        Betaling.objects.count(),
        Vordering.objects.count(),
        AuditRegel.objects.count(),
    ) == before
    # same statement id and account with other content: refused, nothing changes
    with pytest.raises(DomainError) as exc:
        services.import_statement(statement([entry(factuur)]), "jan2.xml")
    assert exc.value.status == 409
    assert Betaling.objects.count() == before[0]


def test_a_bank_reference_in_two_files_is_booked_once(factuur):
    pay = entry(factuur, ref="B-SAME")
    services.import_statement(statement([pay], ident="A"), "a.xml")
    r = services.import_statement(statement([pay], ident="B"), "b.xml")
    assert (r.gekoppeld, r.overgeslagen) == (0, 1)
    assert Betaling.objects.count() == 1 and ledger_open(factuur) == 0
    # and the database refuses a second row with the same bank reference
    with pytest.raises(IntegrityError), transaction.atomic():
        Betaling.objects.create(
            status="ongematcht", bankreferentie="B-SAME", boekdatum=dt.date(2018, 1, 1), bedrag=1
        )


@pytest.mark.parametrize(
    ("omschrijving", "bedrag", "reden"),
    [
        ("zonder kenmerk", None, "geen geldig betalingskenmerk"),
        ("kenmerk 1201800009999999", None, "geen geldig"),  # wrong check digit
        ("kenmerk {unknown}", None, "onbekend betalingskenmerk"),
        ("kenmerk {kenmerk}", "plus", "meer dan het openstaande bedrag"),
    ],
)
def test_unknown_references_and_overpayments_are_not_matched(factuur, omschrijving, bedrag, reden):
    from samen.abonnementen.kenmerk import betalingskenmerk

    text = omschrijving.format(
        kenmerk=factuur.betalingskenmerk, unknown=betalingskenmerk(2017, 999_999)
    )
    amount = factuur.totaal + Decimal("0.01") if bedrag == "plus" else factuur.totaal
    r = services.import_statement(
        statement([entry(factuur, bedrag=amount, omschrijving=text)]), "x.xml"
    )
    assert r.ongematcht == 1
    b = Betaling.objects.get()
    assert b.status == "ongematcht" and reden in b.reden and not b.regels.exists()
    assert ledger_open(factuur) == factuur.totaal
    assert list(queries.unmatched()) == [b]
    assert queries.reconcile().klopt


def test_a_payment_for_a_paid_invoice_is_not_matched_twice(factuur):
    services.import_statement(statement([entry(factuur), entry(factuur)]), "x.xml")
    first, second = Betaling.objects.order_by("id")
    assert first.status == "gekoppeld"
    assert second.status == "ongematcht" and "al betaald" in second.reden
    assert ledger_open(factuur) == 0


def test_malformed_xml_names_the_file(billed):
    with pytest.raises(DomainError) as exc:
        services.import_statement(b"<Document><Stmt></Document>", "kapot.xml")
    assert "kapot.xml" in str(exc.value) and "geen geldige XML" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        services.import_statement(
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<d>&x;</d>",
            "xxe.xml",
        )
    assert "DOCTYPE" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        services.import_statement(b"<Document xmlns='urn:other'/>", "ander.xml")
    assert "camt.053.001.02" in str(exc.value)
    assert not Bankafschrift.objects.exists()


def test_an_error_in_one_entry_stores_nothing(factuur):
    data = statement([entry(factuur), entry(factuur, datum="2018-13-45")])
    with pytest.raises(DomainError) as exc:
        services.import_statement(data, "jan.xml")
    assert "Ntry 2" in str(exc.value) and "BookgDt" in str(exc.value)
    assert not Betaling.objects.exists() and not Bankafschrift.objects.exists()


def test_debits_that_are_not_reversals_are_skipped(factuur):
    r = services.import_statement(
        statement([entry(factuur), entry(None, bedrag="12.50", debet=True)]), "x.xml"
    )
    assert (r.gekoppeld, r.overgeslagen) == (1, 1)


CSV_HEADER = (
    "rekening;afschrift;boekdatum;bankreferentie;eindtoeindid;bijaf;bedrag;terugboeking;"
    "tegenrekening;naam;omschrijving\n"
)


def test_csv_statement(factuur):
    amount = str(factuur.totaal).replace(".", ",")
    data = CSV_HEADER + (
        f"{IBAN};C-1;2018-01-15;CSV-1;E-1;bij;{amount};nee;NL20INGB0001234567;"
        f"Groningen;kenmerk {factuur.betalingskenmerk}\n"
        f"{IBAN};C-1;2018-01-16;CSV-2;E-9;af;5,00;nee;;bank;kosten\n"
        f"{IBAN};C-1;2018-01-17;CSV-3;E-1;af;{amount};ja;;Groningen;storno\n"
    )
    r = services.import_statement(data.encode(), "jan.csv")
    assert (r.gekoppeld, r.teruggeboekt, r.overgeslagen) == (1, 1, 1)
    assert ledger_open(factuur) == factuur.totaal
    bad = CSV_HEADER + f"{IBAN};C-2;15-01-2018;CSV-9;E;bij;12,3x;nee;;x;y\n"
    with pytest.raises(DomainError) as exc:
        services.import_statement(bad.encode(), "fout.csv")
    text = str(exc.value)
    assert "fout.csv, regel 2, veld boekdatum" in text and "veld bedrag" in text


def test_match_by_hand_and_mark_refund(factuur, billed):
    services.import_statement(
        statement([entry(factuur, omschrijving="contributie"), entry(None, bedrag="99.00")]),
        "x.xml",
    )
    first, second = Betaling.objects.order_by("id")
    services.match_by_hand(first, factuur)
    first.refresh_from_db()
    assert first.status == "gekoppeld" and ledger_open(factuur) == 0
    with pytest.raises(DomainError):
        services.match_by_hand(second, factuur)  # already paid
    services.mark_refund(second, "onbekende betaler")
    second.refresh_from_db()
    assert second.status == "terugbetalen"
    with pytest.raises(DomainError):
        services.mark_refund(second)
    assert AuditRegel.objects.filter(object_type="inning.betaling").count() == 2


def test_register_by_hand(factuur):
    b = services.register_payment(
        bedrag="100,00",
        boekdatum=dt.date(2018, 2, 1),
        betalingskenmerk=factuur.betalingskenmerk,
        idempotentiesleutel="t-1",
    )
    assert b.status == "gekoppeld" and b.handmatig
    assert ledger_open(factuur) == factuur.totaal - 100
    with pytest.raises(DomainError) as exc:
        services.register_payment(
            bedrag="-1", boekdatum=dt.date(2018, 2, 1), betalingskenmerk="1", bankreferentie="x"
        )
    assert {p.name for p in exc.value.problems} == {"bedrag", "betalingskenmerk"}


def test_payment_for_a_predecessors_invoice_books_at_the_successor(billed):
    haren = other(billed, "GM0017")
    abonnementen.billing_run(billed, 2019, factuurdatum=dt.date(2018, 12, 1))
    # applied on 2019-01-01 by the 2019 run: Haren's open receivable is Groningen's now
    groningen = Factuur.objects.get(arrangement=billed, jaar=2019, gemeente__code="GM0014").gemeente
    services.import_statement(statement([entry(haren, datum="2019-02-01")]), "feb.xml")
    b = Betaling.objects.get()
    assert b.status == "gekoppeld" and b.factuur == haren and b.gemeente == groningen
    v = Vordering.objects.get(factuur=haren, soort="betaling")
    assert v.gemeente == groningen and v.bedrag == -haren.totaal
    assert queries.open_per_holder(haren) == {haren.gemeente_id: 0, groningen.pk: 0}
