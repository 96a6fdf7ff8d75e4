"""Every factory of tests/factories.py builds a valid object, on SQLite as on PostgreSQL: it
passes the model's validation and carries what the service that makes it guarantees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_gemeente_with_inhabitants_in_the_population_rule():
    from samen.gemeenten.queries import bevolking_voor_jaar

    gemeente = f.GemeenteFactory(inwoners=31_000)
    gemeente.full_clean()
    assert gemeente.code.startswith("GM9")
    assert gemeente.inwonertallen.count() == len(f.REGISTER_YEARS)
    assert bevolking_voor_jaar(2018).per_gemeente[gemeente.code] == 31_000
    assert f.GemeenteFactory(inwoners=False).inwonertallen.count() == 0
    assert f.InwonertalFactory(jaar=2020).gemeente.inwonertallen.get().jaar == 2020


def test_organisatie():
    organisatie = f.OrganisatieFactory()
    organisatie.full_clean()
    assert f.OrganisatieFactory(naam=organisatie.naam) == organisatie  # get_or_create by name


@pytest.mark.parametrize(
    "rol", ["gemeente", "programmabureau", "aanbieder", "administratiekantoor"]
)
def test_gebruiker_per_role(rol):
    from samen.accounts.models import vereist_tweestaps

    user = f.GebruikerFactory(rol=rol)
    user.full_clean()  # Gebruiker.clean: a contact has a municipality, a provider an organisation
    assert (user.gemeente is not None) == (rol == "gemeente")
    assert (user.organisatie is not None) == (rol == "aanbieder")
    assert not user.has_usable_password()
    if vereist_tweestaps(user):
        assert user.is_staff and user.otp_device.confirmed
    assert not hasattr(f.GebruikerFactory(rol=rol, tweestaps=False), "otp_device")


def test_gebruiker_traits():
    assert f.GebruikerFactory(gemeente_contact=True).gemeente is not None
    assert f.GebruikerFactory(aanbieder=True).organisatie.soort == "aanbieder"
    assert f.GebruikerFactory(kantoor=True).rol == "administratiekantoor"


def test_voorziening_through_the_service():
    from samen.audit.models import AuditRegel

    voorziening = f.VoorzieningFactory(fase="ontwikkeling")
    voorziening.full_clean()
    assert voorziening.fase == "ontwikkeling"
    assert voorziening.factsheet.wat_is_het
    assert list(voorziening.fasewijzigingen.values_list("naar_fase", flat=True)) == ["ontwikkeling"]
    assert AuditRegel.objects.filter(object_id=voorziening.audit_id).exists()
    assert f.VoorzieningFactory().fase == "initiatief"


def test_deelname_through_the_service():
    deelname = f.DeelnameFactory(status="gepland")
    deelname.full_clean()
    assert deelname.status == "gepland"
    assert list(deelname.statussen.values_list("status", flat=True)) == ["gepland"]
    assert deelname.gemeente.code.startswith("GM9")


def test_arrangement_with_a_service_and_indices():
    arrangement = f.ArrangementFactory()
    arrangement.full_clean()
    dienst = arrangement.diensten.get()
    dienst.full_clean()
    indices = dict(arrangement.indices.values_list("jaar", "percentage"))
    assert indices == {2018: 0, 2019: 0, 2020: 0, 2021: 0}
    assert f.ArrangementFactory(indices={2019: "2.0"}).indices.get(jaar=2019).percentage == 2
    assert f.DienstFactory().arrangement.diensten.count() == 1


def test_factuur_issued_by_a_billing_run():
    from samen.abonnementen.models import Vordering

    gemeente = f.GemeenteFactory(inwoners=20_000)
    factuur = f.FactuurFactory(gemeente=gemeente)
    factuur.full_clean()
    assert factuur.status == "uitgegeven"
    assert factuur.nummer and factuur.factuurdatum == dt.date(2017, 12, 1)
    assert factuur.inwoners == 20_000 and factuur.bronjaar == 2017
    assert factuur.totaal == Decimal("18000.00") == sum(r.bedrag for r in factuur.regels.all())
    assert Vordering.objects.get(factuur=factuur).bedrag == factuur.totaal


def test_fund_budget_through_the_service():
    regel = f.BegrotingsregelFactory(bedrag=Decimal("2500.50"))
    regel.full_clean()
    assert (regel.versie, regel.bedrag, regel.jaar) == (1, Decimal("2500.50"), 2018)
    compartiment = regel.activiteit.compartiment
    compartiment.full_clean()
    assert compartiment.fonds.compartimenten.get() == compartiment
    again = f.BegrotingsregelFactory(activiteit=regel.activiteit, bedrag=Decimal("3000"))
    assert again.versie == 2
