"""Collection pages: the administration office's page (import a statement, register a payment,
the unmatched items, overdue invoices with reminder texts, distribution runs) and the
afdrachten (a provider its own statements per period; the office all with the reconciliation)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur
from samen.accounts.permissions import allowed
from samen.core.errors import DomainError
from samen.inning import queries, services
from samen.inning.models import Afdrachtperiode, Bankafschrift, Betaling, Herinnering


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _factuur(raw: str) -> Factuur | None:
    """An invoice by number (2017-000001) or payment reference."""
    text = (raw or "").strip().replace(" ", "")
    qs = Factuur.objects.filter(status=Factuur.Status.UITGEGEVEN)
    if len(text) == 11 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return qs.filter(nummerjaar=int(text[:4]), volgnummer=int(text[5:])).first()
    parsed = kenmerk_mod.parse(text)
    if parsed:
        return qs.filter(nummerjaar=parsed[0], volgnummer=parsed[1]).first()
    return None


def _error(request, error: DomainError) -> None:
    messages.error(request, error.message + " " + "; ".join(str(p) for p in error.problems))


def _post(request) -> None:
    actie = request.POST.get("actie", "")
    user = request.user
    if actie == "importeren":
        upload = request.FILES.get("bestand")
        if upload is None:
            messages.error(request, "Kies een bestand.")
            return
        result = services.import_statement(upload.read(), upload.name, user=user)
        messages.success(request, result.bericht)
    elif actie == "registreren":
        boekdatum = _date(request.POST.get("boekdatum", ""))
        factuur = _factuur(request.POST.get("factuur", ""))
        if request.POST.get("factuur") and factuur is None:
            messages.error(request, "Onbekend factuurnummer of betalingskenmerk.")
            return
        betaling = services.register_payment(
            bedrag=request.POST.get("bedrag", ""),
            boekdatum=boekdatum,
            factuur=factuur,
            omschrijving=request.POST.get("omschrijving", ""),
            naam=request.POST.get("naam", ""),
            user=user,
        )
        messages.success(
            request,
            f"Betaling geregistreerd: {betaling.get_status_display()}"
            + (f" ({betaling.reden})" if betaling.reden else "."),
        )
    elif actie in {"koppelen", "terugbetalen"}:
        betaling = Betaling.objects.filter(uuid=request.POST.get("betaling") or None).first()
        if betaling is None:
            messages.error(request, "Onbekende betaling.")
            return
        if actie == "koppelen":
            factuur = _factuur(request.POST.get("factuur", ""))
            if factuur is None:
                messages.error(request, "Onbekend factuurnummer of betalingskenmerk.")
                return
            services.match_by_hand(betaling, factuur, user=user)
            messages.success(request, f"Gekoppeld aan factuur {factuur.nummer}.")
        else:
            services.mark_refund(betaling, request.POST.get("reden", ""), user=user)
            messages.success(request, "Gemarkeerd als terug te betalen.")
    elif actie == "herinnering":
        factuur = Factuur.objects.filter(uuid=request.POST.get("factuur") or None).first()
        if factuur is None:
            messages.error(request, "Onbekende factuur.")
            return
        h = services.send_reminder(
            factuur, request.POST.get("kanaal", ""), _date(request.POST.get("datum", "")), user
        )
        messages.success(request, f"Herinnering {h.volgnummer} voor {factuur.nummer} vastgelegd.")
    elif actie == "afdragen":
        start, eind = _date(request.POST.get("start", "")), _date(request.POST.get("eind", ""))
        if start is None or eind is None:
            messages.error(request, "Geef een begin- en einddatum (JJJJ-MM-DD).")
            return
        run = services.run_distribution(start, eind, user=user)
        messages.success(
            request,
            f"Afdracht {run.periode}: "
            + ("uitgevoerd." if run.nieuw else "was al uitgevoerd; er is niets veranderd."),
        )
    else:
        messages.error(request, "Onbekende actie.")


@require_http_methods(["GET", "HEAD", "POST"])
def inning(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed(request.user, "inning.beheren"):
        raise PermissionDenied
    if request.method == "POST":
        try:
            _post(request)
        except DomainError as error:
            _error(request, error)
        return redirect("inning:inning")
    peildatum = _date(request.GET.get("peildatum", "")) or timezone.localdate()
    overdue = list(queries.overdue(peildatum)[:100])
    for f in overdue:
        volgnummer = f.herinneringen_n + 1
        f.herinnering_tekst = services.reminder_text(f, f.open, volgnummer, "brief")
        f.herinnering_vanaf = (
            f.laatste_herinnering + dt.timedelta(days=services.HERINNERING_NA_DAGEN)
            if f.laatste_herinnering
            else None
        )
    last = services.last_period_end()
    return render(
        request,
        "inning/inning.html",
        {
            "afschriften": Bankafschrift.objects.order_by("-ingelezen_op", "-id")[:10],
            "ongematcht": list(queries.unmatched()[:200]),
            "achterstallig": overdue,
            "achterstallig_aantal": queries.overdue(peildatum).count(),
            "peildatum": peildatum,
            "herinneringen": Herinnering.objects.select_related("factuur", "verstuurd_door")[:10],
            "perioden": Afdrachtperiode.objects.order_by("-start")[:12],
            "volgende_start": last + dt.timedelta(days=1) if last else None,
            "na_dagen": services.HERINNERING_NA_DAGEN,
        },
    )


def afdrachten(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed(request.user, "inning.afdrachten.bekijken"):
        raise PermissionDenied
    kantoor = queries.is_office(request.user)
    perioden = queries.statements(request.user)
    aansluiting = (
        queries.reconcile()
        if kantoor
        else queries.reconcile(aanbieder_id=request.user.organisatie_id)
    )
    return render(
        request,
        "inning/afdrachten.html",
        {
            "perioden": perioden,
            "kantoor": kantoor,
            "aansluiting": aansluiting,
            "organisatie": None if kantoor else request.user.organisatie,
        },
    )
