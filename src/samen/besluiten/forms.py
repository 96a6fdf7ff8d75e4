from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.besluiten.models import Besluit, Binding, Uitvoering
from samen.core.dates import parse_date

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class DateField(forms.DateField):
    """A date typed as 2017-01-31 or 31-01-2017, ASCII digits only (core.dates.parse_date); the
    service checks its range."""

    default_error_messages = {"invalid": _("Geen geldige datum; gebruik jjjj-mm-dd of dd-mm-jjjj.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class VerzoekForm(forms.Form):
    titel = forms.CharField(label=_("Titel"), max_length=200)
    motivering = forms.CharField(label=_("Waarom"), widget=TEXT)
    steunende_gemeenten = forms.CharField(
        label=_("Gemeenten die u om steun vraagt (CBS-codes, gescheiden door komma's)"),
        help_text=_(
            "Een gemeente die u noemt, is gevraagd, niet bevestigd: zij staat pas als steunend "
            "bij het verzoek als haar eigen contactpersoon de steun bevestigt. Uw eigen gemeente "
            "geldt meteen als steunend."
        ),
        required=False,
    )


class SteunForm(forms.Form):
    antwoord = forms.ChoiceField(
        label=_("Antwoord"),
        choices=[("bevestigen", _("Steun bevestigen")), ("afwijzen", _("Steun afwijzen"))],
        widget=forms.RadioSelect,
    )


class BeoordelingForm(forms.Form):
    impact_gemeenten = forms.CharField(label=_("Impact voor gemeenten"), widget=TEXT)
    impact_inwoners = forms.CharField(label=_("Impact voor inwoners"), widget=TEXT)
    maatschappelijke_baten = forms.CharField(label=_("Maatschappelijke baten"), widget=TEXT)
    opschaalbaarheid = forms.CharField(label=_("Opschaalbaarheid"), widget=TEXT)
    datum = DateField(label=_("Datum"), widget=DATE)


class AdviesForm(forms.Form):
    uitrol = forms.CharField(label=_("Uitrol in gemeenten"), widget=TEXT)
    tijdpad = forms.CharField(label=_("Tijdpad"), widget=TEXT)
    binding = forms.ChoiceField(label=_("Mate van binding"), choices=Binding.choices)
    samenwerkingsvorm = forms.CharField(label=_("Samenwerkingsvorm"), max_length=200)
    uitvoering = forms.ChoiceField(label=_("Uitvoeringsstructuur"), choices=Uitvoering.choices)
    voorwaarden = forms.CharField(label=_("Voorwaarden voor deelnemers"), widget=TEXT)
    uittreden_vanaf = DateField(label=_("Uittreden mogelijk vanaf"), required=False, widget=DATE)
    uittredingsvoorwaarden = forms.CharField(
        label=_("Uittredingsvoorwaarden"), required=False, widget=TEXT
    )
    datum = DateField(label=_("Datum"), widget=DATE)


class BesluitForm(forms.Form):
    uitkomst = forms.ChoiceField(label=_("Uitkomst"), choices=Besluit.Uitkomst.choices)
    voorwaarden = forms.CharField(
        label=_("Gewijzigde voorwaarden (alleen bij gewijzigd vastgesteld)"),
        required=False,
        widget=TEXT,
    )
    toelichting = forms.CharField(label=_("Toelichting"), required=False, widget=TEXT)
    datum = DateField(label=_("Besluitdatum"), widget=DATE)
