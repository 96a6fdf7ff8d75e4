"""Distribution to providers per period, exact to the cent and idempotent; a late credit note
becomes a negative afdracht; collected = distributed + held; overdue invoices and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Factuur
from samen.core.errors import DomainError
from samen.inning import queries, services
from samen.inning.models import Afdracht, Afdrachtperiode, Betaling, Betalingsregel, Herinnering
from tests.inning.conftest import entry, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

JAN = (dt.date(2018, 1, 1), dt.date(2018, 1, 31))
FEB = (dt.date(2018, 2, 1), dt.date(2018, 2, 28))
MRT = (dt.date(2018, 3, 1), dt.date(2018, 3, 31))


def facturen(billed, n):
    return list(Factuur.objects.filter(arrangement=billed, jaar=2018).order_by("volgnummer")[:n])


def lines_sum(**filters):
    total = {}
    for d, b in Betalingsregel.objects.filter(**filters).values_list("dienst_id", "bedrag"):
        total[d] = total.get(d, Decimal("0.00")) + b
    return total


def test_distribution_is_exact_idempotent_and_reconciles(billed):
    fs = facturen(billed, 30)
    jan = [entry(f, datum="2018-01-20") for f in fs[:20]]
    jan[0]["bedrag"] = Decimal("333.33")  # a partial payment
    feb = [entry(f, datum="2018-02-10") for f in fs[20:]]
    services.import_statement(statement(jan, ident="J"), "jan.xml")
    services.import_statement(statement(feb, ident="F"), "feb.xml")
    run = services.run_distribution(*JAN)
    assert run.nieuw
    expected = lines_sum(boekdatum__lte=JAN[1])
    assert {a.dienst_id: a.bedrag for a in run.afdrachten} == expected
    for a in run.afdrachten:
        assert a.aanbieder_id == a.dienst.aanbieder_id
    beheer = next(a for a in run.afdrachten if a.dienst.code == "beheer")
    assert beheer.aanbieder == billed.administratiekantoor  # the beheer line to the office
    # held: February's payments
    rec = queries.reconcile()
    assert rec.klopt, rec.afwijkingen
    assert rec.vastgehouden == sum(lines_sum(boekdatum__gt=JAN[1]).values())
    assert rec.geind == rec.afgedragen + rec.vastgehouden
    # running January again creates nothing new
    count = Afdracht.objects.count()
    again = services.run_distribution(*JAN)
    assert not again.nieuw and Afdracht.objects.count() == count
    # an overlapping period is refused
    with pytest.raises(DomainError):
        services.run_distribution(dt.date(2018, 1, 15), dt.date(2018, 2, 15))
    services.run_distribution(*FEB)
    rec = queries.reconcile()
    assert rec.klopt and rec.vastgehouden == 0
    paid = sum(b.bedrag for b in Betaling.objects.all())
    assert rec.afgedragen == paid == rec.ontvangen
    # per provider: each sees its own statement
    for row in rec.regels:
        assert row.geind == row.afgedragen + row.vastgehouden


def test_late_credit_note_becomes_a_negative_afdracht(billed):
    f = facturen(billed, 1)[0]
    services.import_statement(statement([entry(f, datum="2018-01-20")]), "jan.xml")
    services.run_distribution(*JAN)
    credit = abonnementen.correct_invoice(
        f, "te veel inwoners", volledig=True, factuurdatum=dt.date(2018, 2, 5)
    )
    run = services.run_distribution(*FEB)
    assert run.terugbetalingen == 1
    refund = Betaling.objects.get(soort="terugbetaling")
    assert refund.bedrag == credit.totaal == -f.totaal and refund.status == "terugbetalen"
    per_dienst = {a.dienst_id: a.bedrag for a in run.afdrachten}
    invoiced = dict(f.regels.values_list("dienst_id", "bedrag"))
    assert per_dienst == {d: -b for d, b in invoiced.items()}
    assert all(a.bedrag < 0 for a in run.afdrachten)
    assert queries.open_amount(f) == 0
    rec = queries.reconcile()
    assert rec.klopt and rec.afgedragen == 0
    # settled once: the next period has nothing from it
    assert services.run_distribution(*MRT).afdrachten == []


def test_credit_note_before_payment_settles_against_the_open_amount(billed):
    f = facturen(billed, 1)[0]
    credit = abonnementen.correct_invoice(
        f, "correctie", inwoners=f.inwoners - 1000, factuurdatum=dt.date(2018, 1, 5)
    )
    rest = f.totaal + credit.totaal
    services.import_statement(statement([entry(f, bedrag=rest)]), "jan.xml")
    b = Betaling.objects.get()
    assert b.status == "gekoppeld" and queries.open_amount(f) == 0
    run = services.run_distribution(*JAN)
    assert run.terugbetalingen == 0
    assert sum(a.bedrag for a in run.afdrachten) == rest
    # every line paid exactly what is invoiced on it after the credit note
    state = queries.line_state(f)
    assert all(s.open == 0 for s in state.values())


def test_reversal_after_distribution_is_negative_next_period(billed):
    f = facturen(billed, 1)[0]
    services.import_statement(statement([entry(f, e2e="R1")], ident="J"), "jan.xml")
    services.run_distribution(*JAN)
    rev = entry(f, e2e="R1", datum="2018-02-03", terugboeking=True)
    services.import_statement(statement([rev], ident="F"), "feb.xml")
    run = services.run_distribution(*FEB)
    assert sum(a.bedrag for a in run.afdrachten) == -f.totaal
    assert queries.reconcile().klopt


def test_provider_statement_is_its_own(billed, make_user):
    from samen.accounts.models import Organisatie, Rol

    fs = facturen(billed, 5)
    services.import_statement(statement([entry(f) for f in fs]), "jan.xml")
    services.run_distribution(*JAN)
    akj = Organisatie.objects.get(afkorting="AKJ")
    user = make_user(Rol.AANBIEDER, organisatie=akj)
    rows = list(queries.afdrachten_for(user))
    assert rows and {a.aanbieder_id for a in rows} == {akj.pk}
    assert rows[0].bedrag == sum(
        Betalingsregel.objects.filter(
            dienst__code="vertrouwenswerk", dienst__arrangement=billed
        ).values_list("bedrag", flat=True)
    )
    assert list(queries.afdrachten_for(make_user(Rol.GEMEENTE, gemeente="GM0014"))) == []


def test_periods_are_stored_once(billed):
    services.run_distribution(*JAN)
    assert Afdrachtperiode.objects.count() == 1
    with pytest.raises(DomainError):
        services.run_distribution(dt.date(2018, 3, 1), dt.date(2018, 2, 1))


def test_overdue_invoices_and_reminders(billed):
    fs = facturen(billed, 3)
    services.import_statement(statement([entry(fs[0]), entry(fs[1], bedrag="10.00")]), "x.xml")
    # due 2017-12-31; on 2018-01-10 two are overdue (the partly paid one for the rest)
    overdue = {f.pk: f.open for f in queries.overdue(dt.date(2018, 1, 10))}
    assert fs[0].pk not in overdue
    assert overdue[fs[1].pk] == fs[1].totaal - 10 and overdue[fs[2].pk] == fs[2].totaal
    assert not list(queries.overdue(dt.date(2017, 12, 31)))
    h = services.send_reminder(fs[2], "brief", dt.date(2018, 1, 10))
    assert h.volgnummer == 1
    for text in (fs[2].nummer, fs[2].betalingskenmerk, "31-12-2017", "€ "):
        assert text in h.tekst
    with pytest.raises(DomainError) as exc:
        services.send_reminder(fs[2], "email", dt.date(2018, 1, 20))
    assert "14 dagen" in str(exc.value)
    h2 = services.send_reminder(fs[2], "email", dt.date(2018, 1, 24))
    assert h2.volgnummer == 2 and "Onderwerp: tweede herinnering" in h2.tekst
    row = next(f for f in queries.overdue(dt.date(2018, 1, 25)) if f.pk == fs[2].pk)
    assert row.herinneringen_n == 2 and row.laatste_herinnering == dt.date(2018, 1, 24)
    with pytest.raises(DomainError):
        services.send_reminder(fs[0], "brief", dt.date(2018, 1, 10))  # paid
    with pytest.raises(DomainError):
        services.send_reminder(fs[1], "brief", dt.date(2017, 12, 20))  # not yet due
    assert Herinnering.objects.count() == 2
