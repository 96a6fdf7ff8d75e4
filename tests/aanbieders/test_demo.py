"""The demo loader: nothing without the seed's arrangement; with it, adopted example plans, a
question with an answer and a renewal decision that keeps the term."""

from __future__ import annotations

import pytest

from samen.aanbieders.demo import example_pdf, load_aanbieders

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_without_the_seed_arrangement_nothing_happens():
    from samen.aanbieders.models import Verantwoordingsdocument

    assert load_aanbieders() == "geen arrangement"
    assert not Verantwoordingsdocument.objects.exists()


def test_example_pdf_is_a_pdf():
    assert example_pdf("Test", ["regel"]).startswith(b"%PDF-")


def test_with_the_seed_arrangement(arrangement):
    from samen.aanbieders.models import Antwoord, Verantwoordingsdocument, Verlenging
    from samen.abonnementen.demo import NAAM

    arrangement.naam = NAAM
    arrangement.save()
    result = load_aanbieders()
    assert "3 jaarplannen" in result, result
    assert Verantwoordingsdocument.objects.filter(status="vastgesteld", voorbeeld=True).count() == 3
    assert Antwoord.objects.count() == 1
    v = Verlenging.objects.get()
    assert not v.verlengd
    arrangement.refresh_from_db()
    assert arrangement.laatste_jaar == 2021
    assert load_aanbieders() == "al aanwezig"
