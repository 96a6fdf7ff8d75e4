"""Collection pages: the administration office's page (import a statement, register a payment,
the unmatched items, overdue invoices with reminder texts, distribution runs) and the
afdrachten (a provider its own statements per period; the office all with the reconciliation)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur
from samen.accounts.decorators import requires
from samen.core import clock
from samen.core.dates import check_date, parse_date
from samen.core.errors import DomainError
from samen.core.money import ZERO, format_euro
from samen.inning import queries, services
from samen.inning.models import Afdrachtperiode, Bankafschrift, Betaling, Herinnering


def _date(raw: str):
    """A date typed in a form (JJJJ-MM-DD as the date input sends it, or DD-MM-JJJJ)."""
    return parse_date(raw or "")


def _factuur(raw: str) -> Factuur | None:
    """An invoice by number (2017-000001) or payment reference."""
    text = (raw or "").strip().replace(" ", "")
    qs = Factuur.objects.filter(status=Factuur.Status.UITGEGEVEN)
    if len(text) == 11 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return qs.filter(reeks="", nummerjaar=int(text[:4]), volgnummer=int(text[5:])).first()
    parsed = kenmerk_mod.parse(text)
    if parsed:
        jaar, code, nummer = parsed
        return next(
            (
                f
                for f in qs.filter(nummerjaar=jaar, volgnummer=nummer).order_by("pk")
                if kenmerk_mod.series_code(f.reeks) == code
            ),
            None,
        )
    return None


def _error(request, error: DomainError) -> None:
    messages.error(request, error.message + " " + "; ".join(str(p) for p in error.problems))


def _post(request):
    """Handle a form; returns a page to show (a confirmation step) or None (redirect back)."""
    actie = request.POST.get("actie", "")
    user = request.user
    if actie == "importeren":
        upload = request.FILES.get("bestand")
        if upload is None:
            messages.error(request, "Kies een bestand.")
            return None
        result = services.import_statement(upload.read(), upload.name, user=user)
        messages.success(request, result.bericht)
    elif actie == "registreren":
        raw_datum = request.POST.get("boekdatum", "")
        boekdatum = _date(raw_datum)
        if raw_datum and boekdatum is None:
            messages.error(request, f"Geen geldige boekdatum: {raw_datum!r} (JJJJ-MM-DD).")
            return None
        factuur = _factuur(request.POST.get("factuur", ""))
        if request.POST.get("factuur") and factuur is None:
            messages.error(request, "Onbekend factuurnummer of betalingskenmerk.")
            return None
        sleutel = request.POST.get("sleutel", "").strip()
        betaling = services.register_payment(
            bedrag=request.POST.get("bedrag", ""),
            boekdatum=boekdatum,
            factuur=factuur,
            omschrijving=request.POST.get("omschrijving", ""),
            naam=request.POST.get("naam", ""),
            idempotentiesleutel=f"formulier:{sleutel[:100]}" if sleutel else "",
            user=user,
        )
        if not betaling.nieuw:
            messages.info(
                request,
                f"Deze betaling van {format_euro(betaling.bedrag)} was al geregistreerd (het "
                "formulier is twee keer verstuurd); er is niets veranderd.",
            )
            return None
        messages.success(
            request,
            f"Betaling van {format_euro(betaling.bedrag)} geregistreerd: "
            f"{betaling.get_status_display()}"
            + (f" ({betaling.reden})" if betaling.reden else "."),
        )
    elif actie in {"koppelen", "terugbetalen"}:
        betaling = Betaling.objects.filter(uuid=request.POST.get("betaling") or None).first()
        if betaling is None:
            messages.error(request, "Onbekende betaling.")
            return None
        if actie == "koppelen":
            factuur = _factuur(request.POST.get("factuur", ""))
            if factuur is None:
                messages.error(request, "Onbekend factuurnummer of betalingskenmerk.")
                return None
            services.match_by_hand(betaling, factuur, user=user)
            messages.success(request, f"Gekoppeld aan factuur {factuur.nummer}.")
        else:
            services.mark_refund(betaling, request.POST.get("reden", ""), user=user)
            messages.success(request, "Gemarkeerd als terug te betalen.")
    elif actie == "herinnering":
        factuur = Factuur.objects.filter(uuid=request.POST.get("factuur") or None).first()
        if factuur is None:
            messages.error(request, "Onbekende factuur.")
            return None
        raw = request.POST.get("datum", "")
        datum = _date(raw)
        if raw and datum is None:
            messages.error(request, f"Geen geldige datum: {raw!r} (JJJJ-MM-DD).")
            return None
        h = services.send_reminder(factuur, request.POST.get("kanaal", ""), datum, user)
        messages.success(request, f"Herinnering {h.volgnummer} voor {factuur.nummer} vastgelegd.")
    elif actie == "afdragen":
        start, eind = _date(request.POST.get("start", "")), _date(request.POST.get("eind", ""))
        if start is None or eind is None:
            messages.error(request, "Geef een begin- en einddatum (JJJJ-MM-DD).")
            return None
        if request.POST.get("bevestigd") != "ja":
            # step 1 of 2: what would be passed on (nothing is written)
            plan = queries.plan_distribution(start, eind)
            return render(request, "inning/afdragen_bevestigen.html", {"plan": plan})
        run = services.run_distribution(start, eind, user=user)
        totaal = sum((a.bedrag for a in run.afdrachten), ZERO)
        messages.success(
            request,
            f"Afdracht {run.periode}: "
            + (
                f"uitgevoerd ({format_euro(totaal)} in {len(run.afdrachten)} afdrachten)."
                if run.nieuw
                else "was al uitgevoerd; er is niets veranderd."
            ),
        )
    elif actie == "terugdraaien":
        periode = Afdrachtperiode.objects.filter(uuid=request.POST.get("periode") or None).first()
        if periode is None:
            messages.error(request, "Onbekende periode.")
            return None
        reden = request.POST.get("reden", "").strip()
        if request.POST.get("bevestigd") != "ja":
            if not reden:
                messages.error(request, "Geef de reden waarom de afdracht wordt teruggedraaid.")
                return None
            afdrachten = list(periode.afdrachten.select_related("dienst", "aanbieder"))
            return render(
                request,
                "inning/terugdraaien_bevestigen.html",
                {"periode": periode, "reden": reden, "afdrachten": afdrachten},
            )
        services.reverse_distribution(periode, reden, user=user)
        messages.success(
            request,
            f"Afdracht {periode} teruggedraaid; de betalingsregels worden weer vastgehouden en "
            "gaan mee in de volgende periode.",
        )
    else:
        messages.error(request, "Onbekende actie.")
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@requires("inning.beheren")
def inning(request):
    if request.method == "POST":
        try:
            page = _post(request)
        except DomainError as error:
            _error(request, error)
            page = None
        return page if page is not None else redirect("inning:inning")
    today = clock.today()
    raw = request.GET.get("peildatum", "")
    peildatum = _date(raw)
    if raw:
        problems = []
        if (
            peildatum is None
            or check_date(peildatum, field="peildatum", label="De peildatum", problems=problems)
            is None
        ):
            messages.error(
                request,
                "; ".join(p.reason for p in problems)
                or f"Geen geldige peildatum: {raw!r} (JJJJ-MM-DD).",
            )
            peildatum = None
    peildatum = peildatum or today
    overdue = list(queries.overdue(peildatum)[:100])
    houders = queries.current_holders(overdue)
    kantoren = {}
    for f in overdue:
        kantoor_id = f.arrangement.administratiekantoor_id
        if kantoor_id not in kantoren:
            kantoren[kantoor_id] = queries.office_details(kantoor_id)
        volgnummer = f.herinneringen_n + 1
        f.houders = houders.get(f.pk) or [f.gemeente.naam]
        f.herinnering_tekst = queries.reminder_text(
            f, f.open, volgnummer, "brief", f.houders, kantoren[kantoor_id]
        )
        f.herinnering_vanaf = (
            queries.plus_days(f.laatste_herinnering, services.HERINNERING_NA_DAGEN)
            if f.laatste_herinnering
            else None
        )
    last = queries.last_period_end()
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
            "perioden": Afdrachtperiode.objects.select_related("terugdraaiing_van")
            .prefetch_related("terugdraaiingen")
            .order_by("-uitgevoerd_op", "-id")[:12],
            "volgende_start": queries.plus_days(last, 1) if last else None,
            "gisteren": queries.plus_days(today, -1),
            "sleutel": uuid.uuid4().hex,
            "na_dagen": services.HERINNERING_NA_DAGEN,
        },
    )


@requires("inning.afdrachten.bekijken")
def afdrachten(request):
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
