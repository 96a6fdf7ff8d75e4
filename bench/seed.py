"""Seed a database with benchmark data: 2,000 voorzieningen, 10 criteria with scores, 50 roadmap
versions (ten times today's portfolio and more). Run through `samen shell` by bench/run.py."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samen.portfolio.models import (
    Criterium,
    Factsheet,
    Fasewijziging,
    Gewicht,
    Mijlpaal,
    RoutekaartVersie,
    Score,
    Voorziening,
    WegingVersie,
)

N, M, VERSIONS = 2000, 10, 50


@transaction.atomic
def seed() -> None:
    rng = random.Random(2016)
    fasen = ["initiatief", "ontwikkeling", "opschaling", "implementatie", "beheer"]
    domeinen = [
        "publieksdienstverlening",
        "sociaal_domein",
        "fysiek_domein",
        "belastingen",
        "bedrijfsvoering_ict",
    ]
    criteria = [
        Criterium.objects.get_or_create(
            code=f"bench{j}", defaults={"naam": f"Criterium {j}", "volgorde": 100 + j}
        )[0]
        for j in range(M)
    ]
    voorzieningen = Voorziening.objects.bulk_create(
        Voorziening(
            uuid=uuid.uuid4(),
            naam=f"Benchmarkvoorziening {i:04d}",
            korte_omschrijving="Voor de benchmark.",
            spoor=1 + i % 2,
            domein=domeinen[i % 5],
            soort="applicatie",
            fase=fasen[i % 5],
            startdatum=dt.date(2017, 1, 1),
            gebruikers="gemeente",
        )
        for i in range(N)
    )
    Factsheet.objects.bulk_create(Factsheet(voorziening=v) for v in voorzieningen)
    Fasewijziging.objects.bulk_create(
        Fasewijziging(voorziening=v, naar_fase=v.fase, datum=dt.date(2017, 1, 1))
        for v in voorzieningen
    )
    at = timezone.now() - dt.timedelta(days=1)
    Score.objects.bulk_create(
        Score(
            voorziening=v,
            criterium=c,
            waarde=rng.randint(1, 5),
            onderbouwing="bench",
            gegeven_op=at,
        )
        for v in voorzieningen
        for c in criteria
    )
    start = WegingVersie.objects.count()
    versie = WegingVersie.objects.create(
        nummer=1000 + start, naam="Benchmark", status="gepubliceerd", gepubliceerd_op=timezone.now()
    )
    all_criteria = list(Criterium.objects.all())
    Gewicht.objects.bulk_create(
        Gewicht(versie=versie, criterium=c, gewicht=Decimal(rng.randint(1, 500)) / 100)
        for c in all_criteria
    )
    first = RoutekaartVersie.objects.count()
    for k in range(VERSIONS):
        rv = RoutekaartVersie.objects.create(
            nummer=1000 + first + k,
            naam=f"Bench {k}",
            status="gepubliceerd",
            gepubliceerd_op=timezone.now(),
        )
        Mijlpaal.objects.bulk_create(
            Mijlpaal(
                versie=rv,
                voorziening=v,
                jaar=2018 + (i + k) % 4,
                kwartaal=1 + (i * k) % 4,
                omschrijving="mijlpaal",
            )
            for i, v in enumerate(voorzieningen[:200])
        )
    print(f"seeded {N} voorzieningen, {M} criteria, {VERSIONS} roadmap versions")
