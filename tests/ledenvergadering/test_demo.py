"""The demo: the BALV of 2016 and an example ledenraadpleging, closed, published, marked."""

from __future__ import annotations

import time

import pytest
from django.utils.module_loading import autodiscover_modules

from samen.core import demo as loaders
from samen.ledenvergadering import demo
from samen.ledenvergadering.models import Ledenvergadering


@pytest.mark.django_db
def test_demo_meetings_are_published_marked_and_idempotent():
    autodiscover_modules("demo")
    for _order, name, func in sorted(loaders.LOADERS, key=lambda item: (item[0], item[1])):
        if name in ("organisaties", "fonds"):  # what this loader builds on
            func()
    start = time.monotonic()
    assert demo.load_ledenvergadering() != "al aanwezig"
    elapsed = time.monotonic() - start
    assert demo.load_ledenvergadering() == "al aanwezig"
    balv = Ledenvergadering.objects.get(titel=demo.BALV)
    assert balv.voorbeeld and balv.uitslag_openbaar
    assert [v.code for v in balv.voorstellen.all()] == ["A", "B", "C", "D"]
    assert all(v.uitkomst == "aangenomen" for v in balv.voorstellen.all())
    rp = Ledenvergadering.objects.get(titel=demo.RAADPLEGING)
    voorstel = rp.voorstellen.get()
    assert rp.uitslag_openbaar and voorstel.amendementen.count() == 1
    assert voorstel.uitkomst == "gekozen" and voorstel.winnaar == "voorstel"
    assert voorstel.bijdrageregeling is not None and voorstel.bijdrageregeling.jaar == 2022
    assert rp.gewichttabel.voorbeeld
    print(f"ledenvergadering demo: {elapsed:.2f}s")
