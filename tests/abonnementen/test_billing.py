"""Billing runs on the real CBS register: one invoice per paying municipality, exact amounts,
gapless numbers, idempotence, failure leaves nothing, immutability, corrections, herindelingen
and reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.db.models import Sum

from samen.abonnementen import queries, services
from samen.abonnementen.models import (
    Abonnement,
    Factuur,
    Factuurregel,
    Factuurrun,
    Vordering,
)
from samen.core.errors import Conflict, DomainError
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import bevolking_voor_jaar

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

DATUM = dt.date(2017, 12, 1)


def run(arrangement, jaar, **kw):
    kw.setdefault("factuurdatum", dt.date(jaar - 1, 12, 1))
    return services.billing_run(arrangement, jaar, **kw)


def test_one_invoice_per_paying_municipality_with_exact_amounts(arrangement):
    result = run(arrangement, 2018)
    bevolking = bevolking_voor_jaar(2018)
    facturen = Factuur.objects.filter(arrangement=arrangement, jaar=2018)
    assert result.status == Factuurrun.Status.GEREED
    assert result.uitgegeven == facturen.count() == len(bevolking.per_gemeente) == 380
    amsterdam = facturen.get(gemeente__code="GM0363")
    assert amsterdam.prijs == Decimal("0.67")  # exempt from Luisterend Oor at 0.90
    assert amsterdam.vrijgesteld == "luisterend-oor"
    assert amsterdam.inwoners == bevolking.per_gemeente["GM0363"]
    assert amsterdam.totaal == amsterdam.inwoners * Decimal("0.67")
    assert sorted(amsterdam.regels.values_list("dienst__code", flat=True)) == [
        "beheer",
        "kindertelefoon",
        "vertrouwenswerk",
    ]
    gewoon = facturen.get(gemeente__code="GM0014")
    assert gewoon.prijs == Decimal("0.90")
    assert gewoon.regels.count() == 4
    # every invoice's lines add up to its total; every total is inhabitants x price
    assert queries.mismatches(arrangement) == []
    total = facturen.aggregate(s=Sum("totaal"))["s"]
    expected = sum(Decimal(f.inwoners) * f.prijs for f in facturen.only("inwoners", "prijs"))
    assert total == expected
    lines = Factuurregel.objects.filter(factuur__in=facturen).aggregate(s=Sum("bedrag"))["s"]
    assert lines == total


def test_numbers_are_gapless_in_code_order_with_payment_references(arrangement):
    run(arrangement, 2018)
    facturen = list(
        Factuur.objects.filter(arrangement=arrangement, jaar=2018).order_by("volgnummer")
    )
    first = Factuur.objects.filter(nummerjaar=2017).order_by("volgnummer").first().volgnummer
    assert [f.volgnummer for f in facturen] == list(range(first, first + len(facturen)))
    codes = [f.gemeente.code for f in facturen]
    assert codes == sorted(codes)
    assert all(f.nummerjaar == 2017 and f.factuurdatum == DATUM for f in facturen)
    assert facturen[0].nummer == f"2017-{first:06d}"
    assert len({f.betalingskenmerk for f in facturen}) == len(facturen)
    # the next document continues the series without a gap
    correctie = services.correct_invoice(
        facturen[0], "test", inwoners=facturen[0].inwoners + 10, factuurdatum=DATUM
    )
    assert correctie.volgnummer == facturen[-1].volgnummer + 1


def test_a_second_run_creates_nothing_and_says_so(arrangement):
    run(arrangement, 2018)
    count = Factuur.objects.count()
    again = run(arrangement, 2018)
    assert Factuur.objects.count() == count
    assert again.uitgegeven == 0 and again.al_aanwezig == 380
    assert "niets nieuw" in again.bericht


def test_a_run_while_another_runs_is_refused(arrangement, make_user):
    Factuurrun.objects.create(arrangement=arrangement, jaar=2018)
    with pytest.raises(Conflict, match="loopt al"):
        run(arrangement, 2018)
    assert not Factuur.objects.filter(arrangement=arrangement).exists()
    # the database itself refuses a second running run for the same year
    with pytest.raises(DatabaseError), transaction.atomic():
        Factuurrun.objects.create(arrangement=arrangement, jaar=2018)


def test_a_stale_run_is_taken_over(arrangement):
    stale = Factuurrun.objects.create(arrangement=arrangement, jaar=2018)
    Factuurrun.objects.filter(pk=stale.pk).update(
        bijgewerkt_op=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    result = run(arrangement, 2018)
    stale.refresh_from_db()
    assert stale.status == Factuurrun.Status.MISLUKT
    assert result.uitgegeven == 380


def test_a_failed_run_leaves_no_invoice_and_a_retry_completes_once(arrangement):
    with pytest.raises(RuntimeError):
        run(arrangement, 2018, batch_size=50, _fail_after_batches=2)
    failed = Factuurrun.objects.get(arrangement=arrangement)
    assert failed.status == Factuurrun.Status.MISLUKT
    assert not Factuur.objects.filter(arrangement=arrangement).exists()
    assert not Factuurregel.objects.filter(factuur__arrangement=arrangement).exists()
    numbers_before = Factuur.objects.filter(nummerjaar=2017).count()
    result = run(arrangement, 2018, batch_size=50)
    assert result.uitgegeven == 380
    assert Factuur.objects.filter(arrangement=arrangement).count() == 380
    # the failed run took no numbers: the series has no gap
    vols = sorted(Factuur.objects.filter(nummerjaar=2017).values_list("volgnummer", flat=True))
    assert vols == list(range(1, numbers_before + 381))


def test_progress_is_reported_per_batch(arrangement):
    from samen.core.jobs import Progress
    from samen.core.models import Taak

    taak = Taak.objects.create(soort="abonnementen.factuurrun", omschrijving="test")
    result = run(arrangement, 2018, batch_size=100, progress=Progress(taak), taak=taak)
    taak.refresh_from_db()
    assert (taak.totaal, taak.gedaan) == (380, 380)
    assert result.taak_id == taak.pk and result.concepten == 380


@pytest.mark.parametrize(
    ("jaar", "fout"),
    [(2017, "buiten de looptijd"), (2022, "buiten de looptijd")],
)
def test_year_outside_the_term_is_refused(arrangement, jaar, fout):
    with pytest.raises(DomainError) as info:
        run(arrangement, jaar)
    assert fout in str(info.value)
    assert info.value.problems[0].name == "jaar"
    assert not Factuurrun.objects.filter(arrangement=arrangement).exists()


def test_missing_index_is_refused(make_arrangement):
    arrangement = make_arrangement(indices={2018: "0", 2020: "1"})
    with pytest.raises(DomainError, match="indexcijfer ontbreekt voor 2019"):
        run(arrangement, 2020)
    assert not Factuur.objects.filter(arrangement=arrangement).exists()


def test_invoices_use_the_indexed_tariff(arrangement):
    run(arrangement, 2019)
    f = Factuur.objects.get(arrangement=arrangement, jaar=2019, gemeente__code="GM0014")
    # 0.90 x 1.00 x 1.02 = 0.918 -> 0.92
    assert f.prijs == Decimal("0.92")
    g4 = Factuur.objects.get(arrangement=arrangement, jaar=2019, gemeente__code="GM0599")
    # 0.92 - round(0.92 x 3.94/15.32) = 0.92 - 0.24 = 0.68
    assert g4.prijs == Decimal("0.68")


def test_overlapping_exemption_is_refused(arrangement):
    abonnement = Abonnement.objects.get(arrangement=arrangement, gemeente__code="GM0363")
    lo = arrangement.diensten.get(code="luisterend-oor")
    with pytest.raises(DomainError) as info:
        services.add_exemption(
            abonnement, lo, dt.date(2019, 1, 1), dt.date(2020, 12, 31), "nog een keer"
        )
    assert [p.code for p in info.value.problems] == ["overlap"]
    assert abonnement.vrijstellingen.count() == 1


def test_subscription_for_a_municipality_that_does_not_exist_is_refused(make_arrangement):
    arrangement = make_arrangement(subscribe=False)
    leeuwarderadeel = Gemeente.objects.get(code="GM0081")  # merged into Leeuwarden 2018-01-01
    with pytest.raises(DomainError, match="bestaat niet op 01-01-2018"):
        services.subscribe(arrangement, leeuwarderadeel, dt.date(2018, 1, 1))
    assert not Abonnement.objects.filter(arrangement=arrangement).exists()


def test_issued_invoices_are_immutable_in_the_model_and_the_database(arrangement):
    run(arrangement, 2018)
    f = Factuur.objects.filter(arrangement=arrangement).first()
    f.totaal = Decimal("1.00")
    with pytest.raises(PermissionError):
        f.save()
    with pytest.raises(PermissionError):
        f.delete()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Factuur.objects.filter(pk=f.pk).update(totaal=Decimal("1.00"))
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Factuurregel.objects.filter(factuur=f).update(bedrag=Decimal("1.00"))
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Factuurregel.objects.filter(factuur=f).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Vordering.objects.filter(factuur=f).update(bedrag=Decimal("0"))
    f.refresh_from_db()
    assert f.totaal == sum(f.regels.values_list("bedrag", flat=True))


def test_credit_note_and_supplementary_invoice_reference_the_original(arrangement):
    run(arrangement, 2018)
    f = Factuur.objects.get(arrangement=arrangement, jaar=2018, gemeente__code="GM0014")
    credit = services.correct_invoice(
        f, "CBS-correctie", inwoners=f.inwoners - 1000, factuurdatum=DATUM
    )
    assert credit.soort == Factuur.Soort.CREDITNOTA
    assert credit.verwijst_naar == f and credit.uitgegeven
    assert credit.totaal == Decimal("-900.00")
    assert sum(credit.regels.values_list("bedrag", flat=True)) == credit.totaal
    extra = services.correct_invoice(f, "weer terug", inwoners=f.inwoners + 10)
    assert extra.soort == Factuur.Soort.AANVULLEND
    assert extra.totaal == Decimal("909.00")  # from the corrected 1000 fewer to 10 more
    full = services.correct_invoice(f, "vervalt", volledig=True)
    assert full.totaal == -(f.totaal + credit.totaal + extra.totaal)
    assert queries.open_amount(f) + queries.open_amount(credit) + queries.open_amount(
        extra
    ) + queries.open_amount(full) == Decimal("0.00")
    with pytest.raises(DomainError, match="niets te corrigeren"):
        services.correct_invoice(f, "nog eens", volledig=True)
    f.refresh_from_db()
    assert f.totaal == f.inwoners * f.prijs  # the original never changed
    assert queries.mismatches(arrangement) == []


def test_correction_needs_a_reason_and_one_kind(arrangement):
    run(arrangement, 2018)
    f = Factuur.objects.filter(arrangement=arrangement).first()
    with pytest.raises(DomainError) as info:
        services.correct_invoice(f, "", inwoners=1, volledig=True)
    assert {p.name for p in info.value.problems} == {"reden", "inwoners"}
    assert not Factuur.objects.filter(verwijst_naar=f).exists()


def test_herindeling_moves_subscriptions_and_open_receivables(arrangement):
    run(arrangement, 2018)
    # 2019-01-01: Haren, Groningen and Ten Boer merge into Groningen (GM0014 goes on as code? no:
    # the new Groningen is GM0014; Haren GM0017 and Ten Boer GM0009 are dissolved)
    haren = Factuur.objects.get(arrangement=arrangement, jaar=2018, gemeente__code="GM0017")
    totaal_voor = haren.totaal
    run(arrangement, 2019)
    ended = Abonnement.objects.get(arrangement=arrangement, gemeente__code="GM0017")
    assert ended.tot == dt.date(2018, 12, 31)
    assert not Factuur.objects.filter(arrangement=arrangement, jaar=2019, gemeente__code="GM0017")
    successor = Abonnement.objects.get(arrangement=arrangement, gemeente__code="GM0014")
    assert ended in successor.voorgangers.all()
    haren.refresh_from_db()
    assert haren.totaal == totaal_voor and haren.gemeente.code == "GM0017"  # unchanged
    assert queries.open_amount(haren, haren.gemeente_id) == Decimal("0.00")
    assert queries.open_amount(haren, successor.gemeente_id) == totaal_voor
    # the successor sees the predecessor's invoice among its own
    from samen.accounts.models import Gebruiker

    contact = Gebruiker.objects.create(
        username="groningen", rol="gemeente", gemeente_id=successor.gemeente_id
    )
    assert queries.invoices_for(contact).filter(pk=haren.pk).exists()
    # running it again moves nothing twice
    before = Vordering.objects.count()
    services.apply_herindelingen(arrangement, dt.date(2019, 1, 1))
    assert Vordering.objects.count() == before


def test_split_divides_the_receivable_pro_rata(arrangement):
    for jaar in (2018, 2019, 2020):
        run(arrangement, jaar)
    # Haaren (GM0788) was divided over four municipalities on 2021-01-01
    haaren = Factuur.objects.get(arrangement=arrangement, jaar=2020, gemeente__code="GM0788")
    run(arrangement, 2021)
    parts = dict(
        Vordering.objects.filter(factuur=haaren, soort="overdracht", bedrag__gt=0).values_list(
            "gemeente__code", "bedrag"
        )
    )
    assert len(parts) == 4
    assert sum(parts.values()) == haaren.totaal
    assert queries.open_amount(haaren) == haaren.totaal
    assert queries.open_amount(haaren, haaren.gemeente_id) == Decimal("0.00")


def test_reconciliation_per_year_and_service(arrangement):
    run(arrangement, 2018)
    r = queries.reconcile(arrangement, 2018)
    assert r["afwijkingen"] == []
    assert r["gefactureerd"] == sum(x.gefactureerd for x in r["regels"])
    lo = next(x for x in r["regels"] if x.dienst == "luisterend-oor")
    g4 = Factuur.objects.filter(
        arrangement=arrangement,
        jaar=2018,
        gemeente__code__in=["GM0363", "GM0599", "GM0518", "GM0344"],
    ).aggregate(n=Sum("inwoners"))["n"]
    assert lo.vrijgesteld == g4 * Decimal("0.23")
    assert lo.budget == Decimal("3940000.00")  # 0% index in 2018
    assert lo.verschil == lo.gefactureerd - lo.budget < 0
    assert r["verschil"] == r["gefactureerd"] - r["budget"]


def test_what_if_gives_a_covering_tariff(arrangement):
    result = queries.what_if(arrangement, 2018, {"GM0014"})
    lo = next(x for x in result["regels"] if x.dienst == "luisterend-oor")
    kt = next(x for x in result["regels"] if x.dienst == "kindertelefoon")
    assert lo.betalende_inwoners < kt.betalende_inwoners
    for row in result["regels"]:
        assert row.nodig_afgerond * row.betalende_inwoners >= row.budget
    assert result["dekkend_tarief"] == sum(r.nodig_afgerond for r in result["regels"])


def test_setting_an_index_after_issuing_is_refused(arrangement):
    run(arrangement, 2018)
    with pytest.raises(DomainError, match="al facturen uitgegeven"):
        services.set_index(arrangement, 2018, "3")
