from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.core.dates import PLATFORM_YEARS, parse_date
from samen.core.errors import DomainError
from samen.core.money import format_number
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Criterium, Domein, Fase, Gebruikers, Soort, Spoor


def apply_problems(form: forms.Form, error: DomainError, prefix_map: dict | None = None) -> None:
    """Show a service's problems as form errors (field errors where the field exists)."""
    for problem in error.problems:
        name = problem.name.split(".")[-1]
        name = (prefix_map or {}).get(name, name)
        if name in form.fields:
            form.add_error(name, problem.reason)
        else:
            form.add_error(None, f"{problem.name}: {problem.reason}")
    if not error.problems:
        form.add_error(None, error.message)


class DatumField(forms.DateField):
    """A date typed as 2024-01-31 (the date picker) or 31-01-2024, ASCII digits only
    (core.dates.parse_date). Whether it is plausible for its meaning is the service's rule."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    default_error_messages = {"invalid": _("Geen datum: schrijf 2024-01-31 of 31-01-2024.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        parsed = parse_date(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def shown_amount(value) -> str:
    """An amount as the form shows it again (1.250.000,00): parse_amount reads it back."""
    return "" if value is None else format_number(value, 2)


def shown_number(value) -> str:
    """A number that is not an amount (fte, hours, a score, a weight) with a decimal comma and
    no thousands separators, as the service reads it back."""
    if value is None:
        return ""
    value = Decimal(value)
    whole = value == value.to_integral_value()
    value = value.quantize(Decimal(1)) if whole else value.normalize()
    return f"{value:f}".replace(".", ",")


class CatalogusFilter(forms.Form):
    zoek = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    fase = forms.ChoiceField(
        label=_("Fase"), required=False, choices=[("", _("Alle fasen")), *Fase.choices]
    )
    spoor = forms.ChoiceField(
        label=_("Spoor"), required=False, choices=[("", _("Beide sporen")), *Spoor.choices]
    )
    domein = forms.ChoiceField(
        label=_("Domein"), required=False, choices=[("", _("Alle domeinen")), *Domein.choices]
    )
    organisatie = forms.CharField(label=_("Organisatie"), required=False, max_length=100)


class GemeenteKeuze(forms.Form):
    gemeente = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Gemeente.objects.filter(geldig_tot__isnull=True).order_by("naam"),
        to_field_name="code",
        empty_label=_("Kies een gemeente"),
    )


class FaseForm(forms.Form):
    naar_fase = forms.ChoiceField(label=_("Nieuwe fase"), choices=Fase.choices)
    datum = DatumField(label=_("Datum"), help_text=_("Niet in de toekomst."))
    reden = forms.CharField(
        label=_("Reden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij een stap terug."),
    )
    besluit_referentie = forms.CharField(label=_("Besluit (verwijzing)"), required=False)


class TerugdraaiForm(forms.Form):
    """Revert the last phase change: which one (hidden, so a stale page reverts nothing else)
    and why."""

    wijziging = forms.UUIDField(widget=forms.HiddenInput)
    reden = forms.CharField(
        label=_("Reden van het terugdraaien"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht. De fasewijziging blijft in de historie staan, als teruggedraaid."),
    )


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria: list[Criterium], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            score = current.get(c.code)
            # A number typed the Dutch way (3,5): the service reads it.
            self.fields[f"waarde_{c.code}"] = forms.CharField(
                label=f"{c.naam} ({c.schaal_min}–{c.schaal_max})",
                required=False,
                max_length=20,
                initial=shown_number(score.waarde) if score else None,
            )
            self.fields[f"onderbouwing_{c.code}"] = forms.CharField(
                label=_("Onderbouwing bij %(naam)s") % {"naam": c.naam},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.onderbouwing if score else "",
            )


class WegingForm(forms.Form):
    naam = forms.CharField(label=_("Naam van de weging"), max_length=200)
    toelichting = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria: list[Criterium], initial_weights: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            # A number typed the Dutch way (0,25): the service reads it.
            self.fields[f"gewicht_{c.code}"] = forms.CharField(
                label=_("Gewicht: %(naam)s") % {"naam": c.naam},
                max_length=20,
                initial=shown_number(initial_weights.get(c.code)),
            )

    def weights(self) -> dict:
        return {c.code: self.cleaned_data.get(f"gewicht_{c.code}") for c in self.criteria}


class VoorzieningForm(forms.Form):
    naam = forms.CharField(label=_("Naam"), max_length=200)
    korte_omschrijving = forms.CharField(
        label=_("Korte omschrijving"), widget=forms.Textarea(attrs={"rows": 3})
    )
    spoor = forms.TypedChoiceField(label=_("Spoor"), choices=Spoor.choices, coerce=int)
    domein = forms.ChoiceField(label=_("Domein"), choices=Domein.choices)
    soort = forms.ChoiceField(label=_("Soort"), choices=Soort.choices)
    gebruikers = forms.ChoiceField(label=_("Gebruikers"), choices=Gebruikers.choices)
    startdatum = DatumField(label=_("Startdatum"), help_text=_("Niet in de toekomst."))
    fase = forms.ChoiceField(
        label=_("Fase bij registratie"),
        choices=[c for c in Fase.choices if c[0] != Fase.BEEINDIGD],
        initial=Fase.INITIATIEF,
    )
    wat_is_het = forms.CharField(
        label=_("Wat is het?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    wat_kun_je_ermee = forms.CharField(
        label=_("Wat kun je ermee?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MijlpaalForm(forms.Form):
    voorziening = forms.ChoiceField(label=_("Voorziening"), required=False)
    omschrijving = forms.CharField(label=_("Mijlpaal"), required=False, max_length=300)
    jaar = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=PLATFORM_YEARS.start,
        max_value=PLATFORM_YEARS.stop - 1,
    )
    kwartaal = forms.IntegerField(label=_("Kwartaal"), required=False, min_value=1, max_value=4)
    naar_fase = forms.ChoiceField(
        label=_("Naar fase"), required=False, choices=[("", "—"), *Fase.choices]
    )
    vervalt = forms.BooleanField(label=_("Laten vervallen"), required=False)


class FactsheetForm(forms.Form):
    """The factsheet's five questions and the preconditions (programme office)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from samen.portfolio.models import Factsheet

        for field in Factsheet._meta.concrete_fields:
            if field.name == "voorziening":
                continue
            if field.get_internal_type() == "DecimalField":
                # Amounts typed the Dutch way (1.250.000,00): the service reads them with
                # core.money.parse_amount (fte with a decimal comma).
                self.fields[field.name] = forms.CharField(
                    label=str(field.verbose_name).capitalize(),
                    required=False,
                    max_length=30,
                )
            else:
                self.fields[field.name] = forms.CharField(
                    label=str(field.verbose_name).capitalize(),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
