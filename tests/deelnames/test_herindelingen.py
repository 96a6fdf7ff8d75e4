"""A herindeling loses nothing and rewrites nothing: the real 2013-2023 herindelingen over a
participation of every municipality of 2012."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.deelnames import queries, services
from samen.deelnames.models import Deelname, DeelnameOvergang, Statuswijziging
from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import links

pytestmark = pytest.mark.django_db

STATUSES = ["geinteresseerd", "gepland", "in_implementatie", "in_gebruik"]


@pytest.mark.sqlite
def test_real_herindelingen_keep_every_participation(make_voorziening):
    v = make_voorziening(fase="opschaling", startdatum=dt.date(2012, 1, 1))
    start = dt.date(2012, 1, 1)
    originals = []
    for i, g in enumerate(Gemeente.objects.op(start).order_by("code")):
        status = STATUSES[i % 4]
        if g.code == "GM0457":  # Weesp live, Amsterdam only interested
            status = "in_gebruik"
        if g.code == "GM0363":
            status = "geinteresseerd"
        d = Deelname.objects.create(
            gemeente=g, voorziening=v, herkomst="aanmelding", status=status, sinds=start
        )
        Statuswijziging.objects.create(deelname=d, status=status, datum=start)
        originals.append(d)
    assert len(originals) == 415

    result = services.apply_herindelingen(dt.date(2023, 12, 31))
    assert result["overgegaan"] > 0

    end = dt.date(2024, 1, 1)
    running = Deelname.objects.filter(voorziening=v, tot__isnull=True)
    assert running.count() == 342
    assert set(running.values_list("gemeente__code", flat=True)) == set(
        Gemeente.objects.op(end).values_list("code", flat=True)
    )
    all_links = links()
    for d in Deelname.objects.filter(voorziening=v, tot__isnull=False).select_related("gemeente"):
        targets = {o.naar.gemeente.code for o in DeelnameOvergang.objects.filter(van=d)}
        expected = {
            link.opvolger
            for link in all_links
            if link.voorganger == d.gemeente.code and link.datum == d.tot
        }
        assert targets == expected, d.gemeente.code
    for original in originals:  # nothing rewritten: status and start unchanged
        original.refresh_from_db()
        assert original.sinds == start
        assert original.tot is None or original.overgegaan_naar.exists()
    # every 2012 municipality is carried by a running participation of a current successor
    for original in originals:
        successors = set(rules.successors(original.gemeente.code, all_links, end))
        assert successors <= set(running.values_list("gemeente__code", flat=True))

    amsterdam = running.get(gemeente__code="GM0363")
    assert amsterdam.status == "in_gebruik"  # the most advanced status counts (Weesp)
    assert queries.coverage(v, dt.date(2022, 3, 23)).per_gemeente["GM0457"] == "in_gebruik"
    assert queries.coverage(v, dt.date(2022, 3, 23)).per_gemeente["GM0363"] == "geinteresseerd"
    assert queries.coverage(v, dt.date(2022, 3, 24)).per_gemeente["GM0363"] == "in_gebruik"
    assert "GM0457" not in queries.coverage(v, dt.date(2022, 3, 24)).per_gemeente

    assert services.apply_herindelingen(dt.date(2023, 12, 31)) == {"overgegaan": 0, "aangemaakt": 0}


def test_split_passes_to_every_successor(make_voorziening):
    v = make_voorziening(fase="opschaling", startdatum=dt.date(2020, 1, 1))
    haaren = Gemeente.objects.get(code="GM0788")
    d = Deelname.objects.create(
        gemeente=haaren,
        voorziening=v,
        herkomst="aanmelding",
        status="gepland",
        sinds=dt.date(2020, 2, 1),
    )
    Statuswijziging.objects.create(deelname=d, status="gepland", datum=dt.date(2020, 2, 1))
    services.apply_herindelingen(dt.date(2021, 6, 1))
    codes = sorted(
        Deelname.objects.filter(voorziening=v, tot__isnull=True).values_list(
            "gemeente__code", flat=True
        )
    )
    assert codes == ["GM0757", "GM0824", "GM0855", "GM0865"]
    assert Deelname.objects.get(pk=d.pk).tot == dt.date(2021, 1, 1)
