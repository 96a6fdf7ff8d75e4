"""One notification service: each kind reaches the right people and no others over a real SMTP
server, switched-off informative kinds are skipped and recorded, formal ones cannot be switched
off, nothing is sent for a rolled-back change, and a failing server leaves the change intact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from samen.accounts.models import Rol
from samen.audit.models import AuditRegel
from samen.besluiten import services as besluiten
from samen.besluiten.models import Verzoek
from samen.core.errors import DomainError
from samen.meldingen import services
from samen.meldingen.models import Verzending, Voorkeur

pytestmark = pytest.mark.django_db

D = dt.date
BEOORDELING = {
    "impact_gemeenten": "Minder baliebezoek.",
    "impact_inwoners": "Sneller geholpen.",
    "maatschappelijke_baten": "Veel.",
    "opschaalbaarheid": "Landelijk bruikbaar.",
}
ADVIES = {
    "uitrol": "In 2017.",
    "tijdpad": "2017–2018",
    "samenwerkingsvorm": "netwerk",
    "uitvoering": "landelijk",
    "voorwaarden": "De standaard.",
    "uittredingsvoorwaarden": "Na twee jaar.",
    "uittreden_vanaf": D(2019, 1, 1),
    "binding": "vrijwillig",
}


@pytest.fixture
def bodies(person):
    return {
        "aanvrager": person(Rol.GEMEENTE, "GM0363"),
        "gevraagd": person(Rol.GEMEENTE, "GM0599"),
        "deelnemer": person(Rol.GEMEENTE, "GM0014"),
        "buiten": person(Rol.GEMEENTE, "GM0344"),
        "taskforce": person(Rol.TASKFORCE),
        "college": person(Rol.COLLEGE),
        "bestuur": person(Rol.BESTUUR),
        "bureau": person(Rol.PROGRAMMABUREAU),
    }


def submit(voorziening, user):
    return besluiten.submit_request(
        voorziening,
        "Opschalen",
        "Kopgroep is klaar.",
        D(2017, 1, 10),
        user=user,
        steunende_gemeenten=["GM0363", "GM0599"],
    )


def addressed(inbox) -> set[str]:
    return inbox.recipients()


# ---------------------------------------------------------------- a request waits for a body


def test_a_submitted_request_reaches_the_task_force_and_the_asked_municipality(
    smtp, committed, bodies, make_voorziening
):
    v = make_voorziening(fase="ontwikkeling")
    with committed():
        verzoek = submit(v, bodies["aanvrager"])
    assert addressed(smtp) == {bodies["taskforce"].email, bodies["gevraagd"].email}
    [mail] = smtp.to(bodies["taskforce"].email)
    assert "Verzoek wacht op de beoordeling" in mail["Subject"]
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_content()
    assert f"https://samen.example.nl/verzoeken/{verzoek.uuid}" in text
    assert "Task Force" in text and "/account/meldingen" in text
    [steun] = smtp.to(bodies["gevraagd"].email)
    assert "om steun gevraagd" in steun["Subject"]
    rows = Verzending.objects.filter(object_id=str(verzoek.pk), object_type="besluiten.verzoek")
    assert {(r.soort, r.ontvanger_id, r.status) for r in rows} == {
        ("verzoek_wacht", bodies["taskforce"].pk, "verzonden"),
        ("steun_gevraagd", bodies["gevraagd"].pk, "verzonden"),
    }
    regel = AuditRegel.objects.get(object_type="besluiten.verzoek", actie="aanmaken")
    assert {r.aanleiding for r in rows} == {regel.uuid}
    # every sending is in the audit trail
    assert AuditRegel.objects.filter(object_type="meldingen.verzending").count() == 2


def test_assessment_and_advice_reach_the_next_body_only(smtp, committed, bodies, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    verzoek = submit(v, bodies["aanvrager"])  # not committed: sends nothing
    assert smtp.messages == []
    with committed():
        besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), user=bodies["taskforce"])
    assert addressed(smtp) == {bodies["college"].email}
    with committed():
        besluiten.advise(verzoek, ADVIES, D(2017, 3, 1), user=bodies["college"])
    assert addressed(smtp) == {bodies["college"].email, bodies["bestuur"].email}
    assert "wacht op het besluit" in smtp.to(bodies["bestuur"].email)[0]["Subject"]


# ---------------------------------------------------------------- a decision is published


def test_a_decision_reaches_the_municipalities_it_concerns(
    smtp, committed, bodies, make_voorziening
):
    from samen.deelnames.models import Deelname
    from samen.gemeenten.models import Gemeente

    v = make_voorziening(fase="ontwikkeling")
    Deelname.objects.create(
        gemeente=Gemeente.objects.get(code="GM0014"),
        voorziening=v,
        herkomst="aanmelding",
        status="geinteresseerd",
        sinds=D(2017, 1, 1),
    )
    verzoek = submit(v, bodies["aanvrager"])
    besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), user=bodies["taskforce"])
    besluiten.advise(verzoek, ADVIES, D(2017, 3, 1), user=bodies["college"])
    with committed():
        besluit = besluiten.decide(verzoek, "vastgesteld", D(2017, 4, 1), user=bodies["bestuur"])
    assert addressed(smtp) == {
        bodies["aanvrager"].email,
        bodies["gevraagd"].email,
        bodies["deelnemer"].email,
    }
    assert bodies["buiten"].email not in addressed(smtp)
    mail = smtp.to(bodies["deelnemer"].email)[0]
    assert besluit.nummer in mail["Subject"]
    assert f"/besluiten/{besluit.uuid}" in mail.get_content()


def test_a_decision_binding_for_all_reaches_every_contact(
    smtp, committed, bodies, make_voorziening
):
    v = make_voorziening(fase="ontwikkeling")
    verzoek = submit(v, bodies["aanvrager"])
    besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), user=bodies["taskforce"])
    besluiten.advise(
        verzoek, {**ADVIES, "binding": "algemeen"}, D(2017, 3, 1), user=bodies["college"]
    )
    with committed():
        besluiten.decide(verzoek, "vastgesteld", D(2017, 4, 1), user=bodies["bestuur"])
    contacts = {bodies[k].email for k in ("aanvrager", "gevraagd", "deelnemer", "buiten")}
    assert addressed(smtp) == contacts


# ---------------------------------------------------------------- invoices and reminders


def test_an_invoice_goes_only_to_its_municipalitys_contacts(smtp, committed, arrangement, person):  # noqa: F811
    from samen.abonnementen import services as abonnementen
    from samen.abonnementen.models import Factuur

    groningen = [person(Rol.GEMEENTE, "GM0014"), person(Rol.GEMEENTE, "GM0014")]
    amsterdam = person(Rol.GEMEENTE, "GM0363")
    financien = person(Rol.FINANCIEN)
    with committed():
        abonnementen.billing_run(arrangement, 2018, factuurdatum=D(2017, 12, 1))
    assert addressed(smtp) == {groningen[0].email, groningen[1].email, amsterdam.email}
    assert financien.email not in addressed(smtp)
    eigen = Factuur.objects.get(arrangement=arrangement, jaar=2018, gemeente__code="GM0014")
    andere = Factuur.objects.get(arrangement=arrangement, jaar=2018, gemeente__code="GM0363")
    for user in groningen:
        [mail] = smtp.to(user.email)
        assert eigen.nummer in mail["Subject"] and "Groningen" in mail["Subject"]
        assert andere.nummer not in mail.get_content()
        assert f"/facturen/{eigen.uuid}" in mail.get_content()
    [mail] = smtp.to(amsterdam.email)
    assert andere.nummer in mail["Subject"]
    assert Verzending.objects.filter(soort="factuur_uitgegeven", status="verzonden").count() == 3


@pytest.fixture
def overdue(arrangement):  # noqa: F811
    from samen.abonnementen import services as abonnementen
    from samen.abonnementen.models import Factuur
    from tests.inning.conftest import office_details

    abonnementen.billing_run(arrangement, 2018, factuurdatum=D(2017, 12, 1))
    office_details(arrangement.administratiekantoor)
    return Factuur.objects.get(arrangement=arrangement, jaar=2018, gemeente__code="GM0014")


def test_a_credit_note_goes_only_to_its_municipalitys_contacts(smtp, committed, overdue, person):
    from samen.abonnementen import services as abonnementen

    contact = person(Rol.GEMEENTE, "GM0014")
    ander = person(Rol.GEMEENTE, "GM0363")
    with committed():
        credit = abonnementen.correct_invoice(
            overdue, "CBS-correctie", inwoners=overdue.inwoners - 1000, factuurdatum=D(2017, 12, 5)
        )
    assert addressed(smtp) == {contact.email}
    assert ander.email not in addressed(smtp)
    [mail] = smtp.to(contact.email)
    assert mail["Subject"].startswith("Creditnota " + credit.nummer)
    assert "Bedrag: € -900,00" in mail.get_content()


def test_a_reminder_is_formal_and_reaches_the_contacts_even_when_switched_off(
    smtp, committed, overdue, person
):
    from samen.inning import services as inning

    contact = person(Rol.GEMEENTE, "GM0014")
    ander = person(Rol.GEMEENTE, "GM0363")
    # the service refuses to switch a formal kind off ...
    with pytest.raises(DomainError) as exc:
        services.set_preferences(contact, {"herinnering": False})
    assert exc.value.problems[0].code == "formal"
    assert not Voorkeur.objects.exists()
    # ... and a row that says so anyway (written past the service) changes nothing
    Voorkeur.objects.create(gebruiker=contact, soort="herinnering", aan=False)
    with committed():
        herinnering = inning.send_reminder(overdue, "email", D(2018, 1, 10))
    assert addressed(smtp) == {contact.email}
    [mail] = smtp.to(contact.email)
    assert (
        overdue.nummer in mail["Subject"]
        and herinnering.tekst.splitlines()[0] in mail.get_content()
    )
    assert "formeel bericht" in mail.get_content()
    assert ander.email not in addressed(smtp)
    assert Verzending.objects.get(soort="herinnering").status == "verzonden"


# ---------------------------------------------------------------- questions answered


def test_an_answer_reaches_the_asker_only(smtp, committed, arrangement, person):  # noqa: F811
    from samen.aanbieders import services as aanbieders
    from samen.accounts.models import Organisatie

    akj = Organisatie.objects.get(afkorting="AKJ")
    aanbieder = person(Rol.AANBIEDER, organisatie=akj)
    commissie = person(Rol.COMMISSIE)
    asker = person(Rol.GEMEENTE, "GM0014")
    collega = person(Rol.GEMEENTE, "GM0014")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    document = aanbieders.submit_document(
        arrangement, 2018, "jaarplan", "p.pdf", pdf, user=aanbieder
    )
    document = aanbieders.decide_document(document, True, user=commissie)
    vraag = aanbieders.ask_question(document, "Hoeveel contacten?", user=asker)
    with committed():
        aanbieders.answer_question(vraag, "Ongeveer 10.000.", user=aanbieder)
    assert addressed(smtp) == {asker.email}
    assert collega.email not in addressed(smtp)
    text = smtp.to(asker.email)[0].get_content()
    assert "Hoeveel contacten?" in text and "Ongeveer 10.000." in text


def test_closed_support_reaches_the_municipality(smtp, committed, make_voorziening, person):
    from samen.deelnames import services as deelnames
    from samen.deelnames.models import Deelname
    from samen.gemeenten.models import Gemeente

    v = make_voorziening(fase="opschaling")
    deelname = Deelname.objects.create(
        gemeente=Gemeente.objects.get(code="GM0363"),
        voorziening=v,
        herkomst="aanmelding",
        status="geinteresseerd",
        sinds=D(2017, 1, 1),
    )
    contact = person(Rol.GEMEENTE, "GM0363")
    ander = person(Rol.GEMEENTE, "GM0014")
    with committed():
        verzoek = deelnames.ask_support(
            deelname, "Hulp bij aansluiten", D(2017, 2, 1), user=contact
        )
        deelnames.assign_support(verzoek, "Team A")
    assert smtp.messages == []  # asked and assigned: nothing to report yet
    with committed():
        deelnames.close_support(verzoek, "Aangesloten.", D(2017, 3, 1))
    assert addressed(smtp) == {contact.email}
    assert ander.email not in addressed(smtp)
    assert "Aangesloten." in smtp.to(contact.email)[0].get_content()


# ---------------------------------------------------------------- preferences and skips


def test_a_switched_off_informative_kind_is_skipped_and_recorded(
    smtp, committed, bodies, make_voorziening
):
    taskforce = bodies["taskforce"]
    services.set_preferences(taskforce, {"verzoek_wacht": False})
    assert AuditRegel.objects.filter(object_type="meldingen.voorkeur", actie="wijzigen").exists()
    zonder_adres = bodies["college"]  # not a recipient here; a second task force member is
    tweede = type(taskforce).objects.create_user("tf-zonder-adres", rol=Rol.TASKFORCE, email="")
    with committed():
        submit(make_voorziening(fase="ontwikkeling"), bodies["aanvrager"])
    assert taskforce.email not in addressed(smtp)
    assert addressed(smtp) == {bodies["gevraagd"].email}
    rows = {r.ontvanger_id: r for r in Verzending.objects.filter(soort="verzoek_wacht")}
    assert rows[taskforce.pk].status == "overgeslagen"
    assert rows[taskforce.pk].reden == services.UITGEZET
    assert rows[tweede.pk].status == "overgeslagen" and rows[tweede.pk].reden == services.GEEN_ADRES
    assert zonder_adres.pk not in rows


def test_a_rolled_back_change_sends_nothing(smtp, committed, bodies, make_voorziening):
    v = make_voorziening(fase="ontwikkeling")
    with committed():
        try:
            with transaction.atomic():
                submit(v, bodies["aanvrager"])
                raise RuntimeError("undo")
        except RuntimeError:
            pass
    assert not Verzoek.objects.exists()
    assert smtp.messages == []
    assert not Verzending.objects.exists()


def test_a_failing_mail_server_is_recorded_and_the_change_stays(
    failing_smtp, committed, bodies, make_voorziening
):
    v = make_voorziening(fase="ontwikkeling")
    with committed():
        verzoek = submit(v, bodies["aanvrager"])
    assert Verzoek.objects.filter(pk=verzoek.pk).exists()
    rows = list(Verzending.objects.all())
    assert {r.ontvanger_id for r in rows} == {bodies["taskforce"].pk, bodies["gevraagd"].pk}
    assert {r.status for r in rows} == {"mislukt"}
    assert all("554" in r.reden for r in rows)


def test_an_unreachable_mail_server_is_recorded_and_the_change_stays(
    settings, committed, bodies, make_voorziening
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    from tests.meldingen.conftest import _free_port

    settings.EMAIL_PORT = _free_port()  # nobody listens
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    v = make_voorziening(fase="ontwikkeling")
    with committed():
        verzoek = submit(v, bodies["aanvrager"])
    assert Verzoek.objects.filter(pk=verzoek.pk).exists()
    rows = list(Verzending.objects.all())
    assert len(rows) == 2 and {r.status for r in rows} == {"mislukt"}
    assert all(r.reden for r in rows)


def test_a_failing_receiver_never_breaks_the_change(committed, bodies, make_voorziening):
    from samen.audit.services import recorded

    def broken(sender, **kwargs):
        raise RuntimeError("receiver bug")

    recorded.connect(broken, dispatch_uid="test-broken")
    try:
        with committed():
            verzoek = submit(make_voorziening(fase="ontwikkeling"), bodies["aanvrager"])
    finally:
        recorded.disconnect(dispatch_uid="test-broken")
    assert Verzoek.objects.filter(pk=verzoek.pk).exists()
    # the other receiver (the notifications) still ran
    assert Verzending.objects.filter(soort="verzoek_wacht").exists()


def test_a_sending_is_written_once():
    with pytest.raises(PermissionError):
        Verzending.objects.all().update(status="verzonden")


# ---------------------------------------------------------------- the preferences page


def test_the_preferences_page_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/account/meldingen")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen?next=/account/meldingen")
    assert client.post("/account/meldingen", {"verzoek_wacht": "uit"}).status_code == 302
    assert not Voorkeur.objects.exists()


def test_the_preferences_page_switches_informative_kinds(client, person):
    user = person(Rol.GEMEENTE, "GM0014")
    client.force_login(user)
    page = client.get("/account/meldingen").content.decode()
    assert 'name="besluit_gepubliceerd" value="uit"' in page
    assert 'name="herinnering"' not in page  # formal: shown without a switch, with the reason
    assert "formele brief" in page and user.email in page
    response = client.post("/account/meldingen", {"besluit_gepubliceerd": "uit"})
    assert response.status_code == 302 and response["Location"] == "/account/meldingen"
    assert Voorkeur.objects.get(gebruiker=user, soort="besluit_gepubliceerd").aan is False
    page = client.get("/account/meldingen").content.decode()
    assert 'name="besluit_gepubliceerd" value="uit" checked' in page
    client.post("/account/meldingen", {"besluit_gepubliceerd": "aan"})
    assert Voorkeur.objects.get(gebruiker=user, soort="besluit_gepubliceerd").aan is True
    assert AuditRegel.objects.filter(object_type="meldingen.voorkeur").count() == 2
    # an empty form changes nothing
    assert client.post("/account/meldingen", {}).status_code == 302


def test_the_preferences_page_refuses_to_switch_a_formal_kind_off(client, person):
    user = person(Rol.GEMEENTE, "GM0014")
    client.force_login(user)
    response = client.post(
        "/account/meldingen", {"herinnering": "uit", "besluit_gepubliceerd": "uit"}
    )
    assert response.status_code == 400
    assert "formele brief" in response.content.decode()
    assert not Voorkeur.objects.exists()  # nothing changes when one choice is refused


def test_a_designated_voter_is_told_where_and_until_when_to_vote(smtp, committed, person):
    """Issue 19: the gemeentesecretaris designates a voter; only that voter gets the message,
    with the meeting and its deadline; designating another sends to the new one."""
    from samen.ledenvergadering import services as lv
    from tests.ledenvergadering import factories as lvf

    lvf.table()
    (gemeente,) = lvf.municipalities(20_000)
    vergadering = lvf.meeting(titel="BALV meldingen")
    lv.add_proposal(vergadering, "A", "algemeen", "Samen organiseren")
    vergadering = lv.publish_agenda(vergadering)
    secretaris = person(Rol.GEMEENTE, gemeente.code, gemeentesecretaris=True)
    stemmer = person(Rol.GEMEENTE, gemeente.code)
    collega = person(Rol.GEMEENTE, gemeente.code)
    with committed():
        lv.designate(vergadering, stemmer, user=secretaris)
    assert addressed(smtp) == {stemmer.email}
    text = smtp.to(stemmer.email)[0].get_content()
    assert "BALV meldingen" in text and gemeente.naam in text
    assert f"/ledenvergaderingen/{vergadering.uuid}" in text
    with committed():
        lv.designate(vergadering, collega, user=secretaris)
    assert addressed(smtp) == {stemmer.email, collega.email}
    assert len(smtp.to(collega.email)) == 1 and len(smtp.to(stemmer.email)) == 1
