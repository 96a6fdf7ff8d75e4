"""Public decision pages and the step forms of Task Force, College and board.

Every step that publishes something irreversible (an assessment, an advice, a board decision,
a municipality's answer to a request for support) takes two plain form submits: the first shows
what will happen and asks to confirm, the second does it. Submitting the confirmation again
changes nothing and says so."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts.decorators import requires, signed_in_or_login
from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.besluiten import queries, services
from samen.besluiten.forms import AdviesForm, BeoordelingForm, BesluitForm, SteunForm, VerzoekForm
from samen.besluiten.models import PROGRAMMABUREAU, Besluit, Steun, Verzoek, orgaan
from samen.core.clock import today
from samen.core.dates import nl_date
from samen.core.errors import Conflict, DomainError
from samen.portfolio.models import Voorziening

STEPS = {
    "beoordeling": ("besluiten.beoordelen", BeoordelingForm, Verzoek.Stap.INGEDIEND),
    "advies": ("besluiten.adviseren", AdviesForm, Verzoek.Stap.BEOORDEELD),
    "besluit": ("besluiten.besluiten", BesluitForm, Verzoek.Stap.GEADVISEERD),
}
CONFIRM = "bevestigen"  # the name of the confirmation button
BACK = "wijzigen"  # back from the confirmation to the form


# Problem names of the services that a form spells differently.
FORM_NAMES = {"steunendeGemeenten": "steunende_gemeenten"}


def _errors(form, error: DomainError) -> None:
    for problem in error.problems:
        name = FORM_NAMES.get(problem.name, problem.name)
        name = name if name in form.fields else None
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
        Besluit.objects.select_related(
            "voorziening", "verzoek", "vervangt", "vergadering__gremium"
        ),
        uuid=uuid,
    )
    return render(request, "besluiten/besluit.html", {"b": besluit})


def _verzoek(uuid) -> Verzoek:
    return get_object_or_404(
        Verzoek.objects.select_related("voorziening").prefetch_related(
            "steun__gemeente", "besluiten"
        ),
        uuid=uuid,
    )


def _own_support(request, verzoek: Verzoek) -> Steun | None:
    """The support row of the signed-in contact's own municipality, if it was asked."""
    user = request.user
    if not (user.is_authenticated and user.rol == Rol.GEMEENTE and user.gemeente_id):
        return None
    return next((s for s in verzoek.steun.all() if s.gemeente_id == user.gemeente_id), None)


def _already_done(request, verzoek: Verzoek, posted: str | None):
    """A submit for a step this verzoek has already passed (a second identical submit, or a
    form left open in another tab): nothing changes, and the page says so."""
    if posted not in STEPS or not allowed(request.user, STEPS[posted][0]):
        return None
    order = list(Verzoek.Stap.values)
    if order.index(verzoek.stap) <= order.index(STEPS[posted][2]):
        return None
    if posted == "besluit":
        nummers = ", ".join(b.nummer for b in verzoek.besluiten.all())
        text = _("Over dit verzoek is al besloten (%(nummers)s); er is niets veranderd.") % {
            "nummers": nummers
        }
    else:
        text = _("Deze stap is al vastgelegd (het verzoek is %(stap)s); er is niets veranderd.") % {
            "stap": verzoek.get_stap_display()
        }
    messages.info(request, text)
    return redirect("besluiten:verzoek", uuid=verzoek.uuid)


def _preview(stap: str, verzoek: Verzoek, d: dict, datum):
    """Check the step as its service will, and return what it will publish."""
    services._check_meeting(d.get("vergadering"), stap, datum, _("De stap is niet vastgelegd."))
    if stap == "beoordeling":
        queries.check_assessment(verzoek, d, datum)
        return None
    if stap == "advies":
        queries.check_advice(verzoek, d, datum)
        return None
    return queries.preview_decision(verzoek, d["uitkomst"], datum, _amendments(d))


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return nl_date(value)
    return str(value)


def _rows(form, voorstel) -> list[tuple[str, str]]:
    """What will be published, as (label, value) rows for the confirmation step."""
    if voorstel is not None:  # the board's decision
        rows = [
            (_("Titel"), voorstel.titel),
            (_("Uitkomst"), voorstel.uitkomst_label),
            (_("Voorziening"), voorstel.voorziening.naam if voorstel.voorziening else "—"),
            (_("Mate van binding"), voorstel.binding_label or "—"),
            (_("Gemeenten die het besluit bindt"), voorstel.gebonden),
            (_("Uitvoeringsstructuur"), voorstel.uitvoering_label or "—"),
            (_("Voorwaarden"), _shown(voorstel.terms.get("voorwaarden"))),
            (_("Besluitdatum"), nl_date(voorstel.datum)),
        ]
        vergadering = form.cleaned_data.get("vergadering")
        if vergadering is not None:
            rows.append(
                (_("Vergadering"), f"{vergadering.gremium.naam}, {nl_date(vergadering.datum)}")
            )
        if voorstel.vervangt is not None:
            rows.append((_("Vervangt"), f"{voorstel.vervangt.nummer}: {voorstel.vervangt.titel}"))
        toelichting = form.cleaned_data.get("toelichting")
        if toelichting:
            rows.append((_("Toelichting"), toelichting))
        return rows
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        rows.append((str(field.label), _shown(value)))
    return rows


def _amendments(d: dict) -> dict | None:
    return {"voorwaarden": d["voorwaarden"]} if d.get("voorwaarden") else None


def _meeting_field(form, stap: str) -> None:
    """An optional choice of the meeting of the body that takes ``stap`` (the service checks the
    body and the date)."""
    from django import forms

    from samen.gremia.models import Vergadering
    from samen.gremia.queries import STAP_GREMIA

    form.fields["vergadering"] = forms.ModelChoiceField(
        label=_("Genomen in vergadering"),
        required=False,
        to_field_name="uuid",
        queryset=Vergadering.objects.filter(gremium__soort__in=STAP_GREMIA[stap])
        .exclude(status=Vergadering.Status.GEANNULEERD)
        .select_related("gremium")
        .order_by("-datum"),
        help_text=_("Optioneel: de vergadering waarin deze stap is gezet (zelfde datum)."),
    )


def _perform(stap: str, verzoek: Verzoek, d: dict, datum, user) -> None:
    vergadering = d.pop("vergadering", None)
    if stap == "beoordeling":
        services.assess(verzoek, d, datum, user=user, vergadering=vergadering)
    elif stap == "advies":
        services.advise(verzoek, d, datum, user=user, vergadering=vergadering)
    else:
        services.decide(
            verzoek,
            d["uitkomst"],
            datum,
            user=user,
            wijzigingen=_amendments(d),
            toelichting=d["toelichting"],
            vergadering=vergadering,
        )


def verzoek_detail(request, uuid):
    verzoek = _verzoek(uuid)
    stap = next(
        (
            name
            for name, (permission, _form, expected) in STEPS.items()
            if verzoek.stap == expected and allowed(request.user, permission)
        ),
        None,
    )
    posted = request.POST.get("stap") if request.method == "POST" else None
    if request.method == "POST" and (stap is None or (posted and posted != stap)):
        done = _already_done(request, verzoek, posted)
        if done is not None:
            return done
        login = signed_in_or_login(request)  # anonymous: sign in first, then back here
        if login is not None:
            return login
        raise PermissionDenied
    form = None
    confirm = None
    if stap is not None:
        form_class = STEPS[stap][1]
        form = form_class(request.POST or None, initial={"datum": today()})
        _meeting_field(form, stap)
        if request.method == "POST" and form.is_valid():
            d = dict(form.cleaned_data)
            datum = d.pop("datum")
            try:
                if CONFIRM in request.POST:
                    _perform(stap, verzoek, d, datum, request.user)
                else:
                    voorstel = _preview(stap, verzoek, d, datum)
            except Conflict as error:
                messages.info(request, error.message)
                return redirect("besluiten:verzoek", uuid=verzoek.uuid)
            except DomainError as error:
                _errors(form, error)
            else:
                if CONFIRM in request.POST:
                    messages.success(request, _("De stap is vastgelegd en gepubliceerd."))
                    return redirect("besluiten:verzoek", uuid=verzoek.uuid)
                if BACK not in request.POST:
                    confirm = {"rijen": _rows(form, voorstel), "stap": stap}
    return render(
        request,
        "besluiten/verzoek.html",
        {
            "v": verzoek,
            "stap": stap,
            "form": form,
            "confirm": confirm,
            "eigen_steun": _own_support(request, verzoek),
            "steun_form": SteunForm(),
        },
    )


@require_POST
@requires("besluiten.steunen")
def verzoek_steun(request, uuid):
    """A municipality's contact answers the request for support of its own municipality (the
    only one who may): first a confirmation of what will be published, then the answer."""
    verzoek = _verzoek(uuid)
    steun = _own_support(request, verzoek)
    if steun is None:
        raise PermissionDenied
    form = SteunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies of u de steun bevestigt of afwijst."))
        return redirect("besluiten:verzoek", uuid=verzoek.uuid)
    bevestigd = form.cleaned_data["antwoord"] == "bevestigen"
    if steun.status != Steun.Status.GEVRAAGD:
        messages.info(
            request,
            _("Uw gemeente heeft al geantwoord (%(status)s); er is niets veranderd.")
            % {"status": steun.get_status_display()},
        )
        return redirect("besluiten:verzoek", uuid=verzoek.uuid)
    if CONFIRM not in request.POST:
        return render(
            request,
            "besluiten/steun.html",
            {"v": verzoek, "steun": steun, "bevestigd": bevestigd, "form": form},
        )
    try:
        services.answer_support(verzoek, bevestigd, today(), request.user)
    except DomainError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request,
            _("De steun van uw gemeente is bevestigd.")
            if bevestigd
            else _("Uw gemeente steunt dit verzoek niet; dat is vastgelegd."),
        )
    return redirect("besluiten:verzoek", uuid=verzoek.uuid)


@requires("besluiten.verzoeken")
def verzoek_nieuw(request, uuid):
    """A request, filed in two steps: what will be published and whom it asks for support,
    then the confirmation."""
    voorziening = get_object_or_404(Voorziening, uuid=uuid)
    form = VerzoekForm(request.POST or None)
    confirm = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        codes = [c.strip().upper() for c in d["steunende_gemeenten"].split(",") if c.strip()]
        try:
            if CONFIRM in request.POST:
                verzoek = services.submit_request(
                    voorziening,
                    d["titel"],
                    d["motivering"],
                    today(),
                    user=request.user,
                    steunende_gemeenten=codes,
                )
            else:
                gemeenten = queries.check_request(
                    voorziening, d["titel"], d["motivering"], today(), codes
                )
        except DomainError as error:
            _errors(form, error)
        else:
            if CONFIRM in request.POST:
                messages.success(request, _("Het verzoek is ingediend."))
                return redirect("besluiten:verzoek", uuid=verzoek.uuid)
            if BACK not in request.POST:
                eigen = getattr(request.user, "gemeente_id", None)
                confirm = {
                    "rijen": [
                        (_("Voorziening"), voorziening.naam),
                        (_("Titel"), d["titel"]),
                        (_("Waarom"), d["motivering"]),
                        (_("Ingediend door"), orgaan(request.user, PROGRAMMABUREAU)),
                        (_("Ingediend op"), nl_date(today())),
                    ],
                    "eigen": [g.naam for g in gemeenten if g.pk == eigen],
                    "gevraagd": [g.naam for g in gemeenten if g.pk != eigen],
                }
    return render(
        request,
        "besluiten/verzoek_nieuw.html",
        {
            "form": form,
            "confirm": confirm,
            "titel": _("Verzoek tot opschaling: %(naam)s") % {"naam": voorziening.naam},
        },
    )
