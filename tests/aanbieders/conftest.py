"""Fixtures: the subscriptions' test arrangement (without subscriptions), its providers and a
user per role."""

from __future__ import annotations

import pytest

from tests.abonnementen.conftest import kantoor, make_arrangement  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def arrangement(make_arrangement):  # noqa: F811
    return make_arrangement(subscribe=False)


@pytest.fixture
def akj(arrangement):
    from samen.accounts.models import Organisatie

    return Organisatie.objects.get(afkorting="AKJ")


@pytest.fixture
def sensoor(arrangement):
    from samen.accounts.models import Organisatie

    return Organisatie.objects.get(afkorting="Sensoor")


@pytest.fixture
def aanbieder(make_user, akj):
    return make_user("aanbieder", organisatie=akj)


@pytest.fixture
def ander_aanbieder(make_user, sensoor):
    return make_user("aanbieder", organisatie=sensoor)


@pytest.fixture
def commissie(make_user):
    return make_user("commissie")


@pytest.fixture
def bureau(make_user):
    return make_user("programmabureau")


@pytest.fixture
def gemeente(make_user):
    return make_user("gemeente", gemeente="GM0014")


@pytest.fixture
def andere_gemeente(make_user):
    return make_user("gemeente", gemeente="GM0363")


@pytest.fixture
def ingediend(arrangement, aanbieder):
    from samen.aanbieders import services

    return services.submit_document(arrangement, 2018, "jaarplan", "plan.pdf", PDF, user=aanbieder)


@pytest.fixture
def vastgesteld(ingediend, commissie):
    from samen.aanbieders import services

    return services.decide_document(ingediend, True, user=commissie)
