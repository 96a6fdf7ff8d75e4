from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.besluiten.models import Besluit, Binding, Uitvoering

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class VerzoekForm(forms.Form):
    titel = forms.CharField(label=_("Titel"), max_length=200)
    motivering = forms.CharField(label=_("Waarom"), widget=TEXT)
    steunende_gemeenten = forms.CharField(
        label=_("Steunende gemeenten (CBS-codes, gescheiden door komma's)"), required=False
    )


class BeoordelingForm(forms.Form):
    impact_gemeenten = forms.CharField(label=_("Impact voor gemeenten"), widget=TEXT)
    impact_inwoners = forms.CharField(label=_("Impact voor inwoners"), widget=TEXT)
    maatschappelijke_baten = forms.CharField(label=_("Maatschappelijke baten"), widget=TEXT)
    opschaalbaarheid = forms.CharField(label=_("Opschaalbaarheid"), widget=TEXT)
    datum = forms.DateField(label=_("Datum"), widget=DATE)


class AdviesForm(forms.Form):
    uitrol = forms.CharField(label=_("Uitrol in gemeenten"), widget=TEXT)
    tijdpad = forms.CharField(label=_("Tijdpad"), widget=TEXT)
    binding = forms.ChoiceField(label=_("Mate van binding"), choices=Binding.choices)
    samenwerkingsvorm = forms.CharField(label=_("Samenwerkingsvorm"), max_length=200)
    uitvoering = forms.ChoiceField(label=_("Uitvoeringsstructuur"), choices=Uitvoering.choices)
    voorwaarden = forms.CharField(label=_("Voorwaarden voor deelnemers"), widget=TEXT)
    uittreden_vanaf = forms.DateField(
        label=_("Uittreden mogelijk vanaf"), required=False, widget=DATE
    )
    uittredingsvoorwaarden = forms.CharField(
        label=_("Uittredingsvoorwaarden"), required=False, widget=TEXT
    )
    datum = forms.DateField(label=_("Datum"), widget=DATE)


class BesluitForm(forms.Form):
    uitkomst = forms.ChoiceField(label=_("Uitkomst"), choices=Besluit.Uitkomst.choices)
    voorwaarden = forms.CharField(
        label=_("Gewijzigde voorwaarden (alleen bij gewijzigd vastgesteld)"),
        required=False,
        widget=TEXT,
    )
    toelichting = forms.CharField(label=_("Toelichting"), required=False, widget=TEXT)
    datum = forms.DateField(label=_("Besluitdatum"), widget=DATE)
