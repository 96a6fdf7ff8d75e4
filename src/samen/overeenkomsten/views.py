"""Pages of agreements: the list and each campaign (public totals; details for the programme
office), and a municipality's signing page ("what does this mean for my municipality" and the
form to record its next step, for its own contacts and for the office on its behalf)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_safe

from samen.accounts.decorators import requires
from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.core import clock
from samen.core.dates import check_date, parse_date
from samen.core.errors import DomainError, Problem
from samen.core.money import format_euro, format_number
from samen.gemeenten.models import Gemeente
from samen.overeenkomsten import campagne, queries, services
from samen.overeenkomsten.models import Status

GROEP_LABELS = {
    campagne.GROEP_GETEKEND: _l("getekend"),
    campagne.GROEP_BEZIG: _l("in behandeling (college of raad)"),
    campagne.GROEP_NIET_GESTART: _l("niet gestart"),
    campagne.GROEP_AFGEWEZEN: _l("afgewezen"),
}


def _agreement(uuid):
    return get_object_or_404(queries.current_agreements(), uuid=uuid)


@require_safe
def lijst(request):
    overeenkomsten = list(queries.current_agreements().order_by("-deadline", "titel"))
    eigen = None
    if getattr(request.user, "is_authenticated", False) and request.user.gemeente_id:
        eigen = request.user.gemeente
    return render(
        request, "overeenkomsten/lijst.html", {"overeenkomsten": overeenkomsten, "eigen": eigen}
    )


def _rows(totalen: campagne.Totalen, budget=None) -> list[dict]:
    return [
        {
            "label": GROEP_LABELS[g],
            "groep": g,
            "aantal": totalen.per_groep[g].aantal,
            "aandeel_aantal": totalen.aandeel_aantal(g),
            "inwoners": format_number(totalen.per_groep[g].inwoners),
            "aandeel_inwoners": totalen.aandeel_inwoners(g),
            "aandeel_budget": budget.per_groep[g] if budget is not None else None,
        }
        for g in campagne.GROEPEN
    ]


def _chart(points, width=640, height=200) -> dict:
    """Polylines of the signed and in-progress shares of municipalities per week."""
    n = max(len(points) - 1, 1)

    def line(group):
        coords = []
        for i, p in enumerate(points):
            share = float(p.totalen.aandeel_aantal(group))  # geometry only, never money
            coords.append(f"{i * width / n:.1f},{height - share * height / 100:.1f}")
        return " ".join(coords)

    return {
        "width": width,
        "height": height,
        "getekend": line(campagne.GROEP_GETEKEND),
        "bezig": line(campagne.GROEP_BEZIG),
    }


@require_safe
def overeenkomst(request, uuid):
    o = _agreement(uuid)
    details = allowed(request.user, "overeenkomsten.campagne")
    problems: list[Problem] = []
    peildatum = None
    if request.GET.get("peildatum"):
        peildatum = parse_date(request.GET["peildatum"])
        if peildatum is None:
            problems.append(Problem("peildatum", _("geen datum (dd-mm-jjjj of jjjj-mm-dd)")))
        else:
            check_date(peildatum, field="peildatum", label=_("De peildatum"), problems=problems)
    if problems:
        return render(
            request,
            "overeenkomsten/overeenkomst.html",
            {"o": o, "fout": "; ".join(p.reason for p in problems)},
            status=400,
        )
    bevolking: dict = {}
    c = queries.campaign(o, peildatum, details=details, bevolking=bevolking)
    points = queries.series(o, bevolking=bevolking)
    verloop = [
        {
            "datum": p.datum,
            "getekend": p.totalen.per_groep[campagne.GROEP_GETEKEND].aantal,
            "bezig": p.totalen.per_groep[campagne.GROEP_BEZIG].aantal,
            "niet": p.totalen.per_groep[campagne.GROEP_NIET_GESTART].aantal,
            "afgewezen": p.totalen.per_groep[campagne.GROEP_AFGEWEZEN].aantal,
            "aandeel_inwoners": p.totalen.aandeel_inwoners(campagne.GROEP_GETEKEND),
        }
        for p in points
    ]
    provincies = [
        {
            "naam": naam,
            "getekend": t.per_groep[campagne.GROEP_GETEKEND].aantal,
            "aantal": t.aantal,
            "aandeel_aantal": t.aandeel_aantal(campagne.GROEP_GETEKEND),
            "aandeel_inwoners": t.aandeel_inwoners(campagne.GROEP_GETEKEND),
        }
        for naam, t in c.per_provincie.items()
    ]
    diensten = []
    if c.budget is not None:
        diensten = [
            {
                "naam": c.budget.namen[d.dienst],
                "aanbieder": c.budget.aanbieders[d.dienst],
                "budget": format_euro(d.budget),
                "gedekt": format_euro(d.gedekt),
                "aandeel": d.aandeel,
                "tekort": format_euro(d.tekort),
            }
            for d in c.budget.diensten
        ]
    niet_getekend = []
    if details:
        # One reverse for the list, not one per row (the office's list has hundreds of rows).
        base = reverse("overeenkomsten:gemeente", args=[o.uuid, "GM0000"])[: -len("GM0000")]
        niet_getekend = [
            {
                **r,
                "url": base + r["code"],
                "sinds": f"{r['sinds']:%d-%m-%Y}" if r["sinds"] else "—",
                "inwoners": format_number(r["inwoners"]),
            }
            for r in c.niet_getekend
        ]
    context = {
        "o": o,
        "c": c,
        "niet_getekend": niet_getekend,
        "rijen": _rows(c.totalen, c.budget),
        "provincies": provincies,
        "verloop": verloop,
        "chart": _chart(points),
        "diensten": diensten,
        "tarief": format_euro(c.budget.tarief) if c.budget else None,
        "dekkend_tarief": format_euro(c.budget.dekkend_tarief)
        if c.budget and c.budget.dekkend_tarief is not None
        else None,
        "tekort": format_euro(c.budget.tekort) if c.budget else None,
        "details": details,
        "herinneringen": o.herinneringen.all()[:10] if details else [],
        "eigen": request.user.gemeente
        if getattr(request.user, "is_authenticated", False) and request.user.gemeente_id
        else None,
    }
    return render(request, "overeenkomsten/overeenkomst.html", context)


@requires("overeenkomsten.campagne")
def herinneren(request, uuid):
    o = _agreement(uuid)
    if request.method != "POST":
        return redirect("overeenkomsten:overeenkomst", uuid=o.uuid)
    try:
        h = services.send_reminder(o, request.POST.get("tekst", ""), user=request.user)
        messages.success(
            request, _("Herinnering verstuurd aan %(n)s gemeenten.") % {"n": h.gemeenten.count()}
        )
    except DomainError as error:
        messages.error(request, "; ".join(p.reason for p in error.problems) or error.message)
    return redirect("overeenkomsten:overeenkomst", uuid=o.uuid)


class StapForm(forms.Form):
    status = forms.ChoiceField(label=_l("Nieuwe stap"), choices=Status.choices)
    datum = forms.DateField(
        label=_l("Datum"), required=False, input_formats=["%d-%m-%Y", "%Y-%m-%d"]
    )
    getekend_door = forms.CharField(label=_l("Getekend door (naam en functie)"), required=False)
    besluitreferentie = forms.CharField(label=_l("Kenmerk van het lokale besluit"), required=False)
    reden = forms.CharField(label=_l("Reden (bij afwijzing of correctie)"), required=False)
    document = forms.FileField(label=_l("Getekende overeenkomst (PDF)"), required=False)
    correctie = forms.BooleanField(label=_l("Dit is een correctie"), required=False)


def _gemeente(request, uuid, code):
    return get_object_or_404(Gemeente, code=code)


@requires("overeenkomsten.tekenen.eigen", obj=_gemeente)
def gemeente(request, uuid, code):
    o = _agreement(uuid)
    g = get_object_or_404(Gemeente, code=code)
    if not g.bestaat_op(min(clock.today(), o.deadline)) and not queries.signing(o, g):
        raise Http404
    form = StapForm(request.POST or None, request.FILES or None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            upload = d.get("document")
            try:
                services.record_step(
                    o,
                    g,
                    d["status"],
                    datum=d.get("datum"),
                    getekend_door=d.get("getekend_door", ""),
                    besluitreferentie=d.get("besluitreferentie", ""),
                    reden=d.get("reden", ""),
                    bestandsnaam=upload.name if upload else "",
                    inhoud=upload.read(services.MAX_GROOTTE + 1) if upload else None,
                    correctie=d.get("correctie", False),
                    user=request.user,
                )
                messages.success(request, _("De stap is vastgelegd."))
                return redirect("overeenkomsten:gemeente", uuid=o.uuid, code=g.code)
            except DomainError as error:
                for p in error.problems:
                    form.add_error(p.name if p.name in form.fields else None, p.reason)
                status_code = error.status
        else:
            status_code = 400
    ondertekening = queries.signing(o, g)
    status = ondertekening.status if ondertekening else Status.NIET_GESTART
    betekenis = queries.meaning_for(o, g, status)
    return render(
        request,
        "overeenkomsten/gemeente.html",
        {
            "o": o,
            "g": g,
            "ondertekening": ondertekening,
            "status_label": Status(status).label,
            "b": betekenis,
            "jaarbedrag": format_euro(betekenis.jaarbedrag)
            if betekenis.jaarbedrag is not None
            else None,
            "prijs": format_euro(betekenis.prijs) if betekenis.prijs is not None else None,
            "inwoners": format_number(betekenis.inwoners)
            if betekenis.inwoners is not None
            else None,
            "form": form,
            "namens": request.user.rol != Rol.GEMEENTE,
        },
        status=status_code,
    )
