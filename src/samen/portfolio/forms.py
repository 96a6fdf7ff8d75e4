from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.core.errors import DomainError
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
    datum = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reden = forms.CharField(
        label=_("Reden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij een stap terug."),
    )
    besluit_referentie = forms.CharField(label=_("Besluit (verwijzing)"), required=False)


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria: list[Criterium], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            score = current.get(c.code)
            self.fields[f"waarde_{c.code}"] = forms.DecimalField(
                label=f"{c.naam} ({c.schaal_min}–{c.schaal_max})",
                required=False,
                max_digits=6,
                decimal_places=2,
                initial=score.waarde if score else None,
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
            self.fields[f"gewicht_{c.code}"] = forms.DecimalField(
                label=_("Gewicht: %(naam)s") % {"naam": c.naam},
                max_digits=8,
                decimal_places=4,
                initial=initial_weights.get(c.code),
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
    startdatum = forms.DateField(
        label=_("Startdatum"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
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
    jaar = forms.IntegerField(label=_("Jaar"), required=False, min_value=2000, max_value=2100)
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
                self.fields[field.name] = forms.DecimalField(
                    label=str(field.verbose_name).capitalize(),
                    required=False,
                    max_digits=field.max_digits,
                    decimal_places=field.decimal_places,
                    min_value=0,
                )
            else:
                self.fields[field.name] = forms.CharField(
                    label=str(field.verbose_name).capitalize(),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
