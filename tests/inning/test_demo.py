"""The demo: the shipped example statement is what build_statement makes from the demo's
invoices; loading it pays most 2018 invoices (one partial, one batch, one reversal, unmatched
items) and the monthly distribution adds up to the cent. Loading again changes nothing."""

from __future__ import annotations

import pytest
from django.utils.module_loading import autodiscover_modules

from samen.abonnementen.demo import NAAM
from samen.abonnementen.models import Afzendergegevens, Arrangement
from samen.core import demo as loaders
from samen.inning import queries
from samen.inning.demo import BESTAND, build_statement
from samen.inning.models import Afdrachtperiode, Bankafschrift, Betaling

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_demo_statement_and_distribution_add_up():
    autodiscover_modules("demo")
    lines = loaders.load_all()
    assert any(line.startswith("inning: ") and "aansluiting klopt" in line for line in lines)
    assert b"VOORBEELDGEGEVENS" in BESTAND.read_bytes()
    assert build_statement() == BESTAND.read_bytes()
    stmt = Bankafschrift.objects.get(voorbeeld=True)
    # the statement is of the office's own account: the one in its Afzendergegevens
    office = Arrangement.objects.get(naam=NAAM).administratiekantoor
    assert stmt.rekening == Afzendergegevens.objects.get(organisatie=office).iban
    assert f"<IBAN>{stmt.rekening}</IBAN>".encode() in BESTAND.read_bytes()
    assert stmt.gekoppeld > 300 and stmt.ongematcht == 2 and stmt.teruggeboekt == 1
    assert Betaling.objects.filter(
        bankreferentie__startswith="VB2018", positie__contains="TxDtls 3"
    )
    assert Afdrachtperiode.objects.filter(start__year=2018).count() == 12
    rec = queries.reconcile()
    assert rec.klopt, rec.afwijkingen
    assert rec.vastgehouden == 0 and rec.afgedragen == rec.geind > 0
    assert rec.ontvangen == rec.geind + rec.niet_toegewezen
    before = Betaling.objects.count()
    assert "inning: al aanwezig" in loaders.load_all()
    assert Betaling.objects.count() == before
