"""An arrangement like the seed's on the real CBS register: 2018-2021, EUR 0.90 at 2017 prices,
the four services with their budgets, every municipality subscribed, the G4 exempt from
Luisterend Oor. Index 0% in 2018 so that the 2018 tariff is exactly EUR 0.90."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

G4 = ["GM0363", "GM0599", "GM0518", "GM0344"]
DIENSTEN = [
    ("vertrouwenswerk", "Vertrouwenswerk Jeugd", "AKJ", "7500000", "0.44"),
    ("kindertelefoon", "De Kindertelefoon", "Kindertelefoon", "3830000", "0.23"),
    ("luisterend-oor", "Luisterend Oor", "Sensoor", "3940000", "0.25"),
    ("beheer", "Beheer en betaling", "Kantoor", "50000", "0.0029"),
]
INDICES = {2018: "0", 2019: "2.0", 2020: "1.5", 2021: "0.5"}


@pytest.fixture
def kantoor(db):
    from samen.accounts.models import Organisatie

    return Organisatie.objects.create(
        naam="Administratiekantoor (test)", afkorting="Kantoor", soort="administratiekantoor"
    )


@pytest.fixture
def make_arrangement(db, kantoor):
    from samen.abonnementen import services
    from samen.abonnementen.models import Abonnement, Arrangement, Dienst
    from samen.accounts.models import Organisatie

    counter = {"n": 0}

    def make(indices=INDICES, exempt=G4, subscribe=True):
        counter["n"] += 1
        arrangement = Arrangement.objects.create(
            naam=f"Arrangement {counter['n']}",
            eerste_jaar=2018,
            laatste_jaar=2021,
            tarief=Decimal("0.90"),
            prijspeil=2017,
            afleiding_budget=Decimal("15320000"),
            afleiding_inwoners=17_081_507,
            afleiding_peildatum=dt.date(2017, 1, 1),
            administratiekantoor=kantoor,
        )
        for volgorde, (code, naam, aanbieder, budget, genoemd) in enumerate(DIENSTEN):
            org = Organisatie.objects.filter(afkorting=aanbieder).first()
            if org is None:
                org = Organisatie.objects.create(
                    naam=aanbieder, afkorting=aanbieder, soort="aanbieder"
                )
            Dienst.objects.create(
                arrangement=arrangement,
                code=code,
                naam=naam,
                aanbieder=org,
                budget=Decimal(budget),
                genoemd_per_inwoner=Decimal(genoemd),
                volgorde=volgorde,
            )
        for jaar, pct in indices.items():
            services.set_index(arrangement, jaar, pct)
        if subscribe:
            services.subscribe_all(arrangement)
            lo = arrangement.diensten.get(code="luisterend-oor")
            for abonnement in Abonnement.objects.filter(
                arrangement=arrangement, gemeente__code__in=exempt
            ):
                services.add_exemption(
                    abonnement, lo, abonnement.van, abonnement.tot, "eigen Luisterend Oor"
                )
        return arrangement

    return make


@pytest.fixture
def arrangement(make_arrangement):
    return make_arrangement()
