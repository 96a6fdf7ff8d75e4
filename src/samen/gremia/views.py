"""Pages of the bodies: public lists, composition on any date, reglementen, meetings with agenda
and besluitenlijst, exports; the programme office keeps bodies, members and reglementen; a body's
secretary keeps its meetings."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samen.accounts.decorators import requires
from samen.accounts.permissions import allowed
from samen.core import exports
from samen.core.clock import today
from samen.core.dates import EARLIEST, LATEST, parse_date
from samen.core.errors import DomainError, Problem
from samen.gemeenten.models import Gemeente
from samen.gremia import queries, services
from samen.gremia.models import (
    Aanwezigheid,
    Functie,
    Gremium,
    Lidmaatschap,
    Quorumregel,
    ReglementVersie,
    Vergadering,
)


def _gremium(uuid) -> Gremium:
    return get_object_or_404(Gremium.objects.select_related("parent"), uuid=uuid)


def _vergadering(uuid) -> Vergadering:
    return get_object_or_404(Vergadering.objects.select_related("gremium"), uuid=uuid)


def _peildatum(request, problems: list[Problem]) -> dt.date:
    text = request.GET.get("peildatum", "").strip()
    if not text:
        return today()
    value = parse_date(text) if text.isascii() else None
    if value is None:
        problems.append(Problem("peildatum", _("geen geldige datum; gebruik JJJJ-MM-DD")))
        return today()
    if not EARLIEST <= value <= LATEST:
        problems.append(
            Problem("peildatum", _("de peildatum ligt buiten de jaren van het platform"))
        )
        return today()
    return value


def _errors(request, error: DomainError) -> None:
    messages.error(
        request,
        error.message
        + (" " + "; ".join(p.reason for p in error.problems) if error.problems else ""),
    )


# ---------------------------------------------------------------- public


def lijst(request):
    return render(
        request,
        "gremia/lijst.html",
        {"gremia": list(queries.gremia()), "mag_beheren": allowed(request.user, "gremia.beheren")},
    )


def detail(request, uuid):
    gremium = _gremium(uuid)
    problems: list[Problem] = []
    peildatum = _peildatum(request, problems)
    if problems:
        return render(
            request,
            "gremia/detail.html",
            {
                "g": gremium,
                "fout": problems[0].reason,
                "peildatum": request.GET.get("peildatum", ""),
            },
            status=400,
        )
    return render(
        request,
        "gremia/detail.html",
        {
            "g": gremium,
            "s": queries.samenstelling(gremium, peildatum),
            "peildatum": peildatum.isoformat(),
            "subcommissies": list(gremium.subcommissies.order_by("naam")),
            "vergaderingen": list(queries.vergaderingen(gremium)[:20]),
            "reglementen": list(queries.reglementen(gremium)),
            "mag_beheren": allowed(request.user, "gremia.beheren"),
        },
    )


EXPORT_HEADERS = [
    "naam",
    "rol",
    "functie",
    "gemeentecode",
    "gemeente",
    "oorspronkelijke gemeente",
    "provincie",
    "inwoners",
    "grootteklasse",
    "organisatie",
    "lid van",
    "lid tot en met",
    "voorbeeldgegevens",
]


def samenstelling_export(request, uuid, fmt: str):
    gremium = _gremium(uuid)
    problems: list[Problem] = []
    peildatum = _peildatum(request, problems)
    if problems:
        return HttpResponse(
            problems[0].reason, status=400, content_type="text/plain; charset=utf-8"
        )
    s = queries.samenstelling(gremium, peildatum)
    rows = (
        [
            z.lidmaatschap.naam,
            z.lidmaatschap.get_rol_display(),
            z.lidmaatschap.get_functie_display(),
            z.gemeente.code if z.gemeente else "",
            z.gemeente.naam if z.gemeente else "",
            z.lidmaatschap.gemeente.naam if z.opgegaan_in and z.lidmaatschap.gemeente else "",
            z.provincie,
            z.inwoners if z.inwoners is not None else "",
            z.grootteklasse,
            str(z.lidmaatschap.organisatie) if z.lidmaatschap.organisatie else "",
            z.lidmaatschap.van.isoformat(),
            z.lidmaatschap.tot.isoformat() if z.lidmaatschap.tot else "",
            "ja" if z.lidmaatschap.voorbeeld else "nee",
        ]
        for z in s.zetels
    )
    return exports.response(
        fmt,
        f"samenstelling-{gremium.uuid}-{peildatum.isoformat()}",
        "Samenstelling",
        EXPORT_HEADERS,
        rows,
    )


def reglementen(request, uuid):
    gremium = _gremium(uuid)
    return render(
        request,
        "gremia/reglementen.html",
        {"g": gremium, "reglementen": list(queries.reglementen(gremium))},
    )


def reglement_pdf(request, uuid):
    versie = get_object_or_404(ReglementVersie.objects.exclude(inhoud=None), uuid=uuid)
    response = HttpResponse(bytes(versie.inhoud), content_type="application/pdf")
    name = versie.bestandsnaam or f"reglement-{versie.uuid}.pdf"
    safe = (
        "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-")) or "reglement.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


def vergaderingen(request):
    return render(
        request,
        "gremia/vergaderingen.html",
        {"vergaderingen": list(queries.vergaderingen()[:200])},
    )


def vergadering(request, uuid):
    v = _vergadering(uuid)
    return render(
        request,
        "gremia/vergadering.html",
        {
            "v": v,
            **queries.vergadering_detail(v),
            "mag_secretariaat": _may_keep(request.user, v.gremium),
        },
    )


BESLUITENLIJST_HEADERS = ["volgorde", "besluit", "agendapunt", "besluitnummer"]


def besluitenlijst_export(request, uuid, fmt: str):
    v = _vergadering(uuid)
    rows = (
        [
            p.volgorde,
            p.tekst,
            p.agendapunt.titel if p.agendapunt else "",
            p.besluit.nummer if p.besluit else "",
        ]
        for p in queries.vergadering_detail(v)["besluitenlijst"]
    )
    return exports.response(
        fmt, f"besluitenlijst-{v.uuid}", "Besluitenlijst", BESLUITENLIJST_HEADERS, rows
    )


# ---------------------------------------------------------------- programme office


def _may_keep(user, gremium: Gremium) -> bool:
    return allowed(user, "gremia.beheren") or (
        allowed(user, "gremia.secretariaat") and queries.is_secretaris(user, gremium)
    )


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    return parse_date(text) if text and text.isascii() else None


@require_http_methods(["GET", "HEAD", "POST"])
@requires("gremia.beheren")
def beheer(request):
    if request.method == "POST":
        p = request.POST
        try:
            parent = Gremium.objects.filter(uuid=_uuid(p.get("parent"))).first()
            g = services.create_gremium(
                {
                    "soort": p.get("soort", ""),
                    "naam": p.get("naam", ""),
                    "afkorting": p.get("afkorting", ""),
                    "omschrijving": p.get("omschrijving", ""),
                    "parent": parent,
                    "ingesteld_op": _date(p.get("ingesteld_op", "")),
                },
                user=request.user,
            )
        except DomainError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Gremium %(naam)s aangemaakt.") % {"naam": g.naam})
            return redirect("gremia:beheer_gremium", uuid=g.uuid)
        return redirect("gremia:beheer")
    return render(
        request,
        "gremia/beheer.html",
        {"gremia": list(queries.gremia()), "soorten": Gremium.Soort.choices},
    )


def _uuid(raw):
    try:
        return uuid_module.UUID(str(raw))
    except ValueError:
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@requires("gremia.beheren")
def beheer_gremium(request, uuid):
    gremium = _gremium(uuid)
    if request.method == "POST":
        p = request.POST
        actie = p.get("actie", "")
        try:
            if actie == "lid":
                gemeente = (
                    Gemeente.objects.filter(code=p.get("gemeente", "").strip().upper()).first()
                    if p.get("gemeente", "").strip()
                    else None
                )
                if p.get("gemeente", "").strip() and gemeente is None:
                    raise DomainError(
                        _("Het lid is niet toegevoegd."),
                        [Problem("gemeente", _("onbekende CBS-code"))],
                    )
                from samen.accounts.models import Gebruiker

                gebruiker = (
                    Gebruiker.objects.filter(username=p.get("gebruiker", "").strip()).first()
                    if p.get("gebruiker", "").strip()
                    else None
                )
                services.add_member(
                    gremium,
                    {
                        "naam": p.get("naam", ""),
                        "functie": p.get("functie", ""),
                        "rol": p.get("rol", ""),
                        "gemeente": gemeente,
                        "van": _date(p.get("van", "")),
                        "tot": _date(p.get("tot", "")),
                        "gebruiker": gebruiker,
                    },
                    user=request.user,
                )
                messages.success(request, _("Lid toegevoegd."))
            elif actie == "beeindigen":
                lid = get_object_or_404(Lidmaatschap, uuid=_uuid(p.get("lid")), gremium=gremium)
                services.end_membership(lid, _date(p.get("tot", "")), user=request.user)
                messages.success(request, _("Lidmaatschap beëindigd."))
            elif actie == "reglement":
                upload = request.FILES.get("bestand")
                services.adopt_reglement(
                    gremium,
                    p.get("titel", ""),
                    {
                        "geldig_van": _date(p.get("geldig_van", "")),
                        "tekst": p.get("tekst", ""),
                        "inhoud": upload.read(services.MAX_PDF + 1) if upload else None,
                        "bestandsnaam": upload.name if upload else "",
                        "quorumregel": p.get("quorumregel", ""),
                        "quorum_waarde": p.get("quorum_waarde", ""),
                    },
                    user=request.user,
                )
                messages.success(request, _("Reglement vastgelegd."))
            else:
                messages.error(request, _("Onbekende actie."))
        except DomainError as error:
            _errors(request, error)
        return redirect("gremia:beheer_gremium", uuid=gremium.uuid)
    return render(
        request,
        "gremia/beheer_gremium.html",
        {
            "g": gremium,
            "leden": list(
                Lidmaatschap.objects.filter(gremium=gremium).select_related("gemeente", "gebruiker")
            ),
            "functies": Functie.choices,
            "rollen": Lidmaatschap.Rol.choices,
            "quorumregels": Quorumregel.choices,
        },
    )


# ---------------------------------------------------------------- secretary


@require_http_methods(["GET", "HEAD", "POST"])
@requires("gremia.secretariaat", any_of=("gremia.beheren",))
def secretariaat(request):
    """The secretary's bodies, and a new meeting for one of them."""
    user = request.user
    eigen = (
        list(Gremium.objects.order_by("naam"))
        if allowed(user, "gremia.beheren")
        else queries.secretaris_van(user)
    )
    if request.method == "POST":
        gremium = next((g for g in eigen if str(g.uuid) == request.POST.get("gremium")), None)
        if gremium is None:
            raise Http404
        try:
            v = services.plan_meeting(
                gremium,
                {
                    "datum": _date(request.POST.get("datum", "")),
                    "soort": request.POST.get("soort", ""),
                    "locatie": request.POST.get("locatie", ""),
                },
                user=user,
            )
        except DomainError as error:
            _errors(request, error)
            return redirect("gremia:secretariaat")
        messages.success(request, _("Vergadering vastgelegd."))
        return redirect("gremia:vergadering_beheer", uuid=v.uuid)
    return render(
        request,
        "gremia/secretariaat.html",
        {
            "gremia": eigen,
            "vergaderingen": list(queries.vergaderingen().filter(gremium__in=eigen)[:100]),
            "soorten": Vergadering.Soort.choices,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("gremia.secretariaat", any_of=("gremia.beheren",))
def vergadering_beheer(request, uuid):
    v = _vergadering(uuid)
    if not _may_keep(request.user, v.gremium):
        raise Http404  # another body's meeting
    if request.method == "POST":
        p = request.POST
        actie = p.get("actie", "")
        try:
            if actie == "agendapunt":
                services.add_agenda_item(
                    v,
                    {"titel": p.get("titel", ""), "toelichting": p.get("toelichting", "")},
                    user=request.user,
                )
            elif actie == "aanwezigheid":
                leden = Lidmaatschap.objects.filter(queries.actief_op(v.datum), gremium=v.gremium)
                statussen = {lid: p[f"lid-{lid.uuid}"] for lid in leden if p.get(f"lid-{lid.uuid}")}
                services.record_attendance(v, statussen, user=request.user)
            elif actie == "besluit":
                services.add_decision_entry(v, {"tekst": p.get("tekst", "")}, user=request.user)
            elif actie == "status":
                services.set_status(v, p.get("status", ""), user=request.user)
            elif actie == "vaststellen":
                services.adopt_decision_list(
                    v, _date(p.get("datum", "")) or today(), user=request.user
                )
            else:
                messages.error(request, _("Onbekende actie."))
                return redirect("gremia:vergadering_beheer", uuid=v.uuid)
        except DomainError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Vastgelegd."))
        return redirect("gremia:vergadering_beheer", uuid=v.uuid)
    detail = queries.vergadering_detail(v)
    aanwezig = {a.lidmaatschap_id: a.status for a in detail["aanwezigheid"]}
    leden = list(
        Lidmaatschap.objects.filter(queries.actief_op(v.datum), gremium=v.gremium).order_by("naam")
    )
    for lid in leden:
        lid.aanwezigheid = aanwezig.get(lid.pk, "")
    return render(
        request,
        "gremia/vergadering_beheer.html",
        {
            "v": v,
            **detail,
            "leden": leden,
            "statussen": Aanwezigheid.Status.choices,
            "vergaderstatussen": Vergadering.Status.choices,
        },
    )
