"""Pages of the interpreter service, in plain Dutch and without audio-only content: the
mediator's day, the interpreter's own agenda, the municipality's own residents and statements,
the public tariff table."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samen.accounts.decorators import requires
from samen.accounts.models import Rol
from samen.core import clock
from samen.core.dates import PLATFORM_YEARS
from samen.core.errors import DomainError
from samen.core.money import format_euro
from samen.gemeenten.models import Gemeente
from samen.tolk import queries, services
from samen.tolk.models import Aanbod, Aanvraag, Client, Meeruurverzoek, Tarieftabel


def _datum(raw: str | None) -> dt.date:
    try:
        value = dt.date.fromisoformat(raw or "")
    except ValueError:
        return clock.today()
    return value if value.year in PLATFORM_YEARS else clock.today()


def _maand(raw: str | None) -> tuple[int, int]:
    today = clock.today()
    try:
        jaar, maand = (int(x) for x in (raw or "").split("-"))
        if jaar in PLATFORM_YEARS and 1 <= maand <= 12:
            return jaar, maand
    except ValueError:
        pass
    return today.year, today.month


def _uuid(raw: str | None) -> uuidlib.UUID:
    try:
        return uuidlib.UUID(raw or "")
    except ValueError as exc:
        raise Http404 from exc


def _problems(request, exc: DomainError) -> None:
    messages.error(request, exc.message)
    for p in exc.problems:
        messages.error(request, p.reason)


@requires("tolk.bemiddelen")
def dag(request):
    datum = _datum(request.GET.get("datum"))
    if request.method == "POST":
        aanvraag = get_object_or_404(Aanvraag, uuid=_uuid(request.POST.get("aanvraag")))
        try:
            nieuw = services.aanbieden(aanvraag, achterwacht=request.POST.get("achterwacht") == "1")
            messages.success(request, _("Aangeboden aan %(n)d tolken.") % {"n": len(nieuw)})
        except DomainError as exc:
            _problems(request, exc)
        return redirect(f"{request.path}?datum={datum.isoformat()}")
    rows, risico = queries.dag(request.user, datum)
    return render(
        request,
        "tolk/dag.html",
        {
            "datum": datum,
            "aanvragen": rows,
            "risico": {a.pk for a in risico},
            "aantal_risico": len(risico),
            "vorige": datum - dt.timedelta(days=1),
            "volgende": datum + dt.timedelta(days=1),
        },
    )


@requires("tolk.agenda")
def agenda(request):
    tolk = queries.tolk_van(request.user)
    if tolk is None:
        raise Http404
    if request.method == "POST":
        aanbod = get_object_or_404(Aanbod, uuid=_uuid(request.POST.get("aanbod")), tolk=tolk)
        try:
            services.accepteren(aanbod, request.user)
            messages.success(request, _("U hebt de opdracht aangenomen."))
        except DomainError as exc:
            _problems(request, exc)
        return redirect(request.path)
    opdrachten, aanbiedingen = queries.agenda(
        request.user, tolk, dt.datetime.combine(clock.today(), dt.time.min, tzinfo=dt.UTC)
    )
    return render(
        request,
        "tolk/agenda.html",
        {"tolk": tolk, "opdrachten": opdrachten, "aanbiedingen": aanbiedingen},
    )


@requires("tolk.clienten.bekijken.eigen", obj=lambda request, **kw: request.user.gemeente)
def clienten(request):
    gemeente_code = None
    if request.user.rol != Rol.GEMEENTE:
        code = request.GET.get("gemeente") or ""
        gemeente_code = code if Gemeente.objects.filter(code=code).exists() else None
    rows = queries.clienten(request.user, gemeente_code)
    return render(request, "tolk/clienten.html", {"clienten": rows, "gemeente_code": gemeente_code})


def _client(request, uuid, **kw):
    return get_object_or_404(Client.objects.select_related("gemeente"), uuid=uuid)


@requires("tolk.clienten.bekijken.eigen", obj=_client)
def client(request, uuid):
    if request.method == "POST":
        verzoek = get_object_or_404(
            Meeruurverzoek, uuid=_uuid(request.POST.get("verzoek")), indicatie__client__uuid=uuid
        )
        try:
            services.meeruren_besluiten(
                request.user,
                verzoek,
                request.POST.get("besluit") == "toekennen",
                (request.POST.get("toelichting") or "")[:2000],
            )
            messages.success(request, _("Het besluit is vastgelegd."))
        except DomainError as exc:
            _problems(request, exc)
        return redirect(request.path)
    obj = queries.client(request.user, uuid)
    indicaties = queries.indicaties(request.user, obj)
    besluiten = {
        v.pk: queries.mag_besluiten(request.user, v)
        for i in indicaties
        for v in i.meeruurverzoeken.all()
    }
    return render(
        request,
        "tolk/client.html",
        {"client": obj, "indicaties": indicaties, "mag_besluiten": besluiten},
    )


@requires("tolk.afrekening.bekijken.eigen", obj=lambda request, **kw: request.user.gemeente)
def afrekening(request):
    jaar, maand = _maand(request.GET.get("maand"))
    overzichten = queries.overzichten(request.user, jaar, maand)
    rows = [
        {
            "overzicht": o,
            "gemeente": o.gemeente,
            "totaal": format_euro(o.totaal),
            "regels": [(r.referentie, format_euro(r.bedrag)) for r in o.regels],
        }
        for o in overzichten
    ]
    namen = dict(
        Gemeente.objects.filter(
            code__in={o.gemeente for o in overzichten if o.gemeente}
        ).values_list("code", "naam")
    )
    for row in rows:
        row["gemeente_naam"] = namen.get(row["gemeente"], "")
    return render(
        request,
        "tolk/afrekening.html",
        {"jaar": jaar, "maand": maand, "maand_iso": f"{jaar}-{maand:02d}", "overzichten": rows},
    )


def tarieven(request):
    """Public: the tariff table (permission ``tolk.tarieven.bekijken`` is held by everyone)."""
    tabellen = Tarieftabel.objects.order_by("-jaar", "-versie")[:100]
    return render(request, "tolk/tarieven.html", {"tabellen": tabellen})
