"""The money records of collection cannot be rewritten or removed, in the database itself (on
PostgreSQL and on SQLite): what the bank booked stays as read, a payment line is passed on once,
distributions, reminders and settlements are append-only. State changes the services make
(matching, reversal, refund, distribution) still work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from samen.inning import services
from samen.inning.models import (
    Afdracht,
    Afdrachtkoppeling,
    Afdrachtperiode,
    Bankafschrift,
    Betaling,
    Betalingsregel,
    Herinnering,
)
from tests.inning.conftest import entry, statement

pytestmark = [pytest.mark.django_db]


def refused(match: str):
    return pytest.raises(DatabaseError, match=match)


@pytest.fixture
def distributed(factuur):
    """GM0014's invoice paid and passed on; another municipality's reminded."""
    from samen.abonnementen.models import Factuur

    services.import_statement(statement([entry(factuur)], "ao-1"), "ao-1.xml")
    services.run_distribution(dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    unpaid = Factuur.objects.filter(arrangement=factuur.arrangement, jaar=2018).exclude(
        pk=factuur.pk
    )[0]
    services.send_reminder(unpaid, "brief", dt.date(2018, 3, 1))
    return Betaling.objects.get(bankafschrift__identificatie="ao-1")


@pytest.mark.sqlite
def test_what_the_bank_booked_does_not_change(distributed):
    betaling = distributed
    for field, value in (
        ("bedrag", Decimal("1.00")),
        ("boekdatum", dt.date(2019, 1, 1)),
        ("bankreferentie", "ANDERS"),
        ("soort", Betaling.Soort.TERUGBOEKING),
    ):
        with refused("does not change"), transaction.atomic():
            Betaling.objects.filter(pk=betaling.pk).update(**{field: value})
    with refused("never deleted"), transaction.atomic():
        Betalingsregel.objects.filter(betaling=betaling)._raw_delete("default")
    # (the ORM refuses these too, through PROTECT; the database refuses the raw DELETE)
    with refused("never deleted"), transaction.atomic():
        Betaling.objects.filter(pk=betaling.pk)._raw_delete("default")
    with refused("does not change"), transaction.atomic():
        Bankafschrift.objects.filter(pk=betaling.bankafschrift_id).update(sha256="0" * 64)
    with refused("never deleted"), transaction.atomic():
        Bankafschrift.objects.filter(pk=betaling.bankafschrift_id)._raw_delete("default")
    # its state may change (as matching by hand, reversal and refund do)
    Betaling.objects.filter(pk=betaling.pk).update(reden="nagekeken")
    betaling.refresh_from_db()
    assert betaling.bedrag == sum(betaling.regels.values_list("bedrag", flat=True))


@pytest.mark.sqlite
def test_a_payment_lines_links_to_afdrachten_are_append_only(distributed):
    """A line is passed on through a link row; links are never changed or removed (a reversal
    adds a link, it does not clear one), and the line's booking does not change."""
    regel = Betalingsregel.objects.filter(betaling=distributed).first()
    link = Afdrachtkoppeling.objects.get(betalingsregel=regel)
    other = Afdracht.objects.exclude(pk=link.afdracht_id).first()
    assert other is not None  # one afdracht per service
    with refused("append-only"), transaction.atomic():
        Afdrachtkoppeling.objects.filter(pk=link.pk).update(afdracht=other)
    with refused("append-only"), transaction.atomic():
        Afdrachtkoppeling.objects.filter(pk=link.pk)._raw_delete("default")
    with refused("does not change"), transaction.atomic():
        Betalingsregel.objects.filter(pk=regel.pk).update(bedrag=regel.bedrag + 1)
    with refused("append-only"), transaction.atomic():
        Afdrachtperiode.objects.filter(pk=link.afdracht.periode_id).update(reden="anders")


@pytest.mark.sqlite
def test_distributions_and_reminders_are_append_only(distributed):
    afdracht = Afdracht.objects.first()
    with refused("append-only"), transaction.atomic():
        Afdracht.objects.filter(pk=afdracht.pk).update(bedrag=Decimal("0.00"))
    with refused("append-only"), transaction.atomic():
        Afdrachtperiode.objects.filter(pk=afdracht.periode_id).update(eind=dt.date(2018, 2, 1))
    with refused("append-only"), transaction.atomic():
        Herinnering.objects.all().delete()
    assert Herinnering.objects.count() == 1


def test_truncate_is_refused_on_postgresql(distributed):
    assert connection.vendor == "postgresql"  # not marked sqlite: runs in the PostgreSQL suite
    with connection.cursor() as cursor:  # the fixture's deferred FK checks, done now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in (
        "inning_betaling",
        "inning_afdracht",
        "inning_bankafschrift",
        "inning_afdrachtkoppeling",
    ):
        with refused("append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
