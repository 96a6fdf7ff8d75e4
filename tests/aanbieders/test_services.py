"""The rules of submitting, adopting, asking and answering, and renewal decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.aanbieders import services
from samen.aanbieders.bestanden import clean_filename
from samen.aanbieders.models import MAX_GROOTTE, Antwoord, Verantwoordingsdocument, Vraag
from samen.abonnementen.models import Arrangement
from samen.audit.models import AuditRegel
from samen.besluiten.models import Besluit, Soort
from samen.core.errors import DomainError
from tests.aanbieders.conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _fields(error: DomainError) -> set[str]:
    return {p.name for p in error.problems}


def test_provider_submits_a_pdf(ingediend, aanbieder, akj):
    assert ingediend.aanbieder == akj
    assert ingediend.status == "ingediend" and ingediend.versie == 1 and ingediend.actueel
    assert bytes(ingediend.inhoud) == PDF and len(ingediend.sha256) == 64
    assert ingediend.ingediend_door == aanbieder and ingediend.besluit is None
    assert AuditRegel.objects.filter(object_id=str(ingediend.uuid), actie="aanmaken").exists()


def test_filename_is_sanitised():
    assert clean_filename("../../etc/passwd") == "passwd.pdf"
    assert clean_filename("C:\\stukken\\Jaar plan<2018>.PDF") == "Jaar plan_2018_.PDF"
    assert clean_filename("") == "document.pdf"


@pytest.mark.parametrize(
    "inhoud, field, status",
    [
        (b"GIF89a not a pdf", "bestand", 400),
        (b"", "bestand", 400),
        (PDF + b"x" * MAX_GROOTTE, "bestand", 413),
    ],
)
def test_only_pdfs_up_to_5_mb(arrangement, aanbieder, inhoud, field, status):
    with pytest.raises(DomainError) as exc:
        services.submit_document(arrangement, 2018, "begroting", "b.pdf", inhoud, user=aanbieder)
    assert field in _fields(exc.value) and exc.value.status == status
    assert not Verantwoordingsdocument.objects.exists()


def test_every_problem_is_named(arrangement, aanbieder):
    with pytest.raises(DomainError) as exc:
        services.submit_document(arrangement, 2030, "memo", "x.txt", b"hallo", user=aanbieder)
    assert _fields(exc.value) == {"jaar", "soort", "bestand"}


def test_wrong_role_and_a_service_not_provided(arrangement, make_user, gemeente):
    from samen.accounts.models import Organisatie

    with pytest.raises(DomainError) as exc:
        services.submit_document(arrangement, 2018, "jaarplan", "p.pdf", PDF, user=gemeente)
    assert exc.value.status == 403 and _fields(exc.value) == {"rol"}
    vreemd = Organisatie.objects.create(naam="Vreemd", soort="aanbieder")
    with pytest.raises(DomainError) as exc:
        services.submit_document(
            arrangement,
            2018,
            "jaarplan",
            "p.pdf",
            PDF,
            user=make_user("aanbieder", organisatie=vreemd),
        )
    assert exc.value.status == 403 and _fields(exc.value) == {"arrangement"}
    assert not Verantwoordingsdocument.objects.exists()


def test_a_new_version_replaces_one_not_adopted_and_keeps_history(ingediend, aanbieder, commissie):
    tweede = services.submit_document(
        ingediend.arrangement, 2018, "jaarplan", "plan-v2.pdf", PDF + b"%v2", user=aanbieder
    )
    ingediend.refresh_from_db()
    assert not ingediend.actueel and tweede.actueel and tweede.versie == 2
    assert Verantwoordingsdocument.objects.count() == 2
    with pytest.raises(DomainError) as exc:
        services.decide_document(ingediend, True, user=commissie)
    assert exc.value.status == 409
    services.decide_document(tweede, True, user=commissie)
    with pytest.raises(DomainError) as exc:
        services.submit_document(
            ingediend.arrangement, 2018, "jaarplan", "plan-v3.pdf", PDF, user=aanbieder
        )
    assert exc.value.status == 409 and _fields(exc.value) == {"soort"}


def test_a_rejected_document_may_be_submitted_again(ingediend, aanbieder, commissie):
    with pytest.raises(DomainError) as exc:
        services.decide_document(ingediend, False, user=commissie)
    assert _fields(exc.value) == {"toelichting"}
    services.decide_document(ingediend, False, toelichting="Onvolledig", user=commissie)
    ingediend.refresh_from_db()
    assert ingediend.status == "afgewezen" and ingediend.gepubliceerd_op is None
    assert ingediend.besluit.uitkomst == Besluit.Uitkomst.AFGEWEZEN
    nieuw = services.submit_document(
        ingediend.arrangement, 2018, "jaarplan", "plan.pdf", PDF, user=aanbieder
    )
    assert nieuw.versie == 2


def test_adoption_creates_a_published_decision_and_publishes(vastgesteld, commissie):
    besluit = vastgesteld.besluit
    assert vastgesteld.status == "vastgesteld" and vastgesteld.gepubliceerd_op is not None
    assert besluit.soort == Soort.VASTSTELLING and besluit.uitkomst == "vastgesteld"
    assert besluit.nummer.startswith("B") and besluit.gebruiker == commissie
    with pytest.raises(PermissionError):
        besluit.save()
    with pytest.raises(DomainError) as exc:
        services.decide_document(vastgesteld, True, user=commissie)
    assert exc.value.status == 409
    assert Besluit.objects.filter(soort=Soort.VASTSTELLING).count() == 1


def test_only_the_committee_adopts(ingediend, aanbieder, bureau):
    for user in (aanbieder, bureau):
        with pytest.raises(DomainError) as exc:
            services.decide_document(ingediend, True, user=user)
        assert exc.value.status == 403 and _fields(exc.value) == {"rol"}
    assert not Besluit.objects.exists()


def test_questions_and_answers(
    vastgesteld, gemeente, andere_gemeente, aanbieder, ander_aanbieder, commissie
):
    from samen.aanbieders import queries

    vraag = services.ask_question(vastgesteld, "Hoeveel contacten?", user=gemeente)
    assert vraag.gemeente.code == "GM0014"
    # a municipality cannot answer; another provider cannot answer for this one
    for user in (gemeente, ander_aanbieder, commissie):
        with pytest.raises(DomainError) as exc:
            services.answer_question(vraag, "Veel.", user=user)
        assert exc.value.status == 403
    services.answer_question(vraag, "Ongeveer 10.000.", user=aanbieder)
    assert Antwoord.objects.get().door == aanbieder
    # every municipality reads every question and answer on published documents
    assert list(queries.questions_for(andere_gemeente)) == [vraag]
    assert list(queries.questions_for(None)) == []
    with pytest.raises(DomainError) as exc:
        services.ask_question(vastgesteld, "  ", user=gemeente)
    assert _fields(exc.value) == {"tekst"}


def test_no_questions_on_unpublished_documents(ingediend, gemeente):
    from samen.aanbieders import queries

    with pytest.raises(DomainError) as exc:
        services.ask_question(ingediend, "Vraag?", user=gemeente)
    assert _fields(exc.value) == {"document"}
    assert not Vraag.objects.exists()
    assert list(queries.documents_for(gemeente)) == []
    assert not queries.may_read_file(gemeente, ingediend)


def test_visibility(ingediend, vastgesteld, aanbieder, ander_aanbieder, gemeente, commissie):
    from samen.aanbieders import queries
    from samen.aanbieders.models import Verantwoordingsdocument as V

    eigen = services.submit_document(
        ingediend.arrangement, 2019, "begroting", "b.pdf", PDF, user=aanbieder
    )
    assert set(queries.documents_for(aanbieder)) == {V.objects.get(pk=vastgesteld.pk), eigen}
    assert list(queries.documents_for(ander_aanbieder)) == [V.objects.get(pk=vastgesteld.pk)]
    assert list(queries.documents_for(None)) == [V.objects.get(pk=vastgesteld.pk)]
    assert queries.documents_for(commissie).count() == 2
    assert queries.may_read_file(gemeente, vastgesteld)
    assert not queries.may_read_file(None, vastgesteld)
    assert queries.may_read_file(aanbieder, eigen) and not queries.may_read_file(
        ander_aanbieder, eigen
    )


def test_renewal_extends_the_arrangement(arrangement, bureau):
    v = services.record_renewal(
        arrangement, dt.date(2020, 11, 25), True, 2025, "ALV 2020", user=bureau
    )
    arrangement.refresh_from_db()
    assert arrangement.laatste_jaar == 2025 and v.oud_laatste_jaar == 2021
    assert v.besluit.soort == Soort.VERLENGING and "2025" in v.besluit.titel
    regel = AuditRegel.objects.get(
        object_type="abonnementen.arrangement", toelichting__startswith="verlengd bij besluit"
    )
    assert regel.voor == {"laatste_jaar": 2021} and regel.na["laatste_jaar"] == 2025


def test_renewal_not_extended_ends_as_planned(arrangement, bureau):
    v = services.record_renewal(
        arrangement, dt.date(2020, 11, 25), False, toelichting="ALV 2020", user=bureau
    )
    arrangement.refresh_from_db()
    assert arrangement.laatste_jaar == 2021 and not v.verlengd
    assert v.besluit.soort == Soort.VERLENGING
    assert AuditRegel.objects.filter(
        object_type="abonnementen.arrangement", toelichting__startswith="niet verlengd"
    ).exists()


@pytest.mark.parametrize(
    "datum, verlengd, nieuw, field",
    [
        (dt.date(2022, 1, 10), True, 2025, "datum"),
        (dt.date(2020, 11, 25), True, 2021, "nieuw_laatste_jaar"),
        (dt.date(2020, 11, 25), True, None, "nieuw_laatste_jaar"),
        (dt.date(2020, 11, 25), False, 2025, "nieuw_laatste_jaar"),
    ],
)
def test_renewal_refusals(arrangement, bureau, datum, verlengd, nieuw, field):
    with pytest.raises(DomainError) as exc:
        services.record_renewal(arrangement, datum, verlengd, nieuw, "ALV", user=bureau)
    assert field in _fields(exc.value)
    assert Arrangement.objects.get(pk=arrangement.pk).laatste_jaar == 2021
    assert not Besluit.objects.exists()


@pytest.mark.parametrize("toelichting", ["", "   "])
def test_a_renewal_outside_samen_needs_its_reason(arrangement, bureau, toelichting):
    with pytest.raises(DomainError) as exc:
        services.record_renewal(
            arrangement, dt.date(2020, 11, 25), True, 2025, toelichting, user=bureau
        )
    assert _fields(exc.value) == {"toelichting"}
    assert Arrangement.objects.get(pk=arrangement.pk).laatste_jaar == 2021
    assert not Besluit.objects.exists()


def test_only_the_programme_office_records_renewal(arrangement, commissie):
    with pytest.raises(DomainError) as exc:
        services.record_renewal(
            arrangement, dt.date(2020, 11, 25), True, 2025, "ALV 2020", user=commissie
        )
    assert exc.value.status == 403


@pytest.mark.parametrize("datum", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2999, 1, 1)])
def test_decision_dates_outside_the_plausible_range_are_refused(ingediend, commissie, datum):
    """Issue 13: a decision dated in the future or before the platform's years is refused with
    the field and the range named."""
    with pytest.raises(DomainError) as exc:
        services.decide_document(ingediend, True, datum, user=commissie)
    assert "datum" in _fields(exc.value)
    assert not Besluit.objects.exists()


@pytest.mark.parametrize("datum", [dt.date(1, 1, 1), dt.date(2999, 1, 1)])
def test_renewal_dates_outside_the_plausible_range_are_refused(arrangement, bureau, datum):
    with pytest.raises(DomainError) as exc:
        services.record_renewal(arrangement, datum, False, toelichting="ALV", user=bureau)
    assert "datum" in _fields(exc.value)
    assert not Besluit.objects.exists()
