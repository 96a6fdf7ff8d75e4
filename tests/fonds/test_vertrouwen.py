"""Issue 13 for the fund: commitments beyond the authorisation, amounts typed the Dutch way and
shown the Dutch way, bounded dates and years, a confirmed board decision, repeated submits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from samen.besluiten.models import Besluit
from samen.core import clock
from samen.core.errors import DomainError
from samen.core.money import format_number
from samen.fonds import queries, services
from samen.fonds.models import (
    Activiteit,
    Autorisatie,
    Begrotingsregel,
    Compartiment,
    Fonds,
    Realisatie,
    Termijn,
    Verplichting,
)

pytestmark = pytest.mark.django_db
MLN = Decimal("1000000.00")


@pytest.fixture
def activiteit(db):
    fonds = Fonds.objects.create(naam="Testfonds")
    comp = Compartiment.objects.create(fonds=fonds, code="beheer", naam="Beheer")
    a = Activiteit.objects.create(compartiment=comp, naam="IBD", soort="structureel")
    services.enter_budget(a, 2018, "2000000")
    services.enter_budget(a, 2019, "2000000")
    return a


def authorise(a, jaar, bedrag, datum=dt.date(2018, 1, 10)):
    return services.decide_authorisation(
        services.propose_authorisation(a, jaar, bedrag), True, datum
    )


def reasons(exc) -> str:
    return "; ".join(p.reason for p in exc.value.problems)


# --- 3. commitments beyond the authorisation -----------------------------------------------


@pytest.mark.sqlite
def test_a_backdated_commitment_is_held_to_the_authorisation_of_its_term(activiteit):
    """The path of the report: 1.0 mln authorised for 2018; a second commitment dated in 2017
    with its term in 2018 was checked against the 2018 budget (2.0 mln) and accepted."""
    authorise(activiteit, 2018, "1000000")
    services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2018: "600000"})
    with pytest.raises(DomainError) as exc:
        services.enter_commitment(activiteit, "V2", "x", dt.date(2017, 12, 1), {2018: "600000"})
    assert exc.value.problems[0].code == "over_authorisation"
    assert "geautoriseerd in 2018 € 1.000.000,00" in reasons(exc)
    assert "al verplicht € 600.000,00" in reasons(exc) and "vrij € 400.000,00" in reasons(exc)
    assert queries.committed(activiteit, 2018) == Decimal("600000.00")
    services.enter_commitment(activiteit, "V3", "x", dt.date(2017, 12, 1), {2018: "400000"})
    assert queries.committed(activiteit, 2018) == MLN


def test_a_later_year_without_authorisation_is_held_to_its_budget(activiteit):
    authorise(activiteit, 2018, "1000000")
    services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2019: "1500000"})
    with pytest.raises(DomainError) as exc:
        services.enter_commitment(activiteit, "V2", "x", dt.date(2018, 2, 1), {2019: "500000.01"})
    assert "begroot in 2019 € 2.000.000,00" in reasons(exc)


def test_an_authorisation_below_what_is_committed_is_refused(activiteit):
    authorise(activiteit, 2018, "1000000")
    services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2019: "800000"})
    with pytest.raises(DomainError) as exc:
        services.propose_authorisation(activiteit, 2019, "500000")
    assert exc.value.problems[0].code == "below_committed"
    assert "lager dan wat al is verplicht" in reasons(exc) and "€ 800.000,00" in reasons(exc)
    # a proposal made before the commitment is checked again when the board adopts it
    voorstel = services.propose_authorisation(activiteit, 2019, "1000000")
    services.enter_commitment(activiteit, "V2", "x", dt.date(2018, 3, 1), {2019: "300000"})
    with pytest.raises(DomainError) as exc:
        services.decide_authorisation(voorstel, True, dt.date(2018, 4, 1))
    assert "€ 1.100.000,00" in reasons(exc)
    voorstel.refresh_from_db()
    assert voorstel.status == "voorgesteld" and not Besluit.objects.filter(titel__contains="2019")
    # once 2019 is authorised, commitments for it are held to the authorisation
    authorise(activiteit, 2019, "1100000", dt.date(2018, 4, 1))
    with pytest.raises(DomainError) as exc:
        services.enter_commitment(activiteit, "V3", "x", dt.date(2018, 5, 1), {2019: "0.01"})
    assert "geautoriseerd in 2019 € 1.100.000,00" in reasons(exc)


def test_two_proposals_adopted_never_exceed_the_budget(activiteit):
    first = services.propose_authorisation(activiteit, 2018, "1500000")
    second = services.propose_authorisation(activiteit, 2018, "1000000")
    services.decide_authorisation(first, True, dt.date(2018, 1, 10))
    with pytest.raises(DomainError) as exc:
        services.decide_authorisation(second, True, dt.date(2018, 1, 11))
    assert "meer dan de begroting (€ 2.000.000,00)" in reasons(exc)
    assert queries.authorised(activiteit, 2018) == Decimal("1500000.00")


@pytest.mark.parametrize("bedrag", ["0", "0,00", "0.00", Decimal(0)])
def test_an_authorisation_of_zero_is_refused(activiteit, bedrag):
    with pytest.raises(DomainError) as exc:
        services.propose_authorisation(activiteit, 2018, bedrag)
    assert "groter zijn dan € 0,00" in reasons(exc)
    assert not Autorisatie.objects.exists()


def test_an_old_proposal_of_zero_is_not_adopted(activiteit):
    voorstel = Autorisatie.objects.create(activiteit=activiteit, jaar=2018, bedrag=0)
    with pytest.raises(DomainError):
        services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
    services.decide_authorisation(voorstel, False, dt.date(2018, 1, 10))  # rejecting is fine


def test_interim_control_warns_where_old_data_commits_more_than_authorised(client, activiteit):
    authorise(activiteit, 2018, "1000000")
    v = services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2018: "600000"})
    # old data, from before the check: a second term inserted directly
    v2 = Verplichting.objects.create(
        activiteit=activiteit, referentie="OUD", omschrijving="oud", datum=dt.date(2017, 12, 1)
    )
    Termijn.objects.create(verplichting=v2, jaar=2018, bedrag=Decimal("600000"))
    Termijn.objects.create(verplichting=v, jaar=2019, bedrag=Decimal("2500000"))
    (row,) = queries.interim_control(activiteit.compartiment.fonds, dt.date(2018, 3, 31))
    assert row.verplicht == Decimal("1200000.00") and row.geautoriseerd == MLN
    assert "verplicht € 1.200.000,00 boven de autorisatie € 1.000.000,00" in row.waarschuwing
    per_jaar = queries.commitments_per_year(activiteit.compartiment.fonds, 2018)
    assert [(r.jaar, r.geautoriseerd, r.verplicht, r.toets) for r in per_jaar] == [
        (2019, Decimal("0.00"), Decimal("2500000.00"), "begroting"),
    ]
    assert "verplicht € 2.500.000,00 boven de begroting € 2.000.000,00" in per_jaar[0].waarschuwing
    page = client.get("/fonds/controle?peildatum=2018-03-31").content.decode()
    assert "Verplicht tegenover geautoriseerd in latere jaren" in page
    assert "verplicht € 1.200.000,00 boven de autorisatie € 1.000.000,00" in page
    assert "verplicht € 2.500.000,00 boven de begroting € 2.000.000,00" in page
    # 2019 authorised (old data): from then on its commitments are held to the authorisation
    Autorisatie.objects.create(activiteit=activiteit, jaar=2019, bedrag=MLN, status="vastgesteld")
    (later,) = queries.commitments_per_year(activiteit.compartiment.fonds, 2018)
    assert later.toets == "autorisatie"
    assert "verplicht € 2.500.000,00 boven de autorisatie € 1.000.000,00" in later.waarschuwing


def test_within_the_authorisation_the_control_warns_nothing(activiteit):
    authorise(activiteit, 2018, "1000000")
    services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2018: "1000000"})
    (row,) = queries.interim_control(activiteit.compartiment.fonds, dt.date(2018, 1, 31))
    assert row.waarschuwing == ""
    services.enter_commitment(activiteit, "V2", "x", dt.date(2018, 2, 1), {2019: "2000000"})
    per_jaar = queries.commitments_per_year(activiteit.compartiment.fonds, 2018)
    assert [(r.jaar, r.waarschuwing) for r in per_jaar] == [(2019, "")]


# --- 8. amounts typed and shown the Dutch way ------------------------------------------------


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "typed, amount",
    [
        ("1.250.000,00", "1250000.00"),
        ("1000,50", "1000.50"),
        ("12,50", "12.50"),
        ("1250000.00", "1250000.00"),
        ("€ 1.250.000", "1250000"),
    ],
)
def test_amounts_typed_the_dutch_way_are_accepted(activiteit, typed, amount):
    regel = services.enter_budget(activiteit, 2020, typed)
    assert regel.bedrag == Decimal(amount)


@pytest.mark.parametrize("typed", ["1.250", "12,505", "-5", "NaN", "1e3", "²", "", "abc"])
def test_bad_or_ambiguous_amounts_are_refused(activiteit, typed):
    with pytest.raises(DomainError) as exc:
        services.enter_budget(activiteit, 2020, typed)
    assert exc.value.problems[0].name == "bedrag"
    if typed == "1.250":
        assert "1.250,00" in reasons(exc) and "1250" in reasons(exc)


def test_every_problem_is_listed(activiteit):
    with pytest.raises(DomainError) as exc:
        services.enter_commitment(
            activiteit, " ", "x", dt.date(2018, 2, 1), {"²": "1", 2019: "1.250", 2018: "x"}
        )
    names = sorted(p.name for p in exc.value.problems)
    assert names == ["referentie", "termijnen.2018", "termijnen.2019", "termijnen.²"]


def test_decision_titles_and_messages_show_euros_the_dutch_way(activiteit):
    voorstel = authorise(activiteit, 2018, "1.000.000,00")
    assert voorstel.besluit.titel == "Autorisatie IBD 2018: € 1.000.000,00"
    with pytest.raises(DomainError) as exc:
        services.propose_authorisation(activiteit, 2018, "1216666,67")
    assert "€ 2.000.000,00" in reasons(exc) and "€ 1.000.000,00" in reasons(exc)
    v = services.enter_commitment(activiteit, "V", "x", dt.date(2018, 2, 1), {2018: "1000000"})
    with pytest.raises(DomainError) as exc:
        services.enter_realisation(activiteit, dt.date(2018, 3, 1), "1216666,67", "F", v)
    text = reasons(exc)
    assert "geautoriseerd € 1.000.000,00, al uitgegeven € 0,00" in text
    assert "meer dan de verplichting voor 2018 (€ 1.000.000,00, al € 0,00)" in text
    assert "1000000.00" not in text and "1216666.67" not in text and "EUR" not in text


def test_the_api_keeps_accepting_machine_amounts_and_reads_dutch_ones(activiteit, make_user):
    api = APIClient()
    api.force_authenticate(make_user("financien"))
    for typed, stored in (("1250000.00", "1250000.00"), ("1.300.000,00", "1300000.00")):
        r = api.post(
            "/api/v1/begrotingsposten",
            {"activiteit": str(activiteit.uuid), "jaar": 2021, "bedrag": typed},
            format="json",
        )
        assert r.status_code == 201 and r.json()["bedrag"] == stored, r.content
    r = api.post(
        "/api/v1/begrotingsposten",
        {"activiteit": str(activiteit.uuid), "jaar": 2021, "bedrag": "1.250"},
        format="json",
    )
    assert r.status_code == 400 and "1.250,00" in r.content.decode()


def test_what_if_reads_a_machine_total_as_the_same_amount(client):
    dutch = client.get("/fonds/wat-als", {"totaal": "1.250.000,00", "jaar": "2024"})
    machine = client.get("/fonds/wat-als", {"totaal": "1250000.00", "jaar": "2024"})
    assert dutch.status_code == machine.status_code == 200
    assert dutch.context["result"]["per_inwoner"] == machine.context["result"]["per_inwoner"]
    per_inwoner = dutch.context["result"]["per_inwoner"]
    assert f"Per inwoner: € {format_number(per_inwoner, 4)}." in dutch.content.decode()
    assert "," in format_number(per_inwoner, 4)
    bad = client.get("/fonds/wat-als", {"totaal": "1.250", "jaar": "2024"})
    assert bad.status_code == 400 and "1.250,00" in bad.content.decode()


def test_a_key_weight_that_is_not_a_number_is_a_problem_not_a_crash():
    from samen.gemeenten.models import Gemeente

    fonds = Fonds.objects.create(naam="Sleutels")
    codes = list(Gemeente.objects.op(dt.date(2024, 1, 1)).values_list("code", flat=True))
    key = dict.fromkeys(codes, "1")
    key["GM0363"] = "NaN"
    with pytest.raises(DomainError) as exc:
        services.set_contribution(fonds, 2024, totaal="1000,00", sleutel=key)
    assert [p.name for p in exc.value.problems] == ["sleutel.GM0363"]


def test_a_new_key_with_the_same_total_replaces_the_old_shares():
    from samen.fonds.models import Bijdrage
    from samen.gemeenten.models import Gemeente

    fonds = Fonds.objects.create(naam="Sleutels")
    codes = list(Gemeente.objects.op(dt.date(2024, 1, 1)).values_list("code", flat=True))
    key = dict.fromkeys(codes, 1)
    services.set_contribution(fonds, 2024, totaal="1000", sleutel=key)
    key["GM0363"] = 10
    regeling = services.set_contribution(fonds, 2024, totaal="1000", sleutel=key)
    amsterdam = Bijdrage.objects.get(regeling=regeling, gemeente__code="GM0363")
    utrecht = Bijdrage.objects.get(regeling=regeling, gemeente__code="GM0344")
    assert amsterdam.bedrag > utrecht.bedrag


def test_the_contributions_have_a_csv_for_dutch_spreadsheets(client):
    fonds = Fonds.objects.create(naam="Fonds")
    services.set_contribution(fonds, 2024, totaal="1.000.000,00")
    page = client.get("/fonds/bijdragen?jaar=2024").content.decode()
    assert "/fonds/bijdragen.csv-nl?jaar=2024" in page and "CSV (Nederlandse spreadsheet)" in page
    r = client.get("/fonds/bijdragen.csv-nl?jaar=2024")
    assert r.status_code == 200 and 'filename="bijdragen-2024-nl.csv"' in r["Content-Disposition"]
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "gemeentecode;gemeente;inwoners;bedrag"
    assert "," in text.splitlines()[1].split(";")[3]
    machine = client.get("/fonds/bijdragen.csv?jaar=2024").content.decode("utf-8-sig")
    assert "." in machine.splitlines()[1].split(";")[3]  # the machine CSV keeps its point


# --- 2. dates and years ------------------------------------------------------------------------


def test_dates_that_happened_may_not_lie_in_the_future_or_before_the_platform(activiteit):
    authorise(activiteit, 2018, "1000000")
    tomorrow = clock.today() + dt.timedelta(days=1)
    for when in (tomorrow, dt.date(1999, 12, 31)):
        with pytest.raises(DomainError) as exc:
            services.enter_realisation(activiteit, when, "10", "F")
        assert exc.value.problems[0].name == "datum", when
        with pytest.raises(DomainError) as exc:
            services.enter_commitment(activiteit, "V", "x", when, {2018: "10"})
        assert exc.value.problems[0].name == "datum", when
    voorstel = services.propose_authorisation(activiteit, 2019, "10")
    with pytest.raises(DomainError) as exc:
        services.decide_authorisation(voorstel, True, tomorrow)
    assert exc.value.problems[0].name == "datum" and "toekomst" in reasons(exc)
    assert not Realisatie.objects.exists() and Verplichting.objects.count() == 0


@pytest.mark.parametrize("jaar", [1999, 2051, "²²²²", "99999999999", "", "2018.0", -1])
def test_years_outside_the_platform_are_refused(activiteit, jaar):
    with pytest.raises(DomainError) as exc:
        services.enter_budget(activiteit, jaar, "10")
    assert exc.value.problems[0].name == "jaar"
    with pytest.raises(DomainError):
        services.propose_authorisation(activiteit, jaar, "10")
    with pytest.raises(DomainError):
        services.enter_commitment(activiteit, "V", "x", dt.date(2018, 2, 1), {jaar: "10"})
    with pytest.raises(DomainError):
        services.set_contribution(activiteit.compartiment.fonds, jaar, totaal="10")


def test_history_is_entered_as_on_its_day(activiteit):
    with clock.replaying(dt.date(2018, 1, 5)):
        voorstel = services.propose_authorisation(activiteit, 2018, "100")
        with pytest.raises(DomainError):  # after the replayed day
            services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
        services.decide_authorisation(voorstel, True, dt.date(2018, 1, 5))


PAGES = [
    "/fonds",
    "/fonds/bijdragen",
    "/fonds/bijdragen.csv",
    "/fonds/bijdragen.csv-nl",
    "/fonds/wat-als",
    "/fonds/verantwoording",
    "/fonds/meerjarenbegroting",
]


@pytest.mark.sqlite
@pytest.mark.parametrize("value", ["²²²²", "99999999999", "", "1999", "2051", "0", "-1"])
def test_year_parameters_are_a_form_error_never_a_500(client, activiteit, value):
    for page in PAGES:
        key = "vanaf" if "meerjaren" in page else "jaar"
        r = client.get(page, {key: value, "totaal": "1000"})
        if value == "":
            assert r.status_code == 200, (page, value)
        else:
            assert r.status_code == 400, (page, value, r.status_code)
            if not page.endswith("csv") and not page.endswith("csv-nl"):
                assert "Geen geldig jaar" in r.content.decode(), page
    for peildatum in ("²²²²-01-01", "99999999999", "1899-12-31", "2018-13-45", "NaN"):
        r = client.get("/fonds/controle", {"peildatum": peildatum})
        assert r.status_code == 400 and "Peildatum" in r.content.decode(), peildatum


@pytest.mark.parametrize("value", ["²²²²", "99999999999", "", "1999", "2051"])
def test_year_parameters_of_the_api_are_a_400(client, activiteit, value):
    fonds = activiteit.compartiment.fonds
    for path in (
        f"/api/v1/fondsen/{fonds.uuid}/verantwoording",
        f"/api/v1/fondsen/{fonds.uuid}/aansluiting",
        "/api/v1/bijdragen",
    ):
        r = client.get(path, {"jaar": value})
        assert r.status_code == 400 and r.json()["invalidParams"][0]["name"] == "jaar"
    path = f"/api/v1/fondsen/{fonds.uuid}/tussentijdse-controle"
    r = client.get(path, {"peildatum": "1899-01-01"})
    assert r.status_code == 400 and r.json()["invalidParams"][0]["name"] == "peildatum"


def test_a_term_year_in_the_api_is_a_400_not_a_500(activiteit, make_user):
    api = APIClient()
    api.force_authenticate(make_user("financien"))
    r = api.post(
        "/api/v1/verplichtingen",
        {
            "activiteit": str(activiteit.uuid),
            "referentie": "V",
            "omschrijving": "x",
            "datum": "2018-02-01",
            "termijnen": {"²": "10", "99999999999": "10"},
        },
        format="json",
    )
    assert r.status_code == 400, r.content


def test_pages_without_a_year_show_the_latest_year_with_data(client, activiteit):
    assert client.get("/fonds").context["jaar"] == 2019
    assert client.get("/fonds/verantwoording").context["jaar"] == 2019
    assert client.get("/fonds/meerjarenbegroting").context["vanaf"] == 2019
    assert client.get("/fonds/controle").context["peildatum"] == dt.date(2019, 12, 31)
    fonds = activiteit.compartiment.fonds
    assert queries.latest_year_with_data(fonds) == 2019


# --- 10. the board's decision in two steps; repeated submits ---------------------------------


def test_the_board_confirms_a_decision_and_a_second_submit_changes_nothing(
    client, activiteit, make_user
):
    voorstel = services.propose_authorisation(activiteit, 2018, "1.500.000,00")
    client.force_login(make_user("bestuur"))
    step = {"actie": "besluit", "voorstel": str(voorstel.uuid), "uitkomst": "vastgesteld"}
    first = client.post("/fonds/beheer", step)
    assert first.status_code == 200
    page = first.content.decode()
    assert "€ 1.500.000,00" in page and "IBD in 2018" in page and "kan niet worden" in page
    assert 'name="bevestigd" value="ja"' in page
    voorstel.refresh_from_db()
    assert voorstel.status == "voorgesteld" and not Besluit.objects.exists()

    confirm = {**step, "bevestigd": "ja", "datum": "2018-01-20"}
    done = client.post("/fonds/beheer", confirm, follow=True)
    assert "Autorisatie IBD 2018: € 1.500.000,00" in done.content.decode()
    voorstel.refresh_from_db()
    assert voorstel.status == "vastgesteld" and Besluit.objects.count() == 1
    again = client.post("/fonds/beheer", confirm, follow=True)
    assert "al besloten" in again.content.decode()
    assert Besluit.objects.count() == 1 and queries.authorised(activiteit, 2018) == Decimal(
        "1500000.00"
    )
    # the first step of an already decided proposal says so and changes nothing
    assert "al besloten" in client.post("/fonds/beheer", step, follow=True).content.decode()
    bad = client.post("/fonds/beheer", {**confirm, "voorstel": "x"}, follow=True)
    assert bad.status_code == 200 and Besluit.objects.count() == 1


def test_finance_types_dutch_amounts_on_the_page(client, activiteit, make_user):
    client.force_login(make_user("financien"))
    form = {"actie": "begroting", "activiteit": str(activiteit.uuid), "jaar": "2020"}
    ok = client.post("/fonds/beheer", {**form, "bedrag": "1.250.000,00"}, follow=True)
    assert "Opgeslagen. Begroting IBD 2020 € 1.250.000,00" in ok.content.decode()
    bad = client.post("/fonds/beheer", {**form, "bedrag": "1.250"}, follow=True)
    assert "1.250,00" in bad.content.decode() and "1250" in bad.content.decode()
    for datum in ("31-02-2018", "²"):
        r = client.post(
            "/fonds/beheer",
            {**form, "actie": "realisatie", "bedrag": "1", "referentie": "F", "datum": datum},
            follow=True,
        )
        assert "ongeldige invoer" in r.content.decode()
    r = client.post("/fonds/beheer", {**form, "activiteit": "x", "bedrag": "1"}, follow=True)
    assert r.status_code == 200 and "ongeldige invoer" in r.content.decode()


def test_repeated_submits_change_nothing(activiteit):
    services.enter_budget(activiteit, 2020, "1000")
    services.enter_budget(activiteit, 2020, "1.000,00")
    assert Begrotingsregel.objects.filter(activiteit=activiteit, jaar=2020).count() == 1
    services.propose_authorisation(activiteit, 2018, "1000000")
    with pytest.raises(DomainError) as exc:
        services.propose_authorisation(activiteit, 2018, "1.000.000,00")
    assert exc.value.problems[0].code == "duplicate"
    voorstel = Autorisatie.objects.get()
    services.decide_authorisation(voorstel, True, dt.date(2018, 1, 10))
    v = services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2018: "1000"})
    with pytest.raises(DomainError) as exc:
        services.enter_commitment(activiteit, "V1", "x", dt.date(2018, 2, 1), {2018: "1000"})
    assert exc.value.problems[0].code == "duplicate"
    services.enter_realisation(activiteit, dt.date(2018, 3, 1), "500", "F1", v)
    with pytest.raises(DomainError) as exc:
        services.enter_realisation(activiteit, dt.date(2018, 3, 1), "500,00", "F1", v)
    assert "al geboekt" in reasons(exc)
    assert Realisatie.objects.count() == 1 and Verplichting.objects.count() == 1
