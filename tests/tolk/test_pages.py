"""Privacy per role on the pages: the mediator sees all, a municipality only its own residents
(after a herindeling also those registered in its predecessor), an interpreter only its own
agenda; every read is in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from samen.accounts.models import Rol
from samen.audit.models import Actie, AuditRegel
from samen.core import clock
from samen.tolk import services
from samen.tolk.models import Aanbod, Meeruurverzoek, Opdracht

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def bemiddelaar(make_user):
    return make_user(Rol.BEMIDDELAAR)


def test_anonymous_visitors_go_to_sign_in(client):
    for name in ("tolk:dag", "tolk:agenda", "tolk:clienten", "tolk:afrekening"):
        response = client.get(reverse(name))
        assert (
            response.status_code == 302
            and "/inloggen" in response["Location"]
            or "login" in response["Location"]
        )


def test_tariffs_are_public(client):
    f.tarief()
    response = client.get(reverse("tolk:tarieven"))
    assert response.status_code == 200 and "60,00" in response.content.decode()


def test_other_roles_are_refused(client, make_user):
    client.force_login(make_user(Rol.PROGRAMMABUREAU))
    for name in ("tolk:dag", "tolk:agenda", "tolk:clienten", "tolk:afrekening"):
        assert client.get(reverse(name)).status_code == 403


def test_municipality_sees_only_its_own_residents(client, make_user):
    own = f.client("GM0363")
    other = f.client("GM0344")
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0363"))
    page = client.get(reverse("tolk:clienten")).content.decode()
    assert own.nummer in page and other.nummer not in page
    assert client.get(reverse("tolk:client", args=[own.uuid])).status_code == 200
    assert client.get(reverse("tolk:client", args=[other.uuid])).status_code == 403
    assert (
        client.get(
            reverse("tolk:client", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )
    reads = AuditRegel.objects.filter(actie=Actie.LEZEN, object_type="tolk.client")
    assert reads.filter(object_id="lijst").exists()
    assert reads.filter(object_id=str(own.pk)).exists()


def test_after_a_herindeling_the_successor_sees_the_client(client, make_user):
    c = services.inschrijven(f.gemeente("GM0393"), ["ngt"], dt.date(2018, 6, 1))
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0394"))
    assert c.nummer in client.get(reverse("tolk:clienten")).content.decode()
    assert client.get(reverse("tolk:client", args=[c.uuid])).status_code == 200


def test_mediator_sees_all_and_the_day(client, bemiddelaar):
    f.tolk()
    a = f.aanvraag(begin=dt.datetime.combine(clock.today(), dt.time(23, 0), tzinfo=dt.UTC))
    client.force_login(bemiddelaar)
    page = client.get(reverse("tolk:dag")).content.decode()
    assert a.nummer in page and "risico" in page
    response = client.post(reverse("tolk:dag"), {"aanvraag": str(a.uuid)})
    assert response.status_code == 302 and Aanbod.objects.filter(aanvraag=a).count() == 1
    assert client.post(reverse("tolk:dag"), {"aanvraag": "niet-een-uuid"}).status_code == 404
    assert client.get(reverse("tolk:dag"), {"datum": "9999-99-99"}).status_code == 200


def test_interpreter_sees_and_accepts_only_own_offers(client, make_user):
    user = make_user(Rol.TOLK)
    mine = f.tolk(gebruiker=user)
    theirs = f.tolk()
    a = f.aanvraag()
    offers = {o.tolk_id: o for o in services.aanbieden(a)}
    client.force_login(user)
    page = client.get(reverse("tolk:agenda")).content.decode()
    assert a.nummer in page
    assert (
        client.post(reverse("tolk:agenda"), {"aanbod": str(offers[theirs.pk].uuid)}).status_code
        == 404
    )
    assert not Opdracht.objects.exists()
    client.post(reverse("tolk:agenda"), {"aanbod": str(offers[mine.pk].uuid)})
    assert Opdracht.objects.get().tolk == mine


def test_interpreter_without_record_gets_404(client, make_user):
    client.force_login(make_user(Rol.TOLK))
    assert client.get(reverse("tolk:agenda")).status_code == 404


def test_municipality_decides_extra_hours_only_in_its_own_domains(client, make_user, bemiddelaar):
    leef = f.client("GM0363")
    werk = f.client("GM0363", domein="werk")  # paid by UWV
    v_leef = services.meeruren_aanvragen(leef.indicaties.get(), "10", "Meer afspraken.")
    v_werk = services.meeruren_aanvragen(werk.indicaties.get(), "5", "Nieuwe baan.")
    contact = make_user(Rol.GEMEENTE, gemeente="GM0363")
    client.force_login(contact)
    client.post(
        reverse("tolk:client", args=[werk.uuid]),
        {"verzoek": str(v_werk.uuid), "besluit": "toekennen"},
    )
    assert Meeruurverzoek.objects.get(pk=v_werk.pk).status == "ingediend"
    client.post(
        reverse("tolk:client", args=[leef.uuid]),
        {"verzoek": str(v_leef.uuid), "besluit": "toekennen"},
    )
    assert Meeruurverzoek.objects.get(pk=v_leef.pk).status == "toegekend"
    assert str(leef.indicaties.get().uren_toegekend) == "110.00"
    other = make_user(Rol.GEMEENTE, gemeente="GM0344")
    client.force_login(other)
    assert (
        client.post(
            reverse("tolk:client", args=[leef.uuid]), {"verzoek": str(v_leef.uuid)}
        ).status_code
        == 403
    )
    client.force_login(bemiddelaar)
    client.post(
        reverse("tolk:client", args=[werk.uuid]),
        {"verzoek": str(v_werk.uuid), "besluit": "afwijzen"},
    )
    assert Meeruurverzoek.objects.get(pk=v_werk.pk).status == "afgewezen"


def test_municipality_sees_only_its_own_statements(client, make_user):
    f.tolk()
    f.tarief()
    refs = {}
    for i, code in enumerate(("GM0363", "GM0344")):
        a = f.aanvraag(f.client(code), begin=f.BEGIN + dt.timedelta(hours=2 * i))
        services.afronden(services.accepteren(services.aanbieden(a)[0]), uren="1")
        refs[code] = a.nummer
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0363"))
    page = client.get(reverse("tolk:afrekening"), {"maand": "2026-03"}).content.decode()
    assert refs["GM0363"] in page and refs["GM0344"] not in page
    assert "60,00" in page
    assert client.get(reverse("tolk:afrekening"), {"maand": "abc"}).status_code == 200
