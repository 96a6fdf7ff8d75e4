"""Ending a subscription (``services.end_subscription``): the end moves only earlier, with a
reason in the audit trail; the next billing run leaves the municipality out; an issued invoice
stands."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.abonnementen import services
from samen.abonnementen.models import Abonnement, Factuur
from samen.audit.models import Actie, AuditRegel
from samen.core.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _abonnement(arrangement, code="GM0014"):
    return Abonnement.objects.get(arrangement=arrangement, gemeente__code=code)


def test_ending_leaves_the_municipality_out_of_the_next_run(arrangement, make_user):
    user = make_user("administratiekantoor")
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    a = services.end_subscription(
        _abonnement(arrangement), dt.date(2018, 12, 31), "afgewezen in de raad", user
    )
    assert a.tot == dt.date(2018, 12, 31)
    row = AuditRegel.objects.filter(actie=Actie.WIJZIGEN, object_id=str(a.pk)).latest("pk")
    assert row.toelichting == "afgewezen in de raad" and row.na == {"tot": "2018-12-31"}
    services.billing_run(arrangement, 2019, factuurdatum=dt.date(2018, 12, 1))
    invoiced = set(
        Factuur.objects.filter(arrangement=arrangement, gemeente__code="GM0014").values_list(
            "jaar", flat=True
        )
    )
    assert invoiced == {2018}


def test_the_end_never_moves_later_and_a_reason_is_required(arrangement):
    a = _abonnement(arrangement)
    services.end_subscription(a, dt.date(2019, 12, 31), "gestopt")
    again = services.end_subscription(a, dt.date(2020, 12, 31), "later")
    assert again.tot == dt.date(2019, 12, 31)
    with pytest.raises(DomainError) as info:
        services.end_subscription(a, dt.date(2018, 12, 31), "  ")
    assert [p.name for p in info.value.problems] == ["reden"]
    with pytest.raises(DomainError) as info:
        services.end_subscription(a, dt.date(1850, 1, 1), "")
    assert {p.name for p in info.value.problems} == {"reden", "tot"}
    assert _abonnement(arrangement).tot == dt.date(2019, 12, 31)


def test_ending_before_the_start_removes_a_never_invoiced_one_and_keeps_an_invoiced_one(
    arrangement,
):
    never = _abonnement(arrangement, "GM0014")
    assert services.end_subscription(never, dt.date(2017, 12, 31), "nooit begonnen") is None
    assert not Abonnement.objects.filter(pk=never.pk).exists()
    assert AuditRegel.objects.filter(actie=Actie.VERWIJDEREN, object_id=str(never.pk)).exists()

    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    invoiced = _abonnement(arrangement, "GM0034")
    kept = services.end_subscription(invoiced, dt.date(2017, 12, 31), "toch niet")
    assert kept.tot == kept.van == dt.date(2018, 1, 1)
    assert Factuur.objects.filter(abonnement=kept, jaar=2018).count() == 1
