"""Participation pages: participants and coverage of a voorziening (public), joining, status and
leaving for a municipality contact (own municipality only)."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from samen.accounts.decorators import requires
from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.besluiten.services import in_force
from samen.core import exports
from samen.core.clock import today
from samen.core.dates import check_date, parse_date
from samen.core.errors import DomainError, Problem
from samen.core.money import format_number
from samen.deelnames import queries, services
from samen.deelnames.models import Deelname, Status
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable
from samen.portfolio.models import Voorziening

LABELS = {
    "in_gebruik": _l("in gebruik"),
    "gepland": _l("gepland of in implementatie"),
    "geinteresseerd": _l("geïnteresseerd"),
    "niet": _l("neemt niet deel"),
}


def read_date(request, name: str, problems: list[Problem], default: dt.date | None = None):
    """A date of the query string (JJJJ-MM-DD or DD-MM-JJJJ, ASCII digits only); empty gives
    ``default``; text that is no date adds a problem naming the field."""
    text = request.GET.get(name, "")
    if not text.strip():
        return default
    value = parse_date(text)
    if value is None:
        problems.append(Problem(name, "geen geldige datum; gebruik JJJJ-MM-DD"))
    return value


def _peildatum(request, problems: list[Problem]) -> dt.date:
    """The peildatum of a page: today when empty, within ``queries.register_range()``; on a
    problem today is returned (for the form) and the problem names the range."""
    value = read_date(request, "peildatum", problems, today())
    if (
        value is None
        or queries.check_peildatum(value, field="peildatum", problems=problems) is None
    ):
        return today()
    return value


def _fout(problems: list[Problem]) -> str:
    return "; ".join(p.reason for p in problems)


def _bars(dekking) -> list[dict]:
    x = 0.0
    bars = []
    for cat in queries.CATEGORIES:
        share = dekking.aandeel(cat)
        bars.append(
            {
                "cat": cat,
                "label": LABELS[cat],
                "x": x * 600,
                "w": share * 600,
                "procent": round(share * 100, 1),
                "waarde": dekking.per_categorie[cat],
            }
        )
        x += share
    return bars


def deelnemers(request, uuid):
    voorziening = get_object_or_404(Voorziening, uuid=uuid)
    problems: list[Problem] = []
    peildatum = _peildatum(request, problems)
    if problems:
        return render(
            request,
            "deelnames/deelnemers.html",
            {
                "v": voorziening,
                "peildatum": request.GET.get("peildatum", ""),
                "fout": _fout(problems),
            },
            status=400,
        )
    aantal = queries.coverage(voorziening, peildatum, "aantal")
    try:
        inwoners = queries.coverage(voorziening, peildatum, "inwoners")
    except PopulationUnavailable as exc:
        return render(
            request,
            "deelnames/deelnemers.html",
            {"v": voorziening, "peildatum": "", "fout": f"geen inwonertallen: {exc}"},
            status=400,
        )
    rows = queries.participants(voorziening, peildatum)
    contact = request.user if getattr(request.user, "rol", "") == Rol.GEMEENTE else None
    eigen = None
    if contact is not None and contact.gemeente_id:
        eigen = queries.current(contact.gemeente, voorziening)
    return render(
        request,
        "deelnames/deelnemers.html",
        {
            "v": voorziening,
            "peildatum": peildatum,
            "aantal": aantal,
            "inwoners": inwoners,
            "bars_aantal": _bars(aantal),
            "bars_inwoners": _bars(inwoners),
            "provincies": sorted(aantal.per_provincie.items()),
            "deelnames": rows,
            "besluit": in_force(voorziening),
            "contact": contact,
            "eigen": eigen,
            "doelen": queries.targets(voorziening, peildatum),
            "verloop": [
                (d, c.per_categorie, round(100 * c.aandeel("in_gebruik"), 1))
                for d, c in queries.coverage_over_time(voorziening, _jaren(peildatum))
            ],
        },
    )


def _jaren(peildatum: dt.date) -> list[dt.date]:
    """1 January of every year from 2017 (the first year of the platform's portfolio) or the
    first date of the register, whichever is later, up to the peildatum, and the peildatum: at
    most one row per year of ``queries.register_range()``."""
    low, _ = queries.register_range()
    first = max(2017, low.year)
    dates = [dt.date(y, 1, 1) for y in range(first, peildatum.year + 1)]
    return [d for d in dates if d < peildatum] + [peildatum]


def deelnemers_export(request, uuid, fmt: str):
    voorziening = get_object_or_404(Voorziening, uuid=uuid)
    rows = (
        [
            d.gemeente.code,
            d.gemeente.naam,
            d.get_status_display(),
            d.sinds,
            d.tot or "",
            d.live_op or "",
            d.besluit.nummer if d.besluit else "",
            d.get_herkomst_display(),
        ]
        for d in queries.participants(voorziening)
    )
    headers = [
        "gemeentecode",
        "gemeente",
        "status",
        "sinds",
        "tot",
        "in_gebruik_sinds",
        "besluit",
        "herkomst",
    ]
    return exports.response(fmt, "deelnames", "Deelnames", headers, rows)


class AanmeldForm(forms.Form):
    accepteer = forms.BooleanField(label=_l("Ik accepteer de voorwaarden van het geldende besluit"))
    status = forms.ChoiceField(
        label=_l("Beginstatus"),
        choices=[
            (s.value, s.label)
            for s in (Status.GEINTERESSEERD, Status.GEPLAND, Status.IN_IMPLEMENTATIE)
        ],
    )


@requires()
def aanmelden(request, uuid):
    """A municipality's contact joins on behalf of its municipality (only a contact: a
    superuser or the office has no municipality to join for)."""
    voorziening = get_object_or_404(Voorziening, uuid=uuid)
    user = request.user
    if not (user.rol == Rol.GEMEENTE and user.gemeente_id):
        raise PermissionDenied
    besluit = in_force(voorziening)
    form = AanmeldForm(request.POST or None)
    if besluit is None:
        form.fields["accepteer"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            deelname = services.join(
                user.gemeente,
                voorziening,
                besluit,
                today(),
                user=user,
                status=form.cleaned_data["status"],
            )
        except DomainError as error:
            form.add_error(None, "; ".join(p.reason for p in error.problems) or error.message)
        else:
            messages.success(request, _("%(g)s neemt deel.") % {"g": user.gemeente.naam})
            return redirect("deelnames:deelname", uuid=deelname.uuid)
    return render(
        request, "deelnames/aanmelden.html", {"v": voorziening, "besluit": besluit, "form": form}
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_l("Nieuwe status"), choices=Status.choices)
    datum = forms.DateField(
        label=_l("Met ingang van"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    gepland_op = forms.DateField(
        label=_l("Geplande datum (bij gepland)"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    toelichting = forms.CharField(label=_l("Toelichting"), required=False)


class CorrectieForm(forms.Form):
    wijziging = forms.IntegerField(widget=forms.HiddenInput)
    reden = forms.CharField(label=_l("Reden van de correctie"), max_length=500)


def may_see_support(user, deelname: Deelname) -> bool:
    """Support requests, and the names of the people who acted, are for the municipality's own
    contacts and the programme office only."""
    return bool(
        user is not None
        and user.is_authenticated
        and allowed(user, "deelnames.ondersteuning.eigen", deelname)
    )


def deelname(request, uuid):
    d = get_object_or_404(
        Deelname.objects.select_related("gemeente", "voorziening", "besluit", "namens"), uuid=uuid
    )
    mag = request.user.is_authenticated and allowed(request.user, "deelnames.beheren.eigen", d)
    intern = may_see_support(request.user, d)
    form = StatusForm(request.POST or None, initial={"datum": today()}) if mag else None
    correctie = None
    status = 200
    if request.method == "POST":
        if not mag:
            raise PermissionDenied
        try:
            if "stappen" in request.POST:
                gekozen = set(request.POST.getlist("stap"))
                for stap in d.voorziening.implementatiestappen.all():
                    services.tick_step(
                        d, stap, today(), user=request.user, afgevinkt=str(stap.pk) in gekozen
                    )
                messages.success(request, _("De checklist is bijgewerkt."))
                return redirect("deelnames:deelname", uuid=d.uuid)
            if "nietnaleven" in request.POST:
                services.record_non_compliance(d, request.POST.get("reden", ""), user=request.user)
                messages.success(request, _("De reden is vastgelegd."))
                return redirect("deelnames:deelname", uuid=d.uuid)
            if "ondersteuning" in request.POST:
                try:
                    services.ask_support(
                        d, request.POST.get("vraag", ""), today(), user=request.user
                    )
                except DomainError as error:
                    messages.error(
                        request,
                        "; ".join(p.reason for p in error.problems if p.name != "vraag")
                        or _("Beschrijf waarmee u hulp wilt."),
                    )
                else:
                    messages.success(request, _("Uw vraag om ondersteuning is ingediend."))
                return redirect("deelnames:deelname", uuid=d.uuid)
            if "uittreden" in request.POST:
                services.leave(d, today(), user=request.user)
                messages.success(request, _("De deelname is beëindigd."))
                return redirect("deelnames:deelname", uuid=d.uuid)
            if "corrigeren" in request.POST:
                correctie = CorrectieForm(request.POST, prefix="correctie")
                form = StatusForm(initial={"datum": today()})
                if correctie.is_valid():
                    services.correct_status(
                        d,
                        correctie.cleaned_data["wijziging"],
                        correctie.cleaned_data["reden"],
                        user=request.user,
                    )
                    messages.success(
                        request, _("De statuswijziging is gecorrigeerd met een nieuwe regel.")
                    )
                    return redirect("deelnames:deelname", uuid=d.uuid)
                status = 400
            elif form.is_valid():
                c = form.cleaned_data
                result = services.update_status(
                    d,
                    c["status"],
                    c["datum"],
                    user=request.user,
                    gepland_op=c["gepland_op"],
                    toelichting=c["toelichting"],
                )
                if result.gewijzigd:
                    messages.success(request, _("De status is bijgewerkt."))
                else:
                    messages.info(
                        request,
                        _("De deelname had deze status al; er is niets gewijzigd."),
                    )
                return redirect("deelnames:deelname", uuid=d.uuid)
            else:
                status = 400
        except DomainError as error:
            target = correctie if correctie is not None else form
            target.add_error(None, "; ".join(p.reason for p in error.problems) or error.message)
            status = error.status if error.status in (400, 409) else 400
    statussen = list(d.statussen.select_related("corrigeert").order_by("datum", "id"))
    gecorrigeerd = {s.corrigeert_id for s in statussen if s.corrigeert_id}
    laatste = max(statussen, key=lambda s: (s.datum, s.id)) if statussen else None
    corrigeerbaar = None
    if (
        mag
        and not d.tot
        and laatste is not None
        and len(statussen) > 1
        and laatste.corrigeert_id is None
        and laatste.pk not in gecorrigeerd
    ):
        corrigeerbaar = laatste
        if correctie is None:
            correctie = CorrectieForm(prefix="correctie", initial={"wijziging": laatste.pk})
    return render(
        request,
        "deelnames/deelname.html",
        {
            "d": d,
            "form": form,
            "mag": mag,
            "intern": intern,
            "statussen": statussen,
            "gecorrigeerd": gecorrigeerd,
            "corrigeerbaar": corrigeerbaar,
            "correctie": correctie,
            "stappen": d.voorziening.implementatiestappen.all(),
            "afgevinkt": set(d.afgevinkt.values_list("stap_id", flat=True)),
            "ondersteuning": d.ondersteuningsverzoeken.all() if intern else None,
        },
        status=status,
    )


def gemeente_deelnames(gemeente: Gemeente):
    return (
        Deelname.objects.filter(gemeente=gemeente)
        .select_related("voorziening", "besluit")
        .order_by("voorziening__naam", "sinds")
    )


class UploadForm(forms.Form):
    bestand = forms.FileField(label=_l("CSV-bestand"))


@requires("deelnames.importeren")
def upload(request):
    """The programme office uploads implementation statuses (all or nothing)."""
    from samen.deelnames.importing import import_statuses

    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bestand"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("bestand", _("Het bestand is groter dan 5 MB."))
            status = 413
        else:
            name = upload.name.replace("/", "_").replace("\\", "_")[-100:]
            try:
                updated, unchanged = import_statuses(upload.read(), name, user=request.user)
            except DomainError as error:
                problems = [str(p) for p in error.problems]
            else:
                messages.success(
                    request,
                    _("%(u)d statussen bijgewerkt, %(n)d ongewijzigd.")
                    % {"u": updated, "n": unchanged},
                )
                return redirect("deelnames:upload")
    return render(
        request, "deelnames/upload.html", {"form": form, "problems": problems}, status=status
    )


@requires("deelnames.ondersteuning.beheren")
def ondersteuning(request):
    """The programme office assigns and closes support requests."""
    from samen.deelnames.models import Ondersteuningsverzoek

    if request.method == "POST":
        try:
            key = uuid_module.UUID(request.POST.get("verzoek", ""))
        except ValueError:
            raise Http404 from None
        verzoek = get_object_or_404(Ondersteuningsverzoek, uuid=key)
        try:
            if "toewijzen" in request.POST:
                services.assign_support(verzoek, request.POST.get("aan", ""), user=request.user)
            else:
                services.close_support(
                    verzoek, request.POST.get("verslag", ""), today(), user=request.user
                )
        except DomainError as error:
            messages.error(request, "; ".join(p.reason for p in error.problems) or error.message)
        return redirect("deelnames:ondersteuning")
    verzoeken = Ondersteuningsverzoek.objects.select_related(
        "deelname__gemeente", "deelname__voorziening"
    )
    return render(request, "deelnames/ondersteuning.html", {"verzoeken": verzoeken})


def _report(van: dt.date, tot: dt.date) -> dict:
    from samen.besluiten.models import Besluit
    from samen.deelnames.models import Ondersteuningsverzoek

    besluiten = list(
        Besluit.objects.filter(datum__gte=van, datum__lte=tot).select_related("voorziening")
    )
    voorzieningen = list(
        Voorziening.objects.filter(deelnames__isnull=False).distinct().order_by("naam")
    )
    rijen = []
    for v in voorzieningen:
        d = queries.coverage(v, tot)
        doelen = queries.targets(v, tot)
        rijen.append(
            {
                "v": v,
                "in_gebruik": d.per_categorie["in_gebruik"],
                "gepland": d.per_categorie["gepland"],
                "totaal": d.totaal,
                "procent": round(100 * d.aandeel("in_gebruik"), 1),
                "doelen": doelen,
            }
        )
    ondersteuning = Ondersteuningsverzoek.objects.filter(
        ingediend_op__gte=van, ingediend_op__lte=tot
    )
    return {
        "van": van,
        "tot": tot,
        "besluiten": besluiten,
        "rijen": rijen,
        "ondersteuning_totaal": ondersteuning.count(),
        "ondersteuning_afgerond": ondersteuning.filter(status="afgerond").count(),
    }


def voortgang(request):
    """Progress report per period for the board and the members' meeting (page and XLSX).
    The end (``peildatum``) lies within the register's years (coverage is computed on it), the
    start (``van``) within the platform's years and not after the end."""
    problems: list[Problem] = []
    tot = _peildatum(request, problems)
    van = read_date(request, "van", problems, dt.date(tot.year, 1, 1))
    if van is not None:
        van = check_date(van, field="van", label="De datum 'van'", problems=problems)
    if van is not None and not problems and van > tot:
        problems.append(Problem("van", "De datum 'van' ligt na de datum 'tot en met'"))
    if problems:
        return render(
            request,
            "deelnames/voortgang.html",
            {
                "van": request.GET.get("van", ""),
                "tot": request.GET.get("peildatum", ""),
                "fout": _fout(problems),
                "ongeldig": True,
            },
            status=400,
        )
    report = _report(van, tot)
    if request.GET.get("formaat") == "xlsx":
        headers = [
            "voorziening",
            "in_gebruik",
            "gepland",
            "gemeenten",
            "procent_in_gebruik",
            "doelen",
        ]
        rows = (
            [
                r["v"].naam,
                r["in_gebruik"],
                r["gepland"],
                r["totaal"],
                r["procent"],
                "; ".join(
                    f"{g.doel.omschrijving}: {format_number(str(g.bereikt), 2)}% van "
                    f"{format_number(g.doel.percentage, 2)}%"
                    for g in r["doelen"]
                ),
            ]
            for r in report["rijen"]
        )
        return exports.response("xlsx", f"voortgang-{van}-{tot}", "Voortgang", headers, rows)
    if request.GET.get("formaat") == "pdf":
        return _report_pdf(report)
    return render(request, "deelnames/voortgang.html", report)


def _report_pdf(report: dict):
    """The progress report as PDF (reportlab), with the same content as the page."""
    import io

    from django.http import HttpResponse
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = f"Voortgang {report['van']:%d-%m-%Y} tot en met {report['tot']:%d-%m-%Y}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="VNG Samen Organiseren")
    story = [Paragraph(title, styles["Title"]), Paragraph("Besluiten", styles["Heading2"])]
    for b in report["besluiten"]:
        story.append(
            Paragraph(
                f"{b.nummer} ({b.datum:%d-%m-%Y}): {b.titel} — {b.get_uitkomst_display()}",
                styles["Normal"],
            )
        )
    if not report["besluiten"]:
        story.append(Paragraph("Geen besluiten in deze periode.", styles["Normal"]))
    story += [Spacer(1, 12), Paragraph("Deelname en dekking", styles["Heading2"])]
    data = [["Voorziening", "In gebruik", "Gepland", "Gemeenten", "%"]]
    data += [
        [
            Paragraph(r["v"].naam, styles["Normal"]),
            r["in_gebruik"],
            r["gepland"],
            r["totaal"],
            format_number(str(r["procent"]), 1),
        ]
        for r in report["rijen"]
    ]
    table = Table(data, colWidths=[220, 60, 60, 70, 40], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 12),
        Paragraph(
            f"Ondersteuning: {report['ondersteuning_totaal']} vragen, "
            f"{report['ondersteuning_afgerond']} afgerond.",
            styles["Normal"],
        ),
    ]
    doc.build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="voortgang-{report["van"]}-{report["tot"]}.pdf"'
    )
    return response
