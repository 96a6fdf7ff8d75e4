"""The demo loader: the bodies, example members over the size classes, and the meetings of the
demo's existing decision steps (idempotent)."""

from __future__ import annotations

import pytest

from samen.core import demo as core_demo

pytestmark = pytest.mark.django_db


def test_demo_bodies_and_the_meetings_of_the_demo_decisions(client):
    from django.utils.module_loading import autodiscover_modules

    from samen.besluiten.models import Advies, Beoordeling, Besluit
    from samen.gremia import queries
    from samen.gremia.demo import load
    from samen.gremia.models import Gremium, Lidmaatschap

    autodiscover_modules("demo")
    for order, _name, func in sorted(core_demo.LOADERS, key=lambda item: (item[0], item[1])):
        if order <= 60:
            func()
    assert "gremia" in load()
    assert load() == "al geladen"
    assert Gremium.objects.count() == 6
    assert not Lidmaatschap.objects.filter(voorbeeld=False).exists()
    tf = Gremium.objects.get(soort="taskforce")
    import datetime as dt

    s = queries.samenstelling(tf, dt.date(2017, 6, 1))
    assert s.ontbrekende_klassen == [], s.per_grootteklasse
    assert Beoordeling.objects.exists()
    assert not Beoordeling.objects.filter(vergadering__isnull=True).exists()
    assert not Advies.objects.filter(vergadering__isnull=True).exists()
    besluit = Besluit.objects.filter(verzoek__isnull=False).first()
    page = client.get(f"/besluiten/{besluit.uuid}").content.decode()
    assert "/vergaderingen/" in page
    for v in tf.vergaderingen.all():
        assert client.get(f"/vergaderingen/{v.uuid}").status_code == 200
