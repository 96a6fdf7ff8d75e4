"""The campaign over a herindeling, and billing after a decline."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.abonnementen import queries as abonnementen_queries
from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Abonnement, Factuur
from samen.audit.models import AuditRegel
from samen.gemeenten.models import Gemeente, Herindeling
from samen.overeenkomsten import queries, services
from samen.overeenkomsten.models import Ondertekening
from tests import factories as f
from tests.overeenkomsten import factories as of

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HERINDELING = dt.date(2018, 1, 1)


@pytest.fixture
def merger():
    """A real merger of 1 January 2018 into a new municipality, with its predecessors."""
    herindeling = (
        Herindeling.objects.filter(datum=HERINDELING, soort="samenvoeging")
        .order_by("omschrijving")
        .first()
    )
    overgangen = list(herindeling.overgangen.select_related("voorganger", "opvolger"))
    opvolger = overgangen[0].opvolger
    voorgangers = sorted(
        {o.voorganger for o in overgangen if o.opvolger == opvolger}, key=lambda g: g.code
    )
    assert len(voorgangers) >= 2 and not opvolger.bestaat_op(dt.date(2017, 12, 31))
    return herindeling, opvolger, voorgangers


def test_successor_starts_at_least_advanced_and_is_flagged(merger):
    herindeling, opvolger, voorgangers = merger
    o = of.overeenkomst(start=dt.date(2017, 9, 1), deadline=dt.date(2018, 6, 1))
    of.teken(o, voorgangers[0], datum=dt.date(2017, 11, 1))
    services.record_step(o, voorgangers[1], "in_raad", datum=dt.date(2017, 10, 1))
    assert services.apply_herindelingen(o) >= 1
    assert services.apply_herindelingen(o) == 0  # idempotent
    ondertekening = Ondertekening.objects.get(overeenkomst=o, gemeente=opvolger)
    expected = "niet_gestart" if len(voorgangers) > 2 else "in_raad"
    assert ondertekening.status == expected
    assert ondertekening.te_bevestigen
    # Before the date the predecessors count with their own status, from it the successor.
    before = queries.statuses_on(o, dt.date(2017, 12, 31))
    assert before[voorgangers[0].code] == "getekend" and opvolger.code not in before
    after = queries.statuses_on(o, dt.date(2018, 1, 2))
    assert after[opvolger.code] == expected and voorgangers[0].code not in after
    # Waiting on the contact's start page until confirmed; confirming records the step again.
    assert o in queries.waiting_for(opvolger)
    services.record_step(o, opvolger, expected, datum=dt.date(2018, 1, 15))
    ondertekening.refresh_from_db()
    assert not ondertekening.te_bevestigen
    assert ondertekening.stappen.count() == 2


def _invoiced(arrangement, gemeente, jaar=2018):
    f.FactuurFactory(arrangement=arrangement, gemeente=gemeente, jaar=jaar)
    return Factuur.objects.get(
        arrangement=arrangement, gemeente=gemeente, jaar=jaar, soort="factuur"
    )


def test_decline_after_invoice_gets_credit_note_and_run_skips_it():
    arrangement = f.ArrangementFactory()
    gemeente = Gemeente.objects.get(code="GM0344")
    factuur = _invoiced(arrangement, gemeente)
    o = of.overeenkomst(arrangement, start=dt.date(2017, 9, 1), deadline=dt.date(2018, 6, 1))
    services.record_step(o, gemeente, "in_college", datum=dt.date(2018, 2, 1))
    services.record_step(o, gemeente, "afgewezen", datum=dt.date(2018, 3, 1), reden="raad wees af")
    credit = Factuur.objects.get(verwijst_naar=factuur)
    assert credit.soort == Factuur.Soort.CREDITNOTA and credit.totaal == -factuur.totaal
    abonnement = Abonnement.objects.get(arrangement=arrangement, gemeente=gemeente)
    assert abonnement.tot == dt.date(2018, 12, 31)
    assert (
        not abonnementen_queries.not_yet_invoiced(arrangement, 2019)
        .filter(gemeente=gemeente)
        .exists()
    )
    assert AuditRegel.objects.filter(
        object_type="abonnementen.abonnement", actie="wijzigen"
    ).exists()
    # The reconciliation reports the provider's shortfall for the year.
    rec = abonnementen_queries.reconcile(arrangement, 2018)
    assert rec["gefactureerd"] == 0 and rec["verschil"] < 0


def test_decline_before_the_term_removes_the_unbilled_subscription():
    arrangement = f.ArrangementFactory()
    gemeente = Gemeente.objects.get(code="GM0599")
    abonnementen.subscribe(arrangement, gemeente, dt.date(2018, 1, 1))
    o = of.overeenkomst(arrangement)
    services.record_step(
        o, gemeente, "afgewezen", datum=dt.date(2017, 5, 1), reden="eigen regeling"
    )
    assert not Abonnement.objects.filter(arrangement=arrangement, gemeente=gemeente).exists()
    with pytest.raises(services.Conflict):  # a decline is final: only a correction changes it
        services.record_step(o, gemeente, "in_raad", datum=dt.date(2017, 5, 20))


def test_corrected_decline_subscribes_again():
    arrangement = f.ArrangementFactory()
    gemeente = Gemeente.objects.get(code="GM0599")
    abonnementen.subscribe(arrangement, gemeente, dt.date(2018, 1, 1))
    o = of.overeenkomst(arrangement)
    services.record_step(
        o, gemeente, "afgewezen", datum=dt.date(2017, 5, 1), reden="eigen regeling"
    )
    services.record_step(
        o,
        gemeente,
        "getekend",
        datum=dt.date(2017, 5, 20),
        correctie=True,
        reden="toch getekend",
        getekend_door="wethouder",
        besluitreferentie="RB-1",
    )
    abonnement = Abonnement.objects.get(arrangement=arrangement, gemeente=gemeente)
    assert abonnement.van == dt.date(2018, 1, 1)
