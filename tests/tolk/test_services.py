"""Entitlements, requests, matching against the database, offers, assignments, settlement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from samen.audit.models import Actie, AuditRegel
from samen.core.errors import Conflict, DomainError
from samen.tolk import queries, services
from samen.tolk.models import Aanbod, Aanvraag, Betaler, Client, Indicatie, Opdracht

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]
H = dt.timedelta(hours=1)


def test_client_number_is_pseudonymous_and_registration_audited():
    c = f.client()
    assert c.nummer.startswith("TV-") and len(c.nummer) == 11
    assert AuditRegel.objects.filter(object_type="tolk.client", actie=Actie.AANMAKEN).exists()


def test_registration_refuses_bad_input():
    with pytest.raises(DomainError) as e:
        services.inschrijven(f.gemeente("GM0363"), ["gebaren"], dt.date(1990, 1, 1))
    names = {p.name for p in e.value.problems}
    assert names == {"tolktypen", "ingeschreven_op"}


@pytest.mark.parametrize(
    ("domein", "participatiewet", "betaler"),
    [
        ("leef", False, Betaler.GEMEENTE),
        ("werk", True, Betaler.GEMEENTE),
        ("werk", False, Betaler.UWV),
        ("onderwijs", False, Betaler.OCW),
    ],
)
def test_payer_is_the_municipality_only_for_its_own_domains(domein, participatiewet, betaler):
    c = f.client(domein=domein, participatiewet=participatiewet)
    assert c.indicaties.get().betaler == betaler


def test_entitlement_refuses_bad_input():
    c = f.client()
    with pytest.raises(DomainError) as e:
        services.indicatie_toekennen(c, "leef", 2026, "-3")
    assert {p.name for p in e.value.problems} == {"uren_toegekend", "domein"}
    with pytest.raises(DomainError):
        services.indicatie_toekennen(c, "onderwijs", 1800, "3", participatiewet=True)


def test_request_needs_an_entitlement_with_hours_left():
    c = f.client(uren=Decimal("1"))
    with pytest.raises(DomainError, match="aanvraag"):
        f.aanvraag(c, duur=90)
    with pytest.raises(DomainError):
        f.aanvraag(c, begin=f.BEGIN.replace(year=2027))
    a = f.aanvraag(c, duur=60)
    assert a.betaler == Betaler.GEMEENTE and a.betaler_gemeente.code == "GM0363"


def test_offers_go_to_the_nearest_qualified_free_interpreters():
    near = f.tolk("GM0363")  # Amsterdam
    mid = f.tolk("GM0344")  # Utrecht
    far = f.tolk("GM0935")  # Maastricht
    f.tolk("GM0363", kwalificaties=("schrijftolk",))  # not qualified
    busy = f.tolk("GM0363")
    other = f.aanvraag(begin=f.BEGIN - H / 2)
    services.accepteren(services.aanbieden(other, aantal=1)[0])
    assert Opdracht.objects.get().tolk == near
    a = f.aanvraag()
    offers = services.aanbieden(a, aantal=5)
    assert [o.tolk for o in offers] == [busy, mid, far]
    assert Aanvraag.objects.get(pk=a.pk).status == Aanvraag.Status.AANGEBODEN


def test_remote_requests_match_nationally():
    far = f.tolk("GM0935")
    a = f.aanvraag(op_afstand=True)
    assert [v.tolk_id for v in queries.voorstellen(a)] == [far.pk]


def test_preference_first_and_backup_pool_only_when_escalated():
    near = f.tolk("GM0363")
    far = f.tolk("GM0935")
    backup = f.tolk("GM0363", achterwacht=True)
    a = f.aanvraag(voorkeur=[far])
    assert [v.tolk_id for v in queries.voorstellen(a)] == [far.pk, near.pk]
    assert [v.tolk_id for v in queries.voorstellen(a, achterwacht=True)] == [
        far.pk,
        near.pk,
        backup.pk,
    ]


def test_first_acceptance_wins():
    t1, t2 = f.tolk(), f.tolk()
    a = f.aanvraag()
    o1, o2 = services.aanbieden(a)
    opdracht = services.accepteren(o2)
    assert opdracht.tolk == t2
    with pytest.raises(Conflict):
        services.accepteren(o1)
    assert Aanbod.objects.get(pk=o1.pk).status == Aanbod.Status.VERVALLEN
    assert Opdracht.objects.count() == 1 and t1.opdrachten.count() == 0


def test_overlapping_acceptance_of_one_interpreter_is_refused():
    t = f.tolk()
    a1 = f.aanvraag()
    a2 = f.aanvraag(begin=f.BEGIN + H / 2)
    o1 = services.aanbieden(a1)[0]
    o2 = services.aanbieden(a2)[0]  # offered before the first was accepted
    services.accepteren(o1)
    with pytest.raises(Conflict, match="al een opdracht"):
        services.accepteren(o2)
    assert t.opdrachten.count() == 1
    # the matcher no longer proposes the booked interpreter
    assert queries.voorstellen(a2) == []


def test_the_database_itself_refuses_a_double_booking():
    t = f.tolk()
    a1, a2 = f.aanvraag(), f.aanvraag(begin=f.BEGIN + H / 2)
    Opdracht.objects.create(aanvraag=a1, tolk=t, begin=a1.begin, eind=a1.begin + H)
    with pytest.raises(IntegrityError), transaction.atomic():
        Opdracht.objects.create(aanvraag=a2, tolk=t, begin=a2.begin, eind=a2.begin + H)
    # adjacent and cancelled assignments do not count
    a3 = f.aanvraag(begin=f.BEGIN + H)
    Opdracht.objects.create(aanvraag=a3, tolk=t, begin=a3.begin, eind=a3.begin + H)
    Opdracht.objects.filter(aanvraag=a1).update(actief=False)
    Opdracht.objects.create(aanvraag=a2, tolk=t, begin=a2.begin, eind=a2.begin + H / 2)
    # moving an assignment onto another is refused too
    with pytest.raises(IntegrityError), transaction.atomic():
        Opdracht.objects.filter(aanvraag=a3).update(begin=f.BEGIN)


def test_cancellation_frees_the_interpreter():
    t = f.tolk()
    a = f.aanvraag()
    opdracht = services.accepteren(services.aanbieden(a)[0])
    services.annuleren(opdracht, "cliënt ziek")
    assert Aanvraag.objects.get(pk=a.pk).status == Aanvraag.Status.OPEN
    assert [v.tolk_id for v in queries.voorstellen(f.aanvraag())] == [t.pk]


def test_completion_prices_by_the_latest_tariff_of_the_year_and_uses_hours():
    f.tolk()
    c = f.client(uren=Decimal("10"))
    opdracht = services.accepteren(services.aanbieden(f.aanvraag(c))[0])
    with pytest.raises(DomainError, match="afgerond"):
        services.afronden(opdracht, uren="1.5")  # no tariff table yet
    f.tarief()
    services.tarieftabel_vaststellen(f.JAAR, "62.00", "45.00", "0.23")
    done = services.afronden(opdracht, uren="1.5", reistijd_minuten=50, reisafstand_km="42.5")
    assert done.bedrag == Decimal("140.28") and done.tarief.versie == 2
    assert Indicatie.objects.get(client=c).uren_gebruikt == Decimal("1.5")
    with pytest.raises(Conflict):
        services.afronden(done, uren="1")


def test_completion_refuses_bad_input():
    f.tolk()
    f.tarief()
    opdracht = services.accepteren(services.aanbieden(f.aanvraag())[0])
    with pytest.raises(DomainError) as e:
        services.afronden(
            opdracht, uren="99", reistijd_minuten=-1, reisafstand_km="x", datum=dt.date(2099, 1, 1)
        )
    assert {p.name for p in e.value.problems} == {
        "uren",
        "reistijd_minuten",
        "reisafstand_km",
        "datum",
    }


def test_monthly_statements_reconcile_with_the_assignments():
    f.tolk()
    f.tarief()
    c_ams = f.client("GM0363")
    c_utr = f.client("GM0344")
    c_uwv = f.client("GM0363", domein="werk")
    amounts = []
    for i, c in enumerate([c_ams, c_ams, c_utr, c_uwv]):
        a = f.aanvraag(c, begin=f.BEGIN + i * 2 * H)
        o = services.accepteren(services.aanbieden(a)[0])
        amounts.append(
            services.afronden(o, uren="1.25", reistijd_minuten=30 + i, reisafstand_km="10").bedrag
        )
    overzichten = queries.regels(2026, 3)
    from samen.tolk.afrekening import statements

    result = {(o.betaler, o.gemeente): o.totaal for o in statements(overzichten)}
    assert result[("gemeente", "GM0363")] == amounts[0] + amounts[1]
    assert result[("gemeente", "GM0344")] == amounts[2]
    assert result[("uwv", None)] == amounts[3]
    assert sum(result.values()) == sum(amounts)
    assert queries.regels(2026, 4) == []


def test_herindeling_moves_the_client_to_the_successor():
    # Haarlemmerliede en Spaarnwoude (GM0393) joined Haarlemmermeer (GM0394) on 1 January 2019.
    c = services.inschrijven(f.gemeente("GM0393"), ["ngt"], dt.date(2018, 6, 1))
    assert queries.woongemeente_code(c, dt.date(2018, 12, 31)) == "GM0393"
    assert queries.woongemeente_code(c, dt.date(2019, 1, 1)) == "GM0394"
    services.indicatie_toekennen(c, "leef", 2026, "20")
    a = f.aanvraag(c)
    assert a.betaler_gemeente.code == "GM0394"


def test_clean_up_deletes_expired_clients_and_old_preferences(settings):
    settings.TOLK_BEWAARTERMIJN_CLIENT_DAGEN = 30
    settings.TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN = 10
    t = f.tolk()
    c = f.client()
    keep = f.client()
    a = f.aanvraag(c, voorkeur=[t])
    services.uitschrijven(c, dt.date(2026, 4, 1))
    assert services.opschonen(dt.date(2026, 4, 30)) == {"clienten": 0, "voorkeuren": 1}
    assert not Aanvraag.objects.get(pk=a.pk).voorkeur_tolken.exists()
    assert services.opschonen(dt.date(2026, 5, 2)) == {"clienten": 1, "voorkeuren": 0}
    assert list(Client.objects.all()) == [keep]
    a.refresh_from_db()
    assert a.client is None and a.betaler_gemeente.code == "GM0363"  # settlement survives
    assert (
        AuditRegel.objects.filter(object_type="tolk.client", actie=Actie.VERWIJDEREN).count() == 1
    )


def test_clean_up_command(settings):
    from django.core.management import call_command

    settings.TOLK_BEWAARTERMIJN_CLIENT_DAGEN = 0
    c = f.client()
    services.uitschrijven(c, dt.date(2025, 2, 1))
    call_command("tolk-opschonen")
    assert not Client.objects.exists()
