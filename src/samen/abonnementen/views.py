"""Subscription pages: the arrangement with its tariffs, derivation and reconciliation (public),
the what-if (public), invoices (a municipality its own; the office, finance and the programme
office all), the billing year of the administration office with run progress, and PDFs."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from samen.abonnementen import pdf, queries, services
from samen.abonnementen.models import Abonnement, Arrangement, Factuur, Factuurrun, Vrijstelling
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import exports, params
from samen.core.errors import DomainError
from samen.core.models import Taak
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar


def _arrangement(uuid=None) -> Arrangement:
    qs = Arrangement.objects.select_related("administratiekantoor")
    found = qs.filter(uuid=uuid).first() if uuid else qs.order_by("eerste_jaar", "id").first()
    if found is None:
        raise Http404
    return found


def _jaar(request, arrangement: Arrangement) -> int:
    raw = request.GET.get("jaar", "")
    jaar = params.year(raw)
    if jaar is not None and arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
        return jaar
    return arrangement.eerste_jaar


def overzicht(request):
    arrangementen = list(Arrangement.objects.order_by("eerste_jaar", "id"))
    if len(arrangementen) == 1:
        return redirect("abonnementen:arrangement", uuid=arrangementen[0].uuid)
    return render(request, "abonnementen/overzicht.html", {"arrangementen": arrangementen})


def arrangement(request, uuid):
    arr = _arrangement(uuid)
    jaar = _jaar(request, arr)
    afleiding = queries.derivation(arr)
    try:
        cbs = bevolking_voor_jaar(arr.afleiding_peildatum.year + 1).totaal
    except PopulationUnavailable:
        cbs = None
    vrijstellingen = (
        Vrijstelling.objects.filter(abonnement__arrangement=arr)
        .select_related("abonnement__gemeente", "dienst")
        .order_by("abonnement__gemeente__naam", "van")
    )
    return render(
        request,
        "abonnementen/arrangement.html",
        {
            "arrangement": arr,
            "diensten": queries.shares(arr),
            "afleiding": afleiding,
            "cbs_inwoners": cbs,
            "tarieven": queries.tariffs(arr),
            "vrijstellingen": vrijstellingen,
            "abonnementen": Abonnement.objects.filter(arrangement=arr).count(),
            "jaar": jaar,
            "jaren": range(arr.eerste_jaar, arr.laatste_jaar + 1),
            "aansluiting": queries.reconcile(arr, jaar),
            "totalen": queries.yearly_totals(arr),
        },
    )


def wat_als(request, uuid):
    arr = _arrangement(uuid)
    jaar = _jaar(request, arr)
    raw = request.GET.get("niet_betalend", "")
    codes = {c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()}
    fout = None
    result = None
    bad = sorted(c for c in codes if not (len(c) == 6 and c.startswith("GM") and c[2:].isdigit()))
    if bad:
        fout = "Geen CBS-gemeentecode: " + ", ".join(bad)
    else:
        try:
            result = queries.what_if(arr, jaar, codes)
        except (DomainError, ValueError, PopulationUnavailable) as exc:
            fout = str(exc)
    return render(
        request,
        "abonnementen/wat_als.html",
        {
            "arrangement": arr,
            "jaar": jaar,
            "jaren": range(arr.eerste_jaar, arr.laatste_jaar + 1),
            "niet_betalend": raw,
            "result": result,
            "fout": fout,
        },
    )


def _require_invoice_access(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not allowed(
        request.user, "facturen.bekijken.eigen", getattr(request.user, "gemeente", None)
    ):
        raise PermissionDenied
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def facturen(request):
    """The invoices this user may see; for the administration office also the billing year."""
    login = _require_invoice_access(request)
    if login:
        return login
    kantoor = allowed(request.user, "abonnementen.factureren")
    if request.method == "POST":
        if not kantoor:
            raise PermissionDenied
        try:
            gekozen = _arrangement(request.POST.get("arrangement"))
            jaar = int(request.POST.get("jaar", ""))
            factuurdatum = (
                dt.date.fromisoformat(request.POST["factuurdatum"])
                if request.POST.get("factuurdatum")
                else None
            )
            services.start_billing_run(gekozen, jaar, user=request.user, factuurdatum=factuurdatum)
        except DomainError as error:
            messages.error(request, "; ".join(p.reason for p in error.problems) or error.message)
        except (ValueError, Http404):
            messages.error(request, "Onvolledige of ongeldige invoer; er is niets gestart.")
        else:
            messages.success(
                request, f"De factuurrun voor {jaar} is gestart; de voortgang staat hieronder."
            )
        return redirect("abonnementen:facturen")
    qs = queries.invoices_for(request.user).order_by("-factuurdatum", "-nummerjaar", "-volgnummer")
    raw = request.GET.get("jaar", "")
    jaar = params.year(raw)
    if jaar:
        qs = qs.filter(jaar=jaar)
    gemeente = request.GET.get("gemeente", "").strip().upper()
    if gemeente and kantoor:
        qs = qs.filter(gemeente__code=gemeente)
    rows = list(qs[:500])
    return render(
        request,
        "abonnementen/facturen.html",
        {
            "facturen": rows,
            "meer": qs.count() > len(rows),
            "jaar": jaar,
            "gemeente": gemeente,
            "kantoor": kantoor,
            "arrangementen": Arrangement.objects.order_by("eerste_jaar", "id") if kantoor else [],
            "wachtend": (
                Taak.objects.filter(soort="abonnementen.factuurrun", status=Taak.Status.WACHTEND)
                if kantoor
                else []
            ),
            "runs": (
                Factuurrun.objects.select_related("arrangement", "taak")[:10] if kantoor else []
            ),
            "eigen": request.user.gemeente if request.user.rol == "gemeente" else None,
        },
    )


def facturen_export(request, fmt: str):
    login = _require_invoice_access(request)
    if login:
        return login
    qs = queries.invoices_for(request.user).order_by("nummerjaar", "volgnummer")
    raw = request.GET.get("jaar", "")
    if params.year(raw):
        qs = qs.filter(jaar=params.year(raw))
    rows = (
        [
            f.nummer,
            f.get_soort_display(),
            f.jaar,
            f.gemeente.code,
            f.gemeente.naam,
            f.factuurdatum,
            f.inwoners,
            f.prijs,
            f.totaal,
            f.betalingskenmerk,
            f.verwijst_naar.nummer if f.verwijst_naar_id else "",
        ]
        for f in qs.iterator(chunk_size=2000)
    )
    record(
        Actie.LEZEN,
        object_type="abonnementen.factuur",
        object_id="export",
        user=request.user,
        toelichting=f"facturen geëxporteerd ({fmt})",
    )
    return exports.response(
        fmt,
        f"facturen-{raw or 'alle'}",
        "Facturen",
        [
            "nummer",
            "soort",
            "jaar",
            "gemeentecode",
            "gemeente",
            "factuurdatum",
            "inwoners",
            "prijs per inwoner",
            "totaal",
            "betalingskenmerk",
            "correctie op",
        ],
        rows,
    )


def _factuur(request, uuid) -> Factuur:
    return get_object_or_404(
        queries.invoices_for(request.user).select_related("arrangement__administratiekantoor"),
        uuid=uuid,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def factuur(request, uuid):
    login = _require_invoice_access(request)
    if login:
        return login
    f = _factuur(request, uuid)
    kantoor = allowed(request.user, "abonnementen.factureren")
    if request.method == "POST":
        if not kantoor:
            raise PermissionDenied
        p = request.POST
        try:
            correctie = services.correct_invoice(
                f,
                p.get("reden", ""),
                inwoners=int(p["inwoners"]) if p.get("inwoners", "").strip() else None,
                volledig=p.get("volledig") == "ja",
                user=request.user,
            )
        except DomainError as error:
            messages.error(request, "; ".join(pr.reason for pr in error.problems) or error.message)
            return redirect("abonnementen:factuur", uuid=f.uuid)
        except ValueError:
            messages.error(request, "Geef het aantal inwoners als geheel getal.")
            return redirect("abonnementen:factuur", uuid=f.uuid)
        messages.success(request, f"{correctie.get_soort_display()} {correctie.nummer} gemaakt.")
        return redirect("abonnementen:factuur", uuid=correctie.uuid)
    record(Actie.LEZEN, f, user=request.user, toelichting="factuur gelezen (pagina)")
    eigen = request.user.gemeente_id if request.user.rol == "gemeente" else None
    return render(
        request,
        "abonnementen/factuur.html",
        {
            "factuur": f,
            "regels": f.regels.select_related("dienst__aanbieder").order_by("dienst__volgorde"),
            "correcties": f.correcties.order_by("nummerjaar", "volgnummer"),
            "vorderingen": f.vorderingen.select_related("gemeente", "herindeling").order_by(
                "datum", "id"
            ),
            "open": queries.open_amount(f, eigen),
            "kantoor": kantoor,
        },
    )


def factuur_pdf(request, uuid):
    login = _require_invoice_access(request)
    if login:
        return login
    f = _factuur(request, uuid)
    record(Actie.LEZEN, f, user=request.user, toelichting="factuur gelezen (PDF)")
    response = HttpResponse(pdf.render(f), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(f)}"'
    return response


def run(request, uuid):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not allowed(request.user, "abonnementen.factureren"):
        raise PermissionDenied
    r = get_object_or_404(Factuurrun.objects.select_related("arrangement", "taak"), uuid=uuid)
    return render(request, "abonnementen/run.html", {"run": r})
