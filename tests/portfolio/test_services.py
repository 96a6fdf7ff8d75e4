"""Portfolio services: registration, phases, business case, scores, weightings, roadmap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.audit.models import AuditRegel
from samen.core import clock
from samen.core.errors import DomainError
from samen.portfolio import businesscase, queries, services
from samen.portfolio.models import Fasewijziging, Mijlpaal, Score, Voorziening, WegingVersie

pytestmark = pytest.mark.django_db


def problems(exc) -> dict[str, str]:
    return {p.name: p.reason for p in exc.value.problems}


def test_register_with_factsheet_and_history(org, office):
    v = services.create_voorziening(
        {
            "naam": "Rijbewijzen",
            "korte_omschrijving": "Aanvraag en afgifte van rijbewijzen.",
            "spoor": 1,
            "domein": "publieksdienstverlening",
            "soort": "werkproces",
            "gebruikers": "beide",
            "startdatum": dt.date(2016, 11, 30),
            "ontwikkelaars": ["RDW"],
            "kopgroep": ["GM0363", "GM0599"],
        },
        {
            "wat_is_het": "Een nieuw proces.",
            "kosten_jaarlijks_min": "500",
            "kosten_jaarlijks_max": "2500",
        },
        user=office,
        fase="opschaling",
    )
    assert v.fase == "opschaling"
    assert list(v.ontwikkelaars.values_list("afkorting", flat=True)) == ["RDW"]
    assert sorted(v.kopgroep.values_list("code", flat=True)) == ["GM0363", "GM0599"]
    assert v.factsheet.kosten_jaarlijks_max == Decimal("2500")
    history = list(v.fasewijzigingen.all())
    assert [(h.van_fase, h.naar_fase) for h in history] == [("", "opschaling")]
    audit = AuditRegel.objects.get(object_type="portfolio.voorziening", object_id=str(v.uuid))
    assert audit.gebruiker == office
    assert audit.na["naam"] == "Rijbewijzen"


def test_registration_lists_every_problem_and_saves_nothing(db):
    before = Voorziening.objects.count()
    with pytest.raises(DomainError) as exc:
        services.create_voorziening(
            {
                "naam": "",
                "spoor": 3,
                "domein": "x",
                "soort": "y",
                "gebruikers": "z",
                "startdatum": "gisteren",
                "ontwikkelaars": ["ONBEKEND"],
                "kopgroep": ["GM9999"],
            },
            {"kosten_eenmalig_min": "10", "kosten_eenmalig_max": "5", "besparing_fte_min": "-1"},
        )
    found = problems(exc)
    for name in (
        "naam",
        "korte_omschrijving",
        "spoor",
        "domein",
        "soort",
        "gebruikers",
        "startdatum",
        "ontwikkelaars",
        "kopgroep",
        "factsheet.kosten_eenmalig_max",
        "factsheet.besparing_fte_min",
    ):
        assert name in found, name
    assert Voorziening.objects.count() == before


def test_phase_moves_one_step_forward(make_voorziening, office):
    v = make_voorziening()
    services.change_phase(v, "ontwikkeling", dt.date(2017, 2, 1), user=office)
    v.refresh_from_db()
    assert v.fase == "ontwikkeling"
    with pytest.raises(DomainError) as exc:
        services.change_phase(v, "implementatie", dt.date(2017, 3, 1), user=office)
    assert "fase" in problems(exc)
    v.refresh_from_db()
    assert v.fase == "ontwikkeling"
    assert Fasewijziging.objects.filter(voorziening=v).count() == 2


def test_step_back_needs_a_reason(make_voorziening):
    v = make_voorziening(fase="implementatie")
    with pytest.raises(DomainError) as exc:
        services.change_phase(v, "opschaling", dt.date(2017, 3, 1))
    assert "reden" in problems(exc)
    change = services.change_phase(v, "opschaling", dt.date(2017, 3, 1), reden="Pilot mislukt.")
    assert change.reden == "Pilot mislukt."


def test_ended_from_any_phase_and_then_final(make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    services.change_phase(v, "beeindigd", dt.date(2017, 3, 1), besluit_referentie="B-1")
    with pytest.raises(DomainError):
        services.change_phase(v, "ontwikkeling", dt.date(2017, 4, 1), reden="toch")
    assert v.fasewijzigingen.last().besluit_referentie == "B-1"


def test_phase_change_not_before_previous(make_voorziening):
    v = make_voorziening(startdatum=dt.date(2017, 6, 1))
    with pytest.raises(DomainError) as exc:
        services.change_phase(v, "ontwikkeling", dt.date(2017, 1, 1))
    assert "datum" in problems(exc)


def test_businesscase_ranges():
    b = businesscase.benefit(150000, "1.5", "5", "20", 0)
    assert b.hours.low == Decimal("225000.0")
    assert b.hours.high == Decimal("750000.0")
    assert b.gross.low == Decimal("4500000.00")
    assert b.gross.high == Decimal("15000000.00")
    share = businesscase.population_share(931298, 17942942)
    local = businesscase.benefit(150000, "1.5", "5", "20", 0, share=share)
    assert Decimal("0") < local.gross.low < local.gross.high < b.gross.high
    with pytest.raises(ValueError):
        businesscase.benefit(1, "5", "1", "20")


def test_businesscase_validation(make_voorziening):
    v = make_voorziening()
    with pytest.raises(DomainError) as exc:
        services.set_businesscase(
            v,
            {
                "volume_per_jaar": "-1",
                "tijdwinst_uren_min": "5",
                "tijdwinst_uren_max": "1",
                "uurtarief": "x",
                "volume_omschrijving": "",
            },
        )
    found = problems(exc)
    assert {"volume_per_jaar", "tijdwinst_uren_max", "uurtarief", "volume_omschrijving"} <= set(
        found
    )


def test_score_outside_scale_is_refused(make_voorziening, criteria, taskforce):
    v = make_voorziening()
    with pytest.raises(DomainError) as exc:
        services.give_score(v, criteria[0], 6, "te hoog", user=taskforce)
    assert "waarde" in problems(exc)
    with pytest.raises(DomainError) as exc:
        services.give_score(v, criteria[0], 3, "  ", user=taskforce)
    assert "onderbouwing" in problems(exc)
    assert not Score.objects.filter(voorziening=v).exists()
    score = services.give_score(v, criteria[0], "4.5", "Sterke waarde.", user=taskforce)
    assert score.door and score.gegeven_door == taskforce


def test_weights_negative_or_all_zero_refused(criteria):
    with pytest.raises(DomainError) as exc:
        services.create_weging("x", {"dienstverlening": -1, "bedrijfsvoering": 1, "opschaling": 1})
    assert "gewichten.dienstverlening" in problems(exc)
    with pytest.raises(DomainError) as exc:
        services.create_weging("x", {"dienstverlening": 0, "bedrijfsvoering": 0, "opschaling": 0})
    assert "gewichten" in problems(exc)
    with pytest.raises(DomainError) as exc:
        services.create_weging("x", {"dienstverlening": 1})
    assert "gewichten.opschaling" in problems(exc)
    assert not WegingVersie.objects.exists()


def test_published_ranking_is_reproducible(make_voorziening, criteria, taskforce):
    a, b = make_voorziening(), make_voorziening()
    at = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
    for c in criteria:
        services.give_score(a, c, 4, "a", at=at)
        services.give_score(b, c, 2, "b", at=at)
    versie = services.create_weging("gelijk", {c.code: 1 for c in criteria})
    versie = services.publish_weging(versie, at=at + dt.timedelta(days=1))
    before = [(r.voorziening.naam, r.rang) for r in queries.ranking_for(versie).rows]
    assert before == [(a.naam, 1), (b.naam, 2)]
    for c in criteria:  # later scores do not change the published ranking
        services.give_score(b, c, 5, "beter")
    assert [(r.voorziening.naam, r.rang) for r in queries.ranking_for(versie).rows] == before
    concept = services.create_weging("nieuw", {c.code: 1 for c in criteria})
    assert queries.ranking_for(concept).rows[0].voorziening == b
    with pytest.raises(DomainError):
        services.publish_weging(versie)


def test_ties_are_explicit(make_voorziening, criteria):
    a, b, c3 = make_voorziening(), make_voorziening(), make_voorziening()
    for c in criteria:
        services.give_score(a, c, 3, "x")
        services.give_score(b, c, 3, "x")
        services.give_score(c3, c, 1, "x")
    versie = services.create_weging("gelijk", {c.code: 1 for c in criteria})
    rows = queries.ranking_for(versie).rows
    assert [r.rang for r in rows] == [1, 1, 3]
    assert rows[0].gelijk_met == [rows[1].voorziening]


def test_incompletely_scored_are_listed_apart(make_voorziening, criteria):
    a, b = make_voorziening(), make_voorziening()
    for c in criteria:
        services.give_score(a, c, 3, "x")
    services.give_score(b, criteria[0], 3, "x")
    result = queries.ranking_for(services.create_weging("g", {c.code: 1 for c in criteria}))
    assert [r.voorziening for r in result.rows] == [a]
    assert result.onvolledig == [b]


def test_roadmap_versions_compare(make_voorziening):
    a, b = make_voorziening(), make_voorziening()
    with clock.replaying(dt.date(2017, 1, 2)):  # roadmaps of 2017, entered as in 2017
        one = services.create_routekaart(
            "v1",
            [
                {
                    "voorziening": str(a.uuid),
                    "jaar": 2017,
                    "kwartaal": 2,
                    "naar_fase": "ontwikkeling",
                },
                {"voorziening": str(b.uuid), "jaar": 2017, "kwartaal": 3, "omschrijving": "pilot"},
            ],
        )
        two = services.create_routekaart(
            "v2",
            [
                {
                    "voorziening": str(a.uuid),
                    "jaar": 2018,
                    "kwartaal": 1,
                    "naar_fase": "ontwikkeling",
                },
                {
                    "voorziening": str(a.uuid),
                    "jaar": 2018,
                    "kwartaal": 4,
                    "naar_fase": "opschaling",
                },
            ],
        )
    diff = {(d.voorziening.naam, d.omschrijving): d for d in queries.compare_routekaarten(one, two)}
    assert diff[(a.naam, "naar ontwikkeling")].soort == "verschoven"
    assert (diff[(a.naam, "naar ontwikkeling")].van, diff[(a.naam, "naar ontwikkeling")].naar) == (
        "2017 K2",
        "2018 K1",
    )
    assert diff[(a.naam, "naar opschaling")].soort == "toegevoegd"
    assert diff[(b.naam, "pilot")].soort == "vervallen"
    assert Mijlpaal.objects.filter(versie=one).count() == 2  # the old version is kept


def test_milestone_before_start_is_refused(make_voorziening):
    v = make_voorziening(startdatum=dt.date(2018, 5, 1))
    with pytest.raises(DomainError) as exc:
        services.create_routekaart(
            "v", [{"voorziening": str(v.uuid), "jaar": 2018, "kwartaal": 1, "omschrijving": "x"}]
        )
    assert "mijlpalen.0.kwartaal" in problems(exc)
    with pytest.raises(DomainError) as exc:
        services.create_routekaart(
            "v", [{"voorziening": str(v.uuid), "jaar": 2018, "kwartaal": 5, "omschrijving": "x"}]
        )
    assert "mijlpalen.0.kwartaal" in problems(exc)


def test_municipality_impact_uses_the_population_rule(make_voorziening):
    v = make_voorziening()
    services.set_businesscase(
        v,
        {
            "volume_omschrijving": "aangiften",
            "volume_per_jaar": 150000,
            "tijdwinst_uren_min": "1.5",
            "tijdwinst_uren_max": "5",
            "uurtarief": "20",
            "volume_bron": "cbs",
        },
    )
    from samen.gemeenten.models import Gemeente

    v = queries.voorziening_detail(v.uuid)
    impact = queries.gemeente_impact(v, Gemeente.objects.get(code="GM0363"), 2025)
    assert impact.inwoners == 931298  # 1 January 2024, the latest loaded year
    assert impact.inwoners_nl == 17942942
    assert impact.gemeentelijk.gross.high < impact.landelijk.gross.high
    expected = Decimal(150000) * Decimal(931298) / Decimal(17942942) * 5 * 20
    assert abs(impact.gemeentelijk.gross.high - expected) <= Decimal("0.01")
