"""The decision process and participation with binding levels, coverage, and audit."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.accounts.models import Rol
from samen.audit.models import AuditRegel
from samen.besluiten import queries as besluiten_queries
from samen.besluiten import services as besluiten
from samen.besluiten.models import Besluit, Verzoek
from samen.core.errors import DomainError
from samen.deelnames import queries, services
from samen.deelnames.models import Deelname
from samen.gemeenten.models import Gemeente

pytestmark = pytest.mark.django_db

D = dt.date
ADVIES = {
    "uitrol": "In 2017 zoveel mogelijk gemeenten.",
    "tijdpad": "2017–2018",
    "samenwerkingsvorm": "netwerk",
    "uitvoering": "landelijk",
    "voorwaarden": "De gemeente neemt de standaard over.",
    "uittredingsvoorwaarden": "Uittreden na twee jaar, met een opzegtermijn van zes maanden.",
    "uittreden_vanaf": D(2019, 1, 1),
}
BEOORDELING = {
    "impact_gemeenten": "Minder baliebezoek.",
    "impact_inwoners": "Sneller geholpen.",
    "maatschappelijke_baten": "€ 15 mln per jaar volgens het voorstel.",
    "opschaalbaarheid": "Landelijk bruikbaar.",
}


@pytest.fixture
def users(make_user):
    return {
        rol: make_user(rol, gemeente="GM0363" if rol == Rol.GEMEENTE else None)
        for rol in (Rol.GEMEENTE, Rol.TASKFORCE, Rol.COLLEGE, Rol.BESTUUR)
    }


def full_path(voorziening, users, binding="vrijwillig", uitkomst="vastgesteld", **extra):
    verzoek = besluiten.submit_request(
        voorziening,
        "Opschalen",
        "Kopgroep is klaar.",
        D(2017, 1, 10),
        user=users[Rol.GEMEENTE],
        steunende_gemeenten=["GM0363", "GM0599"],
    )
    besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), user=users[Rol.TASKFORCE])
    besluiten.advise(
        verzoek, {**ADVIES, "binding": binding}, D(2017, 3, 1), user=users[Rol.COLLEGE]
    )
    return besluiten.decide(verzoek, uitkomst, D(2017, 4, 1), user=users[Rol.BESTUUR], **extra)


def test_full_path_moves_the_voorziening_to_opschaling(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    besluit = full_path(v, users)
    v.refresh_from_db()
    assert v.fase == "opschaling"
    assert v.fasewijzigingen.last().besluit_referentie == besluit.nummer
    assert besluit.nummer == "B2017-001" and besluit.binding == "vrijwillig"
    assert besluit.verzoek.stap == "besloten"
    kinds = set(AuditRegel.objects.values_list("object_type", flat=True))
    assert {
        "besluiten.verzoek",
        "besluiten.beoordeling",
        "besluiten.advies",
        "besluiten.besluit",
    } <= kinds


def test_steps_in_order_only(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    verzoek = besluiten.submit_request(v, "x", "y", D(2017, 1, 1))
    with pytest.raises(DomainError):
        besluiten.advise(verzoek, {**ADVIES, "binding": "vrij"}, D(2017, 1, 2))
    with pytest.raises(DomainError):
        besluiten.decide(verzoek, "vastgesteld", D(2017, 1, 3))
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "ingediend"


def test_scaling_needs_development_or_later(make_voorziening):
    with pytest.raises(DomainError) as exc:
        besluiten.submit_request(make_voorziening(), "x", "y", D(2017, 1, 1))
    assert exc.value.problems[0].name == "voorziening"


def test_voluntary_binding_needs_exit_terms(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    verzoek = besluiten.submit_request(v, "x", "y", D(2017, 1, 1))
    besluiten.assess(verzoek, BEOORDELING, D(2017, 1, 2))
    with pytest.raises(DomainError) as exc:
        besluiten.advise(
            verzoek,
            {**ADVIES, "binding": "vrijwillig", "uittredingsvoorwaarden": ""},
            D(2017, 1, 3),
        )
    assert "uittredingsvoorwaarden" in {p.name for p in exc.value.problems}


def test_published_decision_is_immutable_and_amended_by_a_new_one(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    first = full_path(v, users)
    with pytest.raises(PermissionError):
        first.save()
    second = besluiten.amend(first, {"voorwaarden": "Nieuwe voorwaarden."}, D(2017, 6, 1))
    assert second.vervangt == first and second.voorwaarden == "Nieuwe voorwaarden."
    assert besluiten_queries.in_force(v) == second
    first = Besluit.objects.get(pk=first.pk)
    assert not first.in_force and first.voorwaarden == ADVIES["voorwaarden"]
    with pytest.raises(DomainError):
        besluiten.amend(first, {"voorwaarden": "x"}, D(2017, 7, 1))


def test_join_accepts_the_version_in_force_only(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    first = full_path(v, users)
    second = besluiten.amend(first, {"voorwaarden": "Nieuw."}, D(2017, 5, 1))
    utrecht = Gemeente.objects.get(code="GM0344")
    with pytest.raises(DomainError) as exc:
        services.join(utrecht, v, Besluit.objects.get(pk=first.pk), D(2017, 6, 1))
    assert exc.value.problems[0].code == "superseded"
    deelname = services.join(utrecht, v, second, D(2017, 6, 1), user=users[Rol.GEMEENTE])
    assert deelname.besluit == second and deelname.geaccepteerd_op is not None
    with pytest.raises(DomainError):
        services.join(utrecht, v, second, D(2017, 6, 2))


def test_leaving_follows_the_binding_level(make_voorziening, users):
    free = make_voorziening(fase="ontwikkeling")
    besluit = full_path(free, users, binding="vrij")
    d = services.join(Gemeente.objects.get(code="GM0344"), free, besluit, D(2017, 6, 1))
    services.leave(d, D(2017, 7, 1))
    assert Deelname.objects.get(pk=d.pk).status == "gestopt"

    bound = make_voorziening(fase="ontwikkeling")
    besluit = full_path(bound, users, binding="vrijwillig")
    d = services.join(Gemeente.objects.get(code="GM0344"), bound, besluit, D(2017, 6, 1))
    with pytest.raises(DomainError) as exc:
        services.leave(d, D(2018, 1, 1))
    assert "Uittreden na twee jaar" in exc.value.problems[0].reason
    assert Deelname.objects.get(pk=d.pk).tot is None
    services.leave(d, D(2019, 2, 1))
    assert Deelname.objects.get(pk=d.pk).tot == D(2019, 2, 1)


def test_binding_for_all_creates_every_participation(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    besluit = full_path(v, users, binding="algemeen")
    assert Deelname.objects.filter(voorziening=v).count() == 388  # municipalities on 1-4-2017
    d = Deelname.objects.get(voorziening=v, gemeente__code="GM0363")
    with pytest.raises(DomainError):
        services.leave(d, D(2018, 1, 1))
    services.record_non_compliance(d, "Eigen voorziening tot 2019.")
    assert Deelname.objects.get(pk=d.pk).besluit == besluit


def test_status_rules(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    besluit = full_path(v, users, binding="vrij")
    d = services.join(Gemeente.objects.get(code="GM0363"), v, besluit, D(2017, 5, 1))
    with pytest.raises(DomainError) as exc:
        services.update_status(d, "in_gebruik", D(2030, 1, 1), today=D(2026, 1, 1))
    assert exc.value.problems[0].name == "datum"
    with pytest.raises(DomainError):
        services.update_status(d, "gepland", D(2017, 6, 1), today=D(2026, 1, 1))
    # entered on the day it was planned: a planned date is not in the past on the day of entry
    services.update_status(
        d, "gepland", D(2017, 6, 1), gepland_op=D(2017, 9, 1), today=D(2017, 6, 1)
    )
    services.update_status(d, "in_gebruik", D(2017, 9, 1), today=D(2026, 1, 1))
    d.refresh_from_db()
    assert (d.status, d.live_op) == ("in_gebruik", D(2017, 9, 1))
    assert [s.status for s in d.statussen.all()] == ["geinteresseerd", "gepland", "in_gebruik"]


@pytest.mark.sqlite
def test_coverage_by_count_and_population_for_any_date(make_voorziening, users):
    v = make_voorziening(fase="ontwikkeling")
    besluit = full_path(v, users, binding="vrij")
    today = D(2026, 1, 1)
    ams = services.join(Gemeente.objects.get(code="GM0363"), v, besluit, D(2017, 5, 1))
    services.update_status(ams, "in_gebruik", D(2017, 9, 1), today=today)
    rdam = services.join(Gemeente.objects.get(code="GM0599"), v, besluit, D(2017, 5, 1))
    # entered on the day it was planned (a planned date is not in the past on the day of entry)
    services.update_status(
        rdam, "gepland", D(2017, 6, 1), gepland_op=D(2018, 1, 1), today=D(2017, 6, 1)
    )

    before = queries.coverage(v, D(2017, 8, 1))
    assert before.totaal == 388
    assert before.per_categorie == {"in_gebruik": 0, "gepland": 1, "geinteresseerd": 1, "niet": 386}
    after = queries.coverage(v, D(2018, 1, 1))
    assert after.per_categorie["in_gebruik"] == 1 and after.totaal == 380
    by_pop = queries.coverage(v, D(2018, 1, 1), weging="inwoners")
    assert by_pop.totaal == 17_081_507  # 1 January 2017 figures on the 2018 municipalities
    assert by_pop.per_categorie["in_gebruik"] == 844_947  # Amsterdam, 1-1-2017
    assert by_pop.per_provincie["Noord-Holland"]["in_gebruik"] == 844_947
    mid = queries.coverage(v, D(2022, 6, 1), weging="inwoners")  # after Weesp joined Amsterdam
    assert mid.totaal == 17_475_415 and "GM0457" not in mid.per_gemeente
