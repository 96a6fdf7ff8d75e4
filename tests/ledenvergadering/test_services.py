"""The members' meeting: weights frozen, ballots cast and changed, secrecy, closing, effects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from samen.accounts.models import Rol
from samen.audit.models import AuditRegel
from samen.core.errors import Conflict, DomainError
from samen.gemeenten.models import Herindeling, Inwonertal, Overgang
from samen.ledenvergadering import queries, services
from samen.ledenvergadering.models import Ledenvergadering, Stem, Stemgewicht
from tests.factories import ArrangementFactory, FondsFactory, GebruikerFactory, GemeenteFactory
from tests.ledenvergadering import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def setup(db):
    f.table()
    gemeenten = f.municipalities(5_000, 20_000, 60_000, 300_000)
    v = f.meeting()
    services.add_proposal(v, "A", "algemeen", "Samen organiseren")
    v = services.publish_agenda(v)
    voters = [f.voter(g, v) for g in gemeenten]
    return v, gemeenten, voters


def test_weights_are_frozen_by_class_when_the_agenda_is_published(setup):
    v, gemeenten, _ = setup
    weights = {w.gemeente_id: (w.inwoners, w.stemmen) for w in queries.weights(v)}
    assert [weights[g.pk] for g in gemeenten] == [
        (5_000, 1),
        (20_000, 2),
        (60_000, 5),
        (300_000, 10),
    ]
    Inwonertal.objects.filter(gemeente=gemeenten[0]).update(aantal=999_999)
    assert Stemgewicht.objects.get(vergadering=v, gemeente=gemeenten[0]).stemmen == 1
    assert v.gewichttabel.jaar == 2010 and v.bronjaar == 2023


def test_no_table_no_publication(db):
    f.municipalities(5_000)
    v = f.meeting()
    services.add_proposal(v, "A", "algemeen", "x")
    with pytest.raises(DomainError) as exc:
        services.publish_agenda(v)
    assert exc.value.problems[0].name == "gewichttabel"


def test_a_changed_ballot_leaves_exactly_one_and_the_audit_is_sealed(setup):
    v, gemeenten, voters = setup
    a = v.voorstellen.get()
    services.cast(a, "voor", voters[0])
    services.cast(a, "tegen", voters[0])
    assert Stem.objects.filter(voorstel=a, gemeente=gemeenten[0]).count() == 1
    stem = Stem.objects.get(voorstel=a, gemeente=gemeenten[0])
    assert stem.keuze == "tegen" and stem.versie == 2
    rows = AuditRegel.objects.filter(object_type="ledenvergadering.stem")
    assert [r.toelichting for r in rows.order_by("id")] == ["stem uitgebracht", "stem gewijzigd"]
    for r in rows:
        assert r.na["keuze"] == "verzegeld" and r.gebruiker == voters[0]
        assert not {"voor", "tegen"} & set(map(str, r.na.values()))
        assert r.voor is None or not {"voor", "tegen"} & set(map(str, r.voor.values()))


def test_ballots_refused_after_the_deadline_unassigned_or_bad_choice(setup):
    v, gemeenten, voters = setup
    a = v.voorstellen.get()
    other = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=gemeenten[1])  # not designated
    with pytest.raises(DomainError) as exc:
        services.cast(a, "voor", other)
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        services.cast(a, "misschien", voters[1])
    with pytest.raises(DomainError):
        services.cast(a, "voor", GebruikerFactory(rol=Rol.PROGRAMMABUREAU))
    Ledenvergadering.objects.filter(pk=v.pk).update(
        stemmen_tot=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(Conflict):
        services.cast(a, "voor", voters[1])
    assert not Stem.objects.exists()


def test_only_the_secretary_designates_a_contact_of_its_own_municipality(setup):
    v, gemeenten, _ = setup
    contact = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=gemeenten[0])
    with pytest.raises(DomainError):  # not the secretary
        services.designate(v, contact, user=contact)
    secretaris = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=gemeenten[0], gemeentesecretaris=True)
    foreign = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=gemeenten[1])
    with pytest.raises(DomainError):
        services.designate(v, foreign, user=secretaris)
    services.designate(v, contact, user=secretaris)  # replaces the earlier voter
    assert queries.voter_of(v, contact) is not None


def test_secrecy_before_closing_for_every_role(setup):
    v, _, voters = setup
    a = v.voorstellen.get()
    services.cast(a, "voor", voters[0])
    office = GebruikerFactory(rol=Rol.PROGRAMMABUREAU)
    for user in [office, voters[0], voters[1], GebruikerFactory(rol=Rol.BESTUUR), None]:
        assert not queries.results_visible(v, user)
    assert list(queries.own_ballots(voters[1])) == []
    assert [s.keuze for s in queries.own_ballots(voters[0])] == ["voor"]
    a.refresh_from_db()
    assert a.uitslag is None and a.uitkomst == ""
    services.close(v)
    v.refresh_from_db()
    assert queries.results_visible(v, office) and not queries.results_visible(v, voters[1])
    services.publish_results(v)
    v.refresh_from_db()
    assert queries.results_visible(v, None)


def test_closing_counts_exactly_and_unseals_in_the_audit(setup):
    v, gemeenten, voters = setup
    a = v.voorstellen.get()
    for user, keuze in zip(voters, ["voor", "tegen", "onthouding", "voor"], strict=True):
        services.cast(a, keuze, user)
    services.close(v)
    a.refresh_from_db()
    assert a.uitkomst == "aangenomen"
    assert a.uitslag["totalen"] == {"voor": 11, "tegen": 2, "onthouding": 5}
    total = sum(Stemgewicht.objects.filter(vergadering=v).values_list("stemmen", flat=True))
    assert a.uitslag["uitgebracht_aantal"] == 4 and a.uitslag["stemgerechtigd_gewicht"] == total
    assert a.uitslag["stemgerechtigd_aantal"] == Stemgewicht.objects.filter(vergadering=v).count()
    assert a.uitslag["per_gemeente"][gemeenten[1].code] == "tegen"
    row = AuditRegel.objects.get(
        object_type="ledenvergadering.voorstel", toelichting__startswith="stemming gesloten"
    )
    assert row.na["stemmen"][gemeenten[1].code] == "tegen"
    with pytest.raises(Conflict):
        services.cast(a, "voor", voters[0])
    with pytest.raises(Conflict):
        services.close(v)


def test_statutes_need_two_thirds_and_a_configurable_quorum(db):
    """The register's municipalities are all entitled: three voters are far from the default
    quorum of half the weight; with the quorum configured away exactly 2/3 adopts."""
    f.table()
    gemeenten = f.municipalities(*[5_000] * 3)
    v = f.meeting()
    s1 = services.add_proposal(v, "S1", "statuten", "Statutenwijziging")
    s2 = services.add_proposal(v, "S2", "statuten", "Reglement", quorum="0")
    s3 = services.add_proposal(v, "S3", "algemeen", "Gewoon", meerderheid="0.75", strikt=False)
    assert (s1.quorum, s1.meerderheid, s1.strikt) == (Decimal("0.5"), Decimal("0.6667"), False)
    services.publish_agenda(v)
    voters = [f.voter(g, v) for g in gemeenten]
    for s in (s1, s2, s3):
        for user, keuze in zip(voters, ["voor", "voor", "tegen"], strict=True):
            services.cast(s, keuze, user)
    services.close(v)
    for s in (s1, s2, s3):
        s.refresh_from_db()
    assert (s1.uitkomst, s2.uitkomst, s3.uitkomst) == ("geen_quorum", "aangenomen", "verworpen")


def test_fund_effect_with_an_adopted_amendment_and_a_rejected_renewal(db):
    f.table()
    gemeenten = f.municipalities(20_000, 20_000, 20_000)
    fonds = FondsFactory()
    arrangement = ArrangementFactory(eerste_jaar=2025, laatste_jaar=2028)
    v = f.meeting(min_medeondertekenaars=1)
    b = services.add_proposal(
        v, "B", "fonds", "Bijdrage 2025", fonds=fonds, jaar=2025, per_inwoner="1,00"
    )
    d = services.add_proposal(
        v, "D", "arrangement", "Verlenging", arrangement=arrangement, nieuw_laatste_jaar=2031
    )
    services.publish_agenda(v)
    voters = [f.voter(g, v) for g in gemeenten]
    am = services.file_amendment(b, "Verlaag naar 0,80", per_inwoner="0,80", user=voters[0])
    with pytest.raises(DomainError):  # not yet co-signed
        services.cast(b, "voor", voters[0], amendement=am)
    with pytest.raises(DomainError):  # the filer does not co-sign
        services.cosign(am, user=voters[0])
    services.cosign(am, user=voters[1])
    services.preadvise(am, "ontraden", "Te laag")
    for user in voters:
        services.cast(b, "voor", user, amendement=am)
        services.cast(b, "voor", user)
        services.cast(d, "tegen", user)
    services.close(v)
    b.refresh_from_db()
    d.refresh_from_db()
    am.refresh_from_db()
    assert am.uitkomst == "aangenomen" and b.uitkomst == "aangenomen"
    assert b.bijdrageregeling.per_inwoner == Decimal("0.8000")
    assert b.bijdrageregeling.jaar == 2025 and "agendapunt B" in b.bijdrageregeling.toelichting
    assert d.uitkomst == "verworpen" and d.verlenging is None
    arrangement.refresh_from_db()
    assert arrangement.laatste_jaar == 2028


def test_renewal_effect_through_the_existing_service(db):
    f.table()
    gemeenten = f.municipalities(20_000)
    arrangement = ArrangementFactory(eerste_jaar=2025, laatste_jaar=2028)
    v = f.meeting()
    d = services.add_proposal(
        v, "D", "arrangement", "Verlenging", arrangement=arrangement, nieuw_laatste_jaar=2031
    )
    services.publish_agenda(v)
    services.cast(d, "voor", f.voter(gemeenten[0], v))
    services.close(v)
    d.refresh_from_db()
    arrangement.refresh_from_db()
    assert arrangement.laatste_jaar == 2031
    assert d.verlenging.nieuw_laatste_jaar == 2031 and "agendapunt D" in d.verlenging.toelichting


def test_amendment_deadline(setup):
    v, _, voters = setup
    Ledenvergadering.objects.filter(pk=v.pk).update(
        amendementen_tot=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(DomainError) as exc:
        services.file_amendment(v.voorstellen.get(), "te laat", user=voters[0])
    assert exc.value.problems[0].name == "amendementen_tot"


def test_alternatives_choose_the_amended_rate(db):
    f.table()
    gemeenten = f.municipalities(20_000, 20_000, 20_000)
    fonds = FondsFactory()
    v = f.meeting(soort="ledenraadpleging", min_medeondertekenaars=0)
    b = services.add_proposal(
        v,
        "1",
        "fonds",
        "Bijdrage",
        fonds=fonds,
        jaar=2025,
        per_inwoner="1,00",
        opties=["voorstel", "amendement-1", "tegen"],
    )
    services.publish_agenda(v)
    voters = [f.voter(g, v) for g in gemeenten]
    services.file_amendment(b, "0,90", per_inwoner="0,90", user=voters[0])
    for user, keuze in zip(voters, ["amendement-1", "amendement-1", "voorstel"], strict=True):
        services.cast(b, keuze, user)
    services.close(v)
    b.refresh_from_db()
    assert b.uitkomst == "gekozen" and b.winnaar == "amendement-1"
    assert b.bijdrageregeling.per_inwoner == Decimal("0.9000")


def test_a_herindeling_between_two_meetings_moves_the_vote(db):
    f.table()
    a, b = (GemeenteFactory(inwoners=8_000, geldig_tot=dt.date(2024, 7, 1)) for _ in range(2))
    c = GemeenteFactory(inwoners=False, geldig_van=dt.date(2024, 7, 1))
    h = Herindeling.objects.create(
        datum=dt.date(2024, 7, 1), soort="samenvoeging", omschrijving="t"
    )
    for old in (a, b):
        Overgang.objects.create(
            herindeling=h, voorganger=old, opvolger=c, deel="geheel", inwoners_overgegaan=8_000
        )
    before = f.meeting(datum=dt.date(2024, 6, 1), titel="voor")
    after = f.meeting(datum=dt.date(2024, 9, 1), titel="na")
    for m in (before, after):
        services.add_proposal(m, "A", "algemeen", "x")
        services.publish_agenda(m)
    ours = {a.pk, b.pk, c.pk}
    assert {w.gemeente_id: w.stemmen for w in queries.weights(before) if w.gemeente_id in ours} == {
        a.pk: 1,
        b.pk: 1,
    }
    assert {
        w.gemeente_id: (w.inwoners, w.stemmen)
        for w in queries.weights(after)
        if w.gemeente_id in ours
    } == {c.pk: (16_000, 2)}
    with pytest.raises(DomainError):  # the predecessor no longer votes
        f.voter(a, after)


def test_the_audit_page_api_and_export_show_the_ballot_sealed_until_closing(setup, make_user):
    from django.test import Client
    from rest_framework.test import APIClient

    v, gemeenten, voters = setup
    a = v.voorstellen.get()
    services.cast(a, "onthouding", voters[0])
    office = make_user(Rol.PROGRAMMABUREAU)
    page = Client()
    page.force_login(office)
    api = APIClient()
    api.force_authenticate(office)
    bodies = [
        page.get("/audit", {"object_type": "ledenvergadering.stem"}).content.decode(),
        page.get("/audit", {"formaat": "csv"}).content.decode(),
        api.get("/api/v1/audit").content.decode(),
    ]
    for body in bodies:
        assert "onthouding" not in body
    assert any("verzegeld" in body for body in bodies)


def test_open_ballots_wait_on_the_voters_start_page(setup):
    from samen.core import werk

    v, _, voters = setup
    werk.autodiscover()
    soort = next(k for k in werk.kinds() if k.key == "ledenvergadering.stemmen")
    assert soort.applies_to(voters[0]) and soort.count(voters[0]) == 1
    services.cast(v.voorstellen.get(), "voor", voters[0])
    assert soort.count(voters[0]) == 0 and soort.count(voters[1]) == 1
