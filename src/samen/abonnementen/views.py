"""Subscription pages: the arrangement with its tariffs, derivation and reconciliation (public),
the what-if (public), invoices (a municipality its own; the office, finance and the programme
office all), the billing year of the administration office with run progress, and PDFs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from samen.abonnementen import pdf, queries, services
from samen.abonnementen.models import Abonnement, Arrangement, Factuur, Factuurrun, Vrijstelling
from samen.accounts.decorators import requires
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock, dates, exports, params
from samen.core.errors import DomainError, Problem
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


def _own_gemeente(request, **kwargs):
    return getattr(request.user, "gemeente", None)


#: The invoice pages: a municipality its own invoices, the office, finance and the programme
#: office all (the queryset of ``queries.invoices_for``).
invoice_access = requires("facturen.bekijken.eigen", obj=_own_gemeente)


@require_http_methods(["GET", "HEAD", "POST"])
@invoice_access
def facturen(request):
    """The invoices this user may see; for the administration office also the billing year."""
    kantoor = allowed(request.user, "abonnementen.factureren")
    bevestigen = None
    if request.method == "POST":
        if not kantoor:
            raise PermissionDenied
        bevestigen = _billing_post(request)
        if bevestigen is None:
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
    eigen_id = request.user.gemeente_id if request.user.rol == "gemeente" else None
    saldi = queries.open_accounts(rows, eigen_id)
    for f in rows:
        f.open_rekening = saldi.get(f.pk)
    return render(
        request,
        "abonnementen/facturen.html",
        {
            "bevestigen": bevestigen,
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


def _billing_post(request):
    """A billing run in two steps: the first submit shows what the run will do (arrangement,
    year, invoice date, the number of invoices and their total) and asks to confirm; only the
    confirmed submit starts it. Returns the preview to show, or None after a message."""
    p = request.POST
    problems: list[Problem] = []
    try:
        gekozen = _arrangement(p.get("arrangement") or None)
    except (Http404, ValueError, DomainError):
        gekozen = None
        problems.append(Problem("arrangement", "kies een arrangement"))
    jaar = params.year((p.get("jaar") or "").strip())
    if jaar is None:
        problems.append(Problem("jaar", "geef het jaar als vier cijfers, zoals 2019"))
    raw_datum = (p.get("factuurdatum") or "").strip()
    factuurdatum = dates.parse_date(raw_datum) if raw_datum else None
    if raw_datum and factuurdatum is None:
        problems.append(
            Problem("factuurdatum", f"geen datum: {raw_datum!r} (schrijf 01-12-2018 of 2018-12-01)")
        )
    if problems:
        messages.error(request, "Er is niets gestart: " + "; ".join(x.reason for x in problems))
        return None
    try:
        if p.get("bevestigd") != "ja":
            return services.preview_billing(gekozen, jaar, factuurdatum or clock.today())
        services.start_billing_run(gekozen, jaar, user=request.user, factuurdatum=factuurdatum)
    except DomainError as error:
        reasons = "; ".join(x.reason for x in error.problems) or error.message
        messages.error(request, f"Er is niets gestart: {reasons}")
        return None
    messages.success(
        request, f"De factuurrun voor {jaar} is gestart; de voortgang staat hieronder."
    )
    return None


@invoice_access
def facturen_export(request, fmt: str):
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
@invoice_access
def factuur(request, uuid):
    f = _factuur(request, uuid)
    kantoor = allowed(request.user, "abonnementen.factureren")
    if request.method == "POST":
        if not kantoor:
            raise PermissionDenied
        p = request.POST
        try:
            raw = p.get("inwoners", "").strip()
            if raw and not (raw.isascii() and raw.isdigit()):
                raise ValueError(raw)
            correctie = services.correct_invoice(
                f,
                p.get("reden", ""),
                inwoners=int(raw) if raw else None,
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
            "rekening": queries.account(f, eigen),
            "kantoor": kantoor,
        },
    )


@invoice_access
def factuur_pdf(request, uuid):
    f = _factuur(request, uuid)
    record(Actie.LEZEN, f, user=request.user, toelichting="factuur gelezen (PDF)")
    response = HttpResponse(pdf.render(f), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(f)}"'
    return response


@requires("abonnementen.factureren")
def run(request, uuid):
    r = get_object_or_404(Factuurrun.objects.select_related("arrangement", "taak"), uuid=uuid)
    return render(request, "abonnementen/run.html", {"run": r})


# ---------------------------------------------------------------- e-invoices (SI-UBL 2.0)


@invoice_access
def factuur_ubl(request, uuid):
    """The invoice as an e-invoice (SI-UBL 2.0); refused with a message when it cannot be valid."""
    from samen.abonnementen import ubl

    f = _factuur(request, uuid)
    try:
        body = ubl.render(f)
    except ubl.UblError as error:
        messages.error(
            request,
            "Geen e-factuur mogelijk: " + "; ".join(p.reason for p in error.problems) + ".",
        )
        return redirect("abonnementen:factuur", uuid=f.uuid)
    record(Actie.LEZEN, f, user=request.user, toelichting="factuur gelezen (e-factuur, UBL)")
    response = HttpResponse(body, content_type=f"{ubl.MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ubl.filename(f)}"'
    return response


def _factuurgegevens_form():
    from django import forms

    from samen.abonnementen.models_ubl import FACTUURGEGEVENS_VELDEN, Factuurgegevens

    class FactuurgegevensForm(forms.ModelForm):
        class Meta:
            model = Factuurgegevens
            fields = FACTUURGEGEVENS_VELDEN

    return FactuurgegevensForm


@require_http_methods(["GET", "HEAD", "POST"])
@requires()
def factuurgegevens_overzicht(request):
    """A municipality contact goes to its own details; the office, finance and the programme
    office see every municipality's; the office uploads a CSV (all or nothing)."""
    from samen.abonnementen.models_ubl import Factuurgegevens
    from samen.accounts.models import Rol
    from samen.gemeenten.models import Gemeente

    user = request.user
    if user.rol == Rol.GEMEENTE and not user.is_superuser:
        if user.gemeente is None or request.method == "POST":
            raise PermissionDenied
        return redirect("abonnementen:factuurgegevens", code=user.gemeente.code)
    if not allowed(user, "factuurgegevens.bekijken.eigen"):
        raise PermissionDenied
    importeren = allowed(user, "factuurgegevens.importeren")
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if not importeren:
            raise PermissionDenied
        upload = request.FILES.get("bestand")
        if upload is None:
            problems = ["Kies een CSV-bestand."]
            status = 400
        elif upload.size > 5 * 1024 * 1024:
            problems = ["Het bestand is groter dan 5 MB."]
            status = 413
        else:
            name = upload.name.replace("/", "_").replace("\\", "_")[-100:]
            try:
                created, updated, unchanged = services.import_factuurgegevens(
                    upload.read(), name, user=user
                )
            except DomainError as error:
                problems = [str(p) for p in error.problems] or [error.message]
                status = 400
            else:
                messages.success(
                    request,
                    f"{name}: {created} nieuw, {updated} bijgewerkt, {unchanged} ongewijzigd.",
                )
                return redirect("abonnementen:factuurgegevens-overzicht")
    gegevens = {f.gemeente_id: f for f in Factuurgegevens.objects.select_related("bijgewerkt_door")}
    vandaag = clock.today()
    rows = [
        (g, gegevens.get(g.pk))
        for g in Gemeente.objects.order_by("naam", "code")
        if g.pk in gegevens or g.bestaat_op(vandaag)
    ]
    return render(
        request,
        "abonnementen/factuurgegevens_overzicht.html",
        {
            "rows": rows,
            "ontbreekt": sum(1 for _, f in rows if f is None),
            "voorbeeld": sum(1 for _, f in rows if f is not None and f.voorbeeld),
            "importeren": importeren,
            "kolommen": services.IMPORT_KOLOMMEN,
            "problems": problems,
        },
        status=status,
    )


def _gemeente(request, code, **kwargs):
    from samen.gemeenten.models import Gemeente

    return get_object_or_404(Gemeente, code=code.upper())


@require_http_methods(["GET", "HEAD", "POST"])
@requires("factuurgegevens.bekijken.eigen", obj=_gemeente)
def factuurgegevens(request, code):
    """One municipality's invoice details: its own contact edits them; the office, finance and
    the programme office read them. Another municipality's contact gets 403."""
    from samen.abonnementen.models_ubl import Factuurgegevens

    gemeente = _gemeente(request, code)
    bewerken = allowed(request.user, "factuurgegevens.bewerken.eigen", gemeente)
    current = Factuurgegevens.objects.filter(gemeente=gemeente).first()
    instance = current or Factuurgegevens(gemeente=gemeente, land="NL")
    Form = _factuurgegevens_form()  # noqa: N806 - a form class
    status = 200
    if request.method == "POST":
        if not bewerken:
            raise PermissionDenied
        form = Form(request.POST, instance=instance)
        if form.is_valid():
            services.save_factuurgegevens(form.save(commit=False), user=request.user)
            messages.success(request, "De factuurgegevens zijn opgeslagen.")
            return redirect("abonnementen:factuurgegevens", code=gemeente.code)
        status = 400
    else:
        form = Form(instance=instance)
    return render(
        request,
        "abonnementen/factuurgegevens.html",
        {
            "gemeente": gemeente,
            "gegevens": current,
            "form": form,
            "bewerken": bewerken,
        },
        status=status,
    )
