"""factory-boy factories for the main aggregates: valid objects in one line.

    from tests import factories as f

    gemeente = f.GemeenteFactory()                   # 25,000 inhabitants 2012-2024
    contact = f.GebruikerFactory(gemeente_contact=True)
    voorziening = f.VoorzieningFactory(fase="ontwikkeling")
    deelname = f.DeelnameFactory(voorziening=voorziening, gemeente=gemeente)
    factuur = f.FactuurFactory(gemeente=gemeente)    # issued by a billing run

Objects whose invariants a service guards (a voorziening with its factsheet and first phase, a
participation with its history, an issued invoice with its number and receivable, a budget
version) are made through that service, as the application makes them, so a factory never
builds what the application could not. The rest are plain model rows. Every test database holds
the real CBS register (tests/conftest.py); factory municipalities use the unused codes
GM9000-GM9999 so they never collide with it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from samen.abonnementen.models import Arrangement, Dienst, Factuur
from samen.accounts.models import Gebruiker, Organisatie, Rol
from samen.deelnames.models import Deelname
from samen.fonds.models import Activiteit, Begrotingsregel, Compartiment, Fonds
from samen.gemeenten.models import Gemeente, Inwonertal, Provincie
from samen.portfolio.models import Fase, Voorziening

#: Years with figures in the shipped register (1 January of each year).
REGISTER_YEARS = range(2012, 2025)


# ---------------------------------------------------------------- register


class ProvincieFactory(DjangoModelFactory):
    """One of the twelve provinces of the loaded register (they exist in every test database)."""

    class Meta:
        model = Provincie
        django_get_or_create = ("code",)

    code = "PV27"
    naam = "Noord-Holland"


class GemeenteFactory(DjangoModelFactory):
    """A municipality that exists throughout the register, with inhabitants on 1 January of
    every year in ``REGISTER_YEARS``: 25,000 unless ``inwoners=N``; ``inwoners=False`` adds none
    (the population rule then refuses the register as inconsistent for those years, as it should
    for a municipality without figures: add its Inwonertal rows yourself)."""

    class Meta:
        model = Gemeente
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    naam = factory.Sequence(lambda n: f"Testgemeente {n}")
    provincie = factory.SubFactory(ProvincieFactory)
    geldig_van = None
    geldig_tot = None

    @factory.post_generation
    def inwoners(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        aantal = 25_000 if extracted is None else extracted
        Inwonertal.objects.bulk_create(
            Inwonertal(gemeente=obj, jaar=jaar, aantal=aantal, bron="test")
            for jaar in REGISTER_YEARS
        )


class InwonertalFactory(DjangoModelFactory):
    class Meta:
        model = Inwonertal

    gemeente = factory.SubFactory(GemeenteFactory, inwoners=False)
    jaar = 2017
    aantal = 25_000
    bron = "test"


# ---------------------------------------------------------------- people and organisations


class OrganisatieFactory(DjangoModelFactory):
    class Meta:
        model = Organisatie
        django_get_or_create = ("naam",)

    naam = factory.Sequence(lambda n: f"Organisatie {n}")
    afkorting = factory.Sequence(lambda n: f"ORG{n}")
    soort = Organisatie.Soort.KETENPARTNER


class GebruikerFactory(DjangoModelFactory):
    """A user with a role. A municipality's contact gets a municipality and a provider an
    organisation (what Gebruiker.clean requires); staff roles get a confirmed TOTP device
    (``tweestaps=False`` for none), so that ``client.force_login(user)`` opens a session that
    passed the second factor, as the ``make_user`` fixture does."""

    class Meta:
        model = Gebruiker
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker-{n}")
    rol = Rol.PROGRAMMABUREAU
    gemeente = factory.Maybe(
        factory.LazyAttribute(lambda o: o.rol == Rol.GEMEENTE),
        yes_declaration=factory.SubFactory(GemeenteFactory),
        no_declaration=None,
    )
    organisatie = factory.Maybe(
        factory.LazyAttribute(lambda o: o.rol == Rol.AANBIEDER),
        yes_declaration=factory.SubFactory(OrganisatieFactory, soort=Organisatie.Soort.AANBIEDER),
        no_declaration=None,
    )

    class Params:
        gemeente_contact = factory.Trait(rol=Rol.GEMEENTE)
        aanbieder = factory.Trait(rol=Rol.AANBIEDER)
        kantoor = factory.Trait(rol=Rol.ADMINISTRATIEKANTOOR)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password=None, **kwargs)

    @factory.post_generation
    def tweestaps(obj, create, extracted, **kwargs):
        from samen.accounts.models import vereist_tweestaps

        if not create or extracted is False or not vereist_tweestaps(obj):
            return
        from django_otp.plugins.otp_totp.models import TOTPDevice

        obj.otp_device = TOTPDevice.objects.create(user=obj, name="test", confirmed=True)


# ---------------------------------------------------------------- portfolio and participation


class VoorzieningFactory(DjangoModelFactory):
    """A voorziening registered through ``portfolio.services.create_voorziening`` (factsheet,
    first phase change and audit record included); ``fase`` is the phase it starts in."""

    class Meta:
        model = Voorziening

    naam = factory.Sequence(lambda n: f"Voorziening {n}")
    korte_omschrijving = "Een voorziening om te testen."
    spoor = 2
    domein = "publieksdienstverlening"
    soort = "applicatie"
    gebruikers = "gemeente"
    startdatum = dt.date(2017, 1, 1)
    fase = Fase.INITIATIEF

    @classmethod
    def _create(cls, model_class, *args, fase=Fase.INITIATIEF, user=None, **kwargs):
        from samen.portfolio import services

        return services.create_voorziening(kwargs, {"wat_is_het": "Iets."}, user=user, fase=fase)


class DeelnameFactory(DjangoModelFactory):
    """A municipality joins a voorziening through ``deelnames.services.join`` (its first status
    row, the decision in force, the audit record)."""

    class Meta:
        model = Deelname

    gemeente = factory.SubFactory(GemeenteFactory)
    voorziening = factory.SubFactory(VoorzieningFactory)
    besluit = None
    status = "geinteresseerd"
    sinds = dt.date(2017, 3, 1)

    @classmethod
    def _create(cls, model_class, *, gemeente, voorziening, besluit, status, sinds, user=None):
        from samen.deelnames import services

        return services.join(gemeente, voorziening, besluit, sinds, user=user, status=status)


# ---------------------------------------------------------------- subscriptions and invoices


class ArrangementFactory(DjangoModelFactory):
    """An arrangement for 2018-2021 at EUR 0.90 (2017 prices) with one service of a provider
    and index figures of 0% for every year of its term (so the tariff is EUR 0.90 each year)."""

    class Meta:
        model = Arrangement
        skip_postgeneration_save = True

    naam = factory.Sequence(lambda n: f"Arrangement {n}")
    eerste_jaar = 2018
    laatste_jaar = 2021
    tarief = Decimal("0.90")
    prijspeil = 2017
    afleiding_budget = Decimal("15320000")
    afleiding_inwoners = 17_081_507
    afleiding_peildatum = dt.date(2017, 1, 1)
    administratiekantoor = factory.SubFactory(
        OrganisatieFactory, soort=Organisatie.Soort.ADMINISTRATIEKANTOOR
    )

    @factory.post_generation
    def diensten(obj, create, extracted, **kwargs):
        if create and extracted is None:
            DienstFactory(arrangement=obj)

    @factory.post_generation
    def indices(obj, create, extracted, **kwargs):
        from samen.abonnementen import services

        if not create or extracted is False:
            return
        for jaar in range(obj.eerste_jaar, obj.laatste_jaar + 1):
            services.set_index(obj, jaar, (extracted or {}).get(jaar, "0"))


class DienstFactory(DjangoModelFactory):
    class Meta:
        model = Dienst

    arrangement = factory.SubFactory(ArrangementFactory, diensten=False)
    code = factory.Sequence(lambda n: f"dienst-{n}")
    naam = factory.Sequence(lambda n: f"Dienst {n}")
    aanbieder = factory.SubFactory(OrganisatieFactory, soort=Organisatie.Soort.AANBIEDER)
    budget = Decimal("15320000")
    genoemd_per_inwoner = Decimal("0.90")
    volgorde = 0


class FactuurFactory(DjangoModelFactory):
    """An issued yearly invoice, made the one way invoices are made: the municipality is
    subscribed (``abonnementen.services.subscribe``) and a billing run for ``jaar`` numbers and
    issues it (``services.billing_run``), with its lines and its receivable. Creating a Factuur
    row directly would skip the numbering, the parties as issued and the ledger."""

    class Meta:
        model = Factuur

    arrangement = factory.SubFactory(ArrangementFactory)
    gemeente = factory.SubFactory(GemeenteFactory)
    jaar = 2018
    factuurdatum = dt.date(2017, 12, 1)

    @classmethod
    def _create(cls, model_class, *, arrangement, gemeente, jaar, factuurdatum, user=None):
        from samen.abonnementen import services

        services.subscribe(arrangement, gemeente, dt.date(arrangement.eerste_jaar, 1, 1))
        services.billing_run(arrangement, jaar, user=user, factuurdatum=factuurdatum)
        return model_class.objects.get(
            arrangement=arrangement, gemeente=gemeente, jaar=jaar, soort=Factuur.Soort.FACTUUR
        )


# ---------------------------------------------------------------- fund


class FondsFactory(DjangoModelFactory):
    class Meta:
        model = Fonds
        django_get_or_create = ("naam",)

    naam = factory.Sequence(lambda n: f"Fonds {n}")


class CompartimentFactory(DjangoModelFactory):
    class Meta:
        model = Compartiment
        django_get_or_create = ("fonds", "code")

    fonds = factory.SubFactory(FondsFactory)
    code = Compartiment.Code.BEHEER
    naam = "Beheer"


class ActiviteitFactory(DjangoModelFactory):
    class Meta:
        model = Activiteit

    compartiment = factory.SubFactory(CompartimentFactory)
    naam = factory.Sequence(lambda n: f"Activiteit {n}")
    soort = Activiteit.Soort.STRUCTUREEL


class BegrotingsregelFactory(DjangoModelFactory):
    """A budget version entered through ``fonds.services.enter_budget`` (versioned, audited)."""

    class Meta:
        model = Begrotingsregel

    activiteit = factory.SubFactory(ActiviteitFactory)
    jaar = 2018
    bedrag = Decimal("100000.00")
    toelichting = ""

    @classmethod
    def _create(cls, model_class, *, activiteit, jaar, bedrag, toelichting, user=None):
        from samen.fonds import services

        return services.enter_budget(activiteit, jaar, bedrag, toelichting=toelichting, user=user)
