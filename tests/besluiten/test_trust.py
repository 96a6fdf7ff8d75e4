"""Trust in the decision model: support is given by the supporting municipality itself, nobody's
name is published, every irreversible step is confirmed first, and every date has a plausible
range (issues 13 and 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.accounts.models import Rol
from samen.audit.models import AuditRegel
from samen.besluiten import services
from samen.besluiten.models import Besluit, Steun, Verzoek
from samen.core import clock
from samen.core.errors import DomainError
from samen.deelnames.models import Deelname

pytestmark = pytest.mark.django_db

D = dt.date
BEOORDELING = {
    "impact_gemeenten": "Minder baliebezoek.",
    "impact_inwoners": "Sneller geholpen.",
    "maatschappelijke_baten": "Volgens het voorstel.",
    "opschaalbaarheid": "Landelijk bruikbaar.",
}
ADVIES = {
    "uitrol": "Zoveel mogelijk gemeenten.",
    "tijdpad": "2017–2018",
    "samenwerkingsvorm": "netwerk",
    "uitvoering": "landelijk",
    "voorwaarden": "De gemeente neemt de standaard over.",
    "uittredingsvoorwaarden": "Uittreden na twee jaar.",
    "binding": "vrijwillig",
}


@pytest.fixture
def people(make_user):
    """Named people in every role of the process (their names must never reach the public)."""
    return {
        "amersfoort": make_user(
            Rol.GEMEENTE, gemeente="GM0307", first_name="Aaltje", last_name="Amersfoorter"
        ),
        "utrecht": make_user(
            Rol.GEMEENTE, gemeente="GM0344", first_name="Ursula", last_name="Utrechtse"
        ),
        "amsterdam": make_user(
            Rol.GEMEENTE, gemeente="GM0363", first_name="Abel", last_name="Amstelaar"
        ),
        "taskforce": make_user(Rol.TASKFORCE, first_name="Teun", last_name="Taakkracht"),
        "college": make_user(Rol.COLLEGE, first_name="Cornelia", last_name="Collegiaal"),
        "bestuur": make_user(Rol.BESTUUR, first_name="Bram", last_name="Bestuurlijk"),
        "po": make_user(Rol.PROGRAMMABUREAU, first_name="Pieter", last_name="Programma"),
    }


def _request(v, people, codes=("GM0344", "GM0307"), datum=D(2017, 1, 10)):
    with clock.replaying(datum):
        return services.submit_request(
            v,
            "Opschalen",
            "Kopgroep is klaar.",
            datum,
            user=people["amersfoort"],
            steunende_gemeenten=list(codes),
        )


def _advised(v, people, binding="vrijwillig"):
    verzoek = _request(v, people)
    with clock.replaying(D(2017, 2, 1)):
        services.assess(verzoek, BEOORDELING, D(2017, 2, 1), user=people["taskforce"])
    with clock.replaying(D(2017, 3, 1)):
        services.advise(
            verzoek, {**ADVIES, "binding": binding}, D(2017, 3, 1), user=people["college"]
        )
    return verzoek


def _statuses(verzoek) -> dict[str, str]:
    return dict(Steun.objects.filter(verzoek=verzoek).values_list("gemeente__code", "status"))


# -- support is given by the supporter itself ---------------------------------------------------


def test_listed_municipalities_are_asked_not_confirmed_except_the_requesters_own(
    make_voorziening, people, client
):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    assert _statuses(verzoek) == {"GM0344": "gevraagd", "GM0307": "bevestigd"}
    verzoek = Verzoek.objects.get(pk=verzoek.pk)
    assert verzoek.aantal_steunende_gemeenten == 1  # only confirmed support counts

    page = client.get(f"/verzoeken/{verzoek.uuid}").content.decode()
    gesteund = page.split("Gesteund door</dt>")[1].split("</dd>")[0]
    assert "Amersfoort" in gesteund and "Utrecht" not in gesteund
    gevraagd = page.split("Om steun gevraagd</dt>")[1].split("</dd>")[0]
    assert "Utrecht" in gevraagd and "gevraagd, niet bevestigd" in gevraagd

    body = client.get(f"/api/v1/verzoeken/{verzoek.uuid}").json()
    assert body["steunendeGemeenten"] == ["GM0307"]
    assert body["gevraagdeGemeenten"] == ["GM0344"]
    assert {s["gemeente"]: s["status"] for s in body["steun"]} == {
        "GM0307": "bevestigd",
        "GM0344": "gevraagd",
    }


def test_a_request_through_the_api_names_supporters_as_asked(make_voorziening, people, client):
    v = make_voorziening(fase="ontwikkeling")
    client.force_login(people["amersfoort"])
    response = client.post(
        "/api/v1/verzoeken",
        {
            "voorziening": str(v.uuid),
            "titel": "Opschalen",
            "motivering": "Klaar.",
            "steunendeGemeenten": ["GM0344"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["steunendeGemeenten"] == [] and body["gevraagdeGemeenten"] == ["GM0344"]
    assert body["aanvrager"] == "gemeente Amersfoort"


def test_the_asked_municipalitys_contact_confirms_on_the_page_in_two_steps(
    make_voorziening, people, client
):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["utrecht"])
    page = client.get(f"/verzoeken/{verzoek.uuid}").content.decode()
    assert "Steun van de gemeente Utrecht" in page

    first = client.post(f"/verzoeken/{verzoek.uuid}/steun", {"antwoord": "bevestigen"})
    assert first.status_code == 200 and "Steun bevestigen" in first.content.decode()
    assert _statuses(verzoek)["GM0344"] == "gevraagd"  # nothing yet: the confirmation step

    done = client.post(
        f"/verzoeken/{verzoek.uuid}/steun", {"antwoord": "bevestigen", "bevestigen": "1"}
    )
    assert done.status_code == 302
    assert _statuses(verzoek)["GM0344"] == "bevestigd"
    steun = Steun.objects.get(verzoek=verzoek, gemeente__code="GM0344")
    assert steun.beantwoord_door == people["utrecht"] and steun.beantwoord_op is not None
    regel = AuditRegel.objects.filter(object_type="besluiten.verzoek").latest("id")
    assert regel.gebruiker == people["utrecht"]
    assert regel.na["steun GM0344"] == "bevestigd" and regel.voor == {"steun GM0344": "gevraagd"}

    # the same submit again changes nothing and says so
    count = AuditRegel.objects.count()
    again = client.post(
        f"/verzoeken/{verzoek.uuid}/steun",
        {"antwoord": "afwijzen", "bevestigen": "1"},
        follow=True,
    )
    assert "er is niets veranderd" in again.content.decode()
    assert _statuses(verzoek)["GM0344"] == "bevestigd" and AuditRegel.objects.count() == count

    client.logout()
    public = client.get(f"/verzoeken/{verzoek.uuid}").content.decode()
    gesteund = public.split("Gesteund door</dt>")[1].split("</dd>")[0]
    assert "Utrecht" in gesteund and "Amersfoort" in gesteund
    assert "Om steun gevraagd" not in public


def test_declining_is_recorded_and_not_counted(make_voorziening, people, client):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["utrecht"])
    client.post(f"/verzoeken/{verzoek.uuid}/steun", {"antwoord": "afwijzen", "bevestigen": "1"})
    assert _statuses(verzoek)["GM0344"] == "afgewezen"
    assert Verzoek.objects.get(pk=verzoek.pk).aantal_steunende_gemeenten == 1
    client.logout()
    page = client.get(f"/verzoeken/{verzoek.uuid}").content.decode()
    assert "Utrecht" not in page.split("Gesteund door</dt>")[1].split("</dd>")[0]
    assert "Steunt niet" in page


def test_only_the_asked_municipality_answers_for_itself(make_voorziening, people, client):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    url = f"/verzoeken/{verzoek.uuid}/steun"
    form = {"antwoord": "bevestigen", "bevestigen": "1"}
    for who in ("amsterdam", "po", "bestuur"):  # not asked, or not a municipality
        client.force_login(people[who])
        assert client.post(url, form).status_code == 403, who
        api = client.post(
            f"/api/v1/verzoeken/{verzoek.uuid}/steun",
            {"antwoord": "bevestigen"},
            content_type="application/json",
        )
        assert api.status_code == 403, who
    client.logout()
    assert client.post(url, form).status_code == 302  # anonymous: to the sign-in page
    assert client.get(url).status_code == 405
    assert _statuses(verzoek)["GM0344"] == "gevraagd"
    # the service refuses too, whoever calls it (a superuser cannot answer for a municipality)
    from samen.accounts.models import Gebruiker

    admin = Gebruiker.objects.create_superuser("beheer", password=None)
    for user in (people["amsterdam"], people["po"], admin, None):
        with pytest.raises(DomainError) as exc:
            services.answer_support(verzoek, True, clock.today(), user)
        assert exc.value.status == 403
    assert _statuses(verzoek)["GM0344"] == "gevraagd"


def test_support_through_the_api_once(make_voorziening, people, client):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["utrecht"])
    url = f"/api/v1/verzoeken/{verzoek.uuid}/steun"
    bad = client.post(url, {"antwoord": "misschien"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "antwoord"
    ok = client.post(url, {"antwoord": "bevestigen"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["steunendeGemeenten"] == ["GM0307", "GM0344"]
    again = client.post(url, {"antwoord": "afwijzen"}, content_type="application/json")
    assert again.status_code == 409 and "niets veranderd" in again.json()["detail"]
    assert _statuses(verzoek)["GM0344"] == "bevestigd"


def test_unknown_duplicate_and_dissolved_supporters(make_voorziening, people):
    v = make_voorziening(fase="ontwikkeling")
    with pytest.raises(DomainError) as exc:
        _request(v, people, codes=("GM9999",))
    assert exc.value.problems[0].name == "steunendeGemeenten"
    with pytest.raises(DomainError) as exc:  # Haaren was split on 1 January 2021
        _request(v, people, codes=("GM0788",), datum=D(2022, 1, 10))
    assert "bestaat niet meer" in exc.value.problems[0].reason
    verzoek = _request(v, people, codes=("gm0344", "GM0344 "))
    assert _statuses(verzoek) == {"GM0344": "gevraagd"}


# -- names of persons are not published ---------------------------------------------------------


def test_no_persons_name_on_the_public_pages_or_in_the_api(make_voorziening, people, client):
    verzoek = _advised(make_voorziening(fase="ontwikkeling"), people)
    with clock.replaying(D(2017, 4, 1)):
        besluit = services.decide(verzoek, "vastgesteld", D(2017, 4, 1), user=people["bestuur"])
    assert verzoek.aanvrager_naam == "gemeente Amersfoort"
    assert besluit.genomen_door == "VNG-bestuur"
    pages = [
        f"/verzoeken/{verzoek.uuid}",
        f"/besluiten/{besluit.uuid}",
        "/besluiten",
        f"/api/v1/verzoeken/{verzoek.uuid}",
        "/api/v1/verzoeken",
        f"/api/v1/besluiten/{besluit.uuid}",
    ]
    text = "".join(client.get(url).content.decode() for url in pages)
    for person in people.values():
        for name in (person.first_name, person.last_name, person.get_username()):
            assert name not in text, name
    assert "Task Force Samen Organiseren" in text and "College voor Dienstverleningszaken" in text


# -- irreversible steps are confirmed first -----------------------------------------------------


def test_the_board_sees_what_it_publishes_and_confirms(make_voorziening, people, client):
    v = make_voorziening(fase="ontwikkeling")
    verzoek = _advised(v, people, binding="algemeen")
    client.force_login(people["bestuur"])
    url = f"/verzoeken/{verzoek.uuid}"
    form = {"stap": "besluit", "uitkomst": "vastgesteld", "datum": "2017-04-01"}
    first = client.post(url, form)
    page = first.content.decode()
    assert first.status_code == 200 and "Controleer en bevestig" in page
    assert "Opschalen" in page and "algemeen bindend" in page and v.naam in page
    assert "alle 388 gemeenten die op 01-04-2017 bestaan" in page and "01-04-2017" in page
    assert not Besluit.objects.filter(verzoek=verzoek).exists()  # nothing published yet
    assert not Deelname.objects.filter(voorziening=v).exists()

    back = client.post(url, {**form, "wijzigen": "1"})
    assert 'id="id_uitkomst"' in back.content.decode() and not Besluit.objects.exists()

    done = client.post(url, {**form, "bevestigen": "1"})
    assert done.status_code == 302
    assert Besluit.objects.filter(verzoek=verzoek).count() == 1
    deelnames, audit = Deelname.objects.count(), AuditRegel.objects.count()

    again = client.post(url, {**form, "bevestigen": "1"}, follow=True)
    assert again.status_code == 200
    assert "al besloten (B2017-001); er is niets veranderd" in again.content.decode()
    assert Besluit.objects.filter(verzoek=verzoek).count() == 1
    assert (Deelname.objects.count(), AuditRegel.objects.count()) == (deelnames, audit)


def test_assessment_and_advice_are_confirmed_first_and_not_twice(make_voorziening, people, client):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    url = f"/verzoeken/{verzoek.uuid}"
    client.force_login(people["taskforce"])
    form = {"stap": "beoordeling", **BEOORDELING, "datum": "2017-02-01"}
    assert "Controleer en bevestig" in client.post(url, form).content.decode()
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "ingediend"
    assert client.post(url, {**form, "bevestigen": "1"}).status_code == 302
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "beoordeeld"
    again = client.post(url, {**form, "bevestigen": "1"}, follow=True)
    assert "er is niets veranderd" in again.content.decode()

    client.force_login(people["college"])
    form = {"stap": "advies", **ADVIES, "datum": "2017-03-01"}
    refused = client.post(url, {**form, "uittredingsvoorwaarden": ""})  # refused on step one
    assert "Controleer en bevestig" not in refused.content.decode()
    assert "uittredingsvoorwaarden" in refused.content.decode()
    page = client.post(url, form).content.decode()
    assert "Controleer en bevestig" in page and "vrijwillig maar niet vrijblijvend" in page
    assert client.post(url, {**form, "bevestigen": "1"}).status_code == 302
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "geadviseerd"
    again = client.post(url, {**form, "bevestigen": "1"}, follow=True)
    assert "er is niets veranderd" in again.content.decode()
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "geadviseerd"


def test_a_second_decision_through_the_api_changes_nothing(make_voorziening, people, client):
    verzoek = _advised(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["bestuur"])
    url = f"/api/v1/verzoeken/{verzoek.uuid}/besluit"
    body = {"uitkomst": "vastgesteld", "datum": "2017-04-01"}
    assert client.post(url, body, content_type="application/json").status_code == 201
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409 and "niets veranderd" in again.json()["detail"]
    assert Besluit.objects.count() == 1


# -- dates --------------------------------------------------------------------------------------


BAD_DATES = [D(1999, 12, 31), D(2051, 1, 1), D(9999, 12, 31), D(1, 1, 1)]


@pytest.mark.parametrize("datum", BAD_DATES)
def test_a_request_date_outside_the_platforms_years_is_refused(make_voorziening, datum):
    with pytest.raises(DomainError) as exc:
        services.submit_request(make_voorziening(fase="ontwikkeling"), "x", "y", datum)
    assert exc.value.problems[0].name == "datum"
    assert exc.value.problems[0].code == "range"


def test_a_request_date_in_the_future_is_refused(make_voorziening):
    tomorrow = clock.today() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.submit_request(make_voorziening(fase="ontwikkeling"), "x", "y", tomorrow)
    assert "in de toekomst" in exc.value.problems[0].reason


def test_step_dates_happened_in_order_and_not_in_the_future(make_voorziening, people):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    tomorrow = clock.today() + dt.timedelta(days=1)
    for datum in (D(2017, 1, 9), tomorrow, D(9999, 12, 31), D(1, 1, 1)):  # before the request
        with pytest.raises(DomainError) as exc:
            services.assess(verzoek, BEOORDELING, datum)
        assert exc.value.problems[0].name == "datum", datum
    with clock.replaying(D(2017, 2, 1)):
        services.assess(verzoek, BEOORDELING, D(2017, 2, 1))
    for datum in (D(2017, 1, 31), tomorrow):  # before the assessment, or in the future
        with pytest.raises(DomainError) as exc:
            services.advise(verzoek, ADVIES, datum)
        assert [p.name for p in exc.value.problems] == ["datum"]
    with pytest.raises(DomainError) as exc:
        services.advise(verzoek, {**ADVIES, "uittreden_vanaf": D(9999, 1, 1)}, D(2017, 3, 1))
    assert [p.name for p in exc.value.problems] == ["uittreden_vanaf"]
    with clock.replaying(D(2017, 3, 1)):
        services.advise(verzoek, ADVIES, D(2017, 3, 1))
    for datum in (D(2017, 2, 28), tomorrow):  # before the advice, or in the future
        with pytest.raises(DomainError) as exc:
            services.decide(verzoek, "vastgesteld", datum)
        assert [p.name for p in exc.value.problems] == ["datum"]
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "geadviseerd"
    with clock.replaying(D(2017, 4, 1)):
        besluit = services.decide(verzoek, "vastgesteld", D(2017, 4, 1))
    for datum in (D(2017, 3, 31), tomorrow):
        with pytest.raises(DomainError) as exc:
            services.amend(besluit, {"voorwaarden": "Nieuw."}, datum)
        assert [p.name for p in exc.value.problems] == ["datum"]


def test_the_api_names_the_date_field_it_refuses(make_voorziening, people, client):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["taskforce"])
    url = f"/api/v1/verzoeken/{verzoek.uuid}/beoordeling"
    body = {
        "impactGemeenten": "a",
        "impactInwoners": "b",
        "maatschappelijkeBaten": "c",
        "opschaalbaarheid": "d",
    }
    for datum, name in (("9999-12-31", "datum"), ("٢٠١٧-٠٢-٠١", "datum"), ("", "datum")):
        response = client.post(url, {**body, "datum": datum}, content_type="application/json")
        assert response.status_code == 400, (datum, response.content)
        assert [p["name"] for p in response.json()["invalidParams"]] == [name]
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "ingediend"


@pytest.mark.parametrize("datum", ["9999-12-31", "0001-01-01", "²²²²", "٢٠١٧-٠٢-٠١", "31-02-2017"])
def test_the_page_refuses_implausible_dates(make_voorziening, people, client, datum):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["taskforce"])
    response = client.post(
        f"/verzoeken/{verzoek.uuid}", {"stap": "beoordeling", **BEOORDELING, "datum": datum}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er is niets opgeslagen" in page and "Controleer en bevestig" not in page
    assert Verzoek.objects.get(pk=verzoek.pk).stap == "ingediend"


def test_the_page_accepts_a_dutch_date(make_voorziening, people, client):
    verzoek = _request(make_voorziening(fase="ontwikkeling"), people)
    client.force_login(people["taskforce"])
    form = {"stap": "beoordeling", **BEOORDELING, "datum": "01-02-2017", "bevestigen": "1"}
    assert client.post(f"/verzoeken/{verzoek.uuid}", form).status_code == 302
    assert Verzoek.objects.get(pk=verzoek.pk).beoordeling.datum == D(2017, 2, 1)


def test_the_demo_replays_its_history(make_voorziening):
    """The demo enters its 2017 history as on the days it happened (every date check applies)."""
    from samen.besluiten.demo import load_besluiten

    for naam in ("Govroam", "GIBIT", "Basisvoorziening GBI"):
        make_voorziening(naam=naam, fase="ontwikkeling")
    assert "ingediend" in load_besluiten()
    assert Besluit.objects.count() == 2
    assert set(Besluit.objects.values_list("datum", flat=True)) == {D(2017, 2, 27), D(2017, 3, 15)}
    assert set(Steun.objects.values_list("status", flat=True)) == {"gevraagd"}
    assert load_besluiten() == "al aanwezig"


def test_a_decision_created_elsewhere_names_the_body_not_the_person(people):
    """The fund's authorisations and the providers' documents create decisions too: whatever
    they pass as the taker, a person's name is replaced by the body at the model."""
    bestuur, po = people["bestuur"], people["po"]
    by_board = Besluit.objects.create(
        soort="autorisatie",
        nummer="B2017-901",
        titel="Autorisatie",
        uitkomst="vastgesteld",
        datum=D(2017, 5, 1),
        genomen_door="Bram Bestuurlijk",
        gebruiker=bestuur,
    )
    assert by_board.genomen_door == "VNG-bestuur"
    recorded = Besluit.objects.create(
        soort="verlenging",
        nummer="B2017-902",
        titel="Verlenging",
        uitkomst="vastgesteld",
        datum=D(2017, 5, 1),
        genomen_door=f"Algemene ledenvergadering VNG (vastgelegd door {po.get_full_name()})",
        gebruiker=po,
    )
    assert recorded.genomen_door == (
        "Algemene ledenvergadering VNG (vastgelegd door programmabureau)"
    )
    short = people["taskforce"]
    short.username = "best"  # a username inside a word is not a name in the text
    untouched = Besluit.objects.create(
        soort="standaard",
        nummer="B2017-903",
        titel="Standaard",
        uitkomst="vastgesteld",
        datum=D(2017, 5, 1),
        genomen_door="VNG-bestuur",
        gebruiker=short,
    )
    assert untouched.genomen_door == "VNG-bestuur"
