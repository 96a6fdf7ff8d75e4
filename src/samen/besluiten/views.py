"""Public decision pages and the step forms of Task Force, College and board."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samen.accounts.permissions import allowed
from samen.besluiten import services
from samen.besluiten.forms import AdviesForm, BeoordelingForm, BesluitForm, VerzoekForm
from samen.besluiten.models import Besluit, Verzoek
from samen.core.clock import today
from samen.core.errors import DomainError
from samen.portfolio.models import Voorziening

STEPS = {
    "beoordeling": ("besluiten.beoordelen", BeoordelingForm, Verzoek.Stap.INGEDIEND),
    "advies": ("besluiten.adviseren", AdviesForm, Verzoek.Stap.BEOORDEELD),
    "besluit": ("besluiten.besluiten", BesluitForm, Verzoek.Stap.GEADVISEERD),
}


def _errors(form, error: DomainError) -> None:
    for problem in error.problems:
        name = problem.name if problem.name in form.fields else None
        form.add_error(name, problem.reason)
    if not error.problems:
        form.add_error(None, error.message)


def lijst(request):
    besluiten = Besluit.objects.select_related(
        "voorziening", "vervangt", "vervangen_door"
    ).order_by("-datum", "-id")
    verzoeken = Verzoek.objects.select_related("voorziening").order_by("-ingediend_op", "-id")
    return render(request, "besluiten/lijst.html", {"besluiten": besluiten, "verzoeken": verzoeken})


def besluit_detail(request, uuid):
    besluit = get_object_or_404(
        Besluit.objects.select_related("voorziening", "verzoek", "vervangt"), uuid=uuid
    )
    return render(request, "besluiten/besluit.html", {"b": besluit})


def verzoek_detail(request, uuid):
    verzoek = get_object_or_404(
        Verzoek.objects.select_related("voorziening").prefetch_related(
            "steunende_gemeenten", "besluiten"
        ),
        uuid=uuid,
    )
    stap = next(
        (
            name
            for name, (permission, _form, expected) in STEPS.items()
            if verzoek.stap == expected and allowed(request.user, permission)
        ),
        None,
    )
    form = None
    if stap is not None:
        form_class = STEPS[stap][1]
        form = form_class(request.POST or None, initial={"datum": today()})
        if request.method == "POST" and form.is_valid():
            d = dict(form.cleaned_data)
            datum = d.pop("datum")
            try:
                if stap == "beoordeling":
                    services.assess(verzoek, d, datum, user=request.user)
                elif stap == "advies":
                    services.advise(verzoek, d, datum, user=request.user)
                else:
                    wijzigingen = {"voorwaarden": d["voorwaarden"]} if d["voorwaarden"] else None
                    services.decide(
                        verzoek,
                        d["uitkomst"],
                        datum,
                        user=request.user,
                        wijzigingen=wijzigingen,
                        toelichting=d["toelichting"],
                    )
            except DomainError as error:
                _errors(form, error)
            else:
                messages.success(request, _("De stap is vastgelegd."))
                return redirect("besluiten:verzoek", uuid=verzoek.uuid)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "besluiten/verzoek.html", {"v": verzoek, "stap": stap, "form": form})


def verzoek_nieuw(request, uuid):
    if not (request.user.is_authenticated and allowed(request.user, "besluiten.verzoeken")):
        raise PermissionDenied
    voorziening = get_object_or_404(Voorziening, uuid=uuid)
    form = VerzoekForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        codes = [c.strip().upper() for c in d["steunende_gemeenten"].split(",") if c.strip()]
        try:
            verzoek = services.submit_request(
                voorziening,
                d["titel"],
                d["motivering"],
                today(),
                user=request.user,
                steunende_gemeenten=codes,
            )
        except DomainError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Het verzoek is ingediend."))
            return redirect("besluiten:verzoek", uuid=verzoek.uuid)
    return render(
        request,
        "portfolio/form.html",
        {"form": form, "titel": _("Verzoek tot opschaling: %(naam)s") % {"naam": voorziening.naam}},
    )
