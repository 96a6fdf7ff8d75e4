"""Fund pages: the overview with reconciliation, contributions per municipality, what-if."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render

from samen.accounts.decorators import requires
from samen.accounts.models import Rol
from samen.core import exports, params
from samen.core.clock import today
from samen.core.dates import EARLIEST, PLATFORM_YEARS, check_date, parse_date
from samen.core.errors import Problem
from samen.fonds import queries
from samen.fonds.models import Fonds

YEAR_ERROR = (
    f"Geen geldig jaar: kies een jaar van {PLATFORM_YEARS.start} tot en met "
    f"{PLATFORM_YEARS.stop - 1}."
)


def _fonds() -> Fonds:
    fonds = Fonds.objects.order_by("id").first()
    if fonds is None:
        raise Http404
    return fonds


def _year_param(request, key: str, default: int) -> tuple[int, str]:
    """A year from the query string: ASCII digits within the platform's years. Missing: the
    default; invalid ('²', '99999999999'): the default and an error for the form (answered
    400, never 500)."""
    raw = request.GET.get(key, "")
    if raw == "":
        return default, ""
    jaar = params.year(raw)
    if jaar is None or jaar not in PLATFORM_YEARS:
        return default, YEAR_ERROR
    return jaar, ""


def _default_year(fonds: Fonds) -> int:
    """The latest year up to now in which the fund has data (else its latest year at all, else
    the current year): a page opened without a year shows figures, not a table of zeros."""
    this_year = today().year
    return (
        queries.latest_year_with_data(fonds, upto=this_year)
        or queries.latest_year_with_data(fonds)
        or this_year
    )


def _render(request, template: str, context: dict, fout: str = ""):
    return render(
        request, template, {**context, **_bounds(), "fout": fout}, status=400 if fout else 200
    )


def _bounds() -> dict:
    return {
        "jaar_min": PLATFORM_YEARS.start,
        "jaar_max": PLATFORM_YEARS.stop - 1,
        "datum_min": EARLIEST,
        "datum_max": today(),
    }


def overzicht(request):
    fonds = _fonds()
    jaar, fout = _year_param(request, "jaar", _default_year(fonds))
    regels = list(queries.current_budget(fonds, jaar))
    return _render(
        request,
        "fonds/overzicht.html",
        {
            "fonds": fonds,
            "jaar": jaar,
            "regels": regels,
            "aansluiting": queries.reconcile(fonds, jaar),
            "compartimenten": fonds.compartimenten.all(),
        },
        fout,
    )


def _jaar(request, fonds) -> tuple[int, str]:
    return _year_param(request, "jaar", queries.latest_year(fonds) or _default_year(fonds))


def bijdragen(request):
    fonds = _fonds()
    jaar, fout = _jaar(request, fonds)
    rows = queries.contributions_for(fonds, jaar)
    eigen = None
    if request.user.is_authenticated and request.user.rol == Rol.GEMEENTE:
        eigen = request.user.gemeente_id
    return _render(
        request,
        "fonds/bijdragen.html",
        {
            "fonds": fonds,
            "jaar": jaar,
            "rows": rows,
            "totaal": queries.totals(fonds, jaar),
            "regeling": fonds.bijdrageregelingen.filter(jaar=jaar).first(),
            "eigen": eigen,
        },
        fout,
    )


def bijdragen_export(request, fmt: str):
    """CSV for machines, CSV for Dutch spreadsheets (csv-nl) and XLSX."""
    fonds = _fonds()
    jaar, fout = _jaar(request, fonds)
    if fout:
        return HttpResponseBadRequest(fout, content_type="text/plain; charset=utf-8")
    rows = (
        [b.gemeente.code, b.gemeente.naam, b.inwoners, b.bedrag]
        for b in queries.contributions_for(fonds, jaar)
    )
    return exports.response(
        fmt,
        f"bijdragen-{jaar}",
        "Bijdragen",
        ["gemeentecode", "gemeente", "inwoners", "bedrag"],
        rows,
    )


def wat_als(request):
    from samen.core.money import MoneyError, parse_amount
    from samen.gemeenten.queries import PopulationUnavailable

    result = None
    jaar, fout = _year_param(request, "jaar", today().year)
    raw = request.GET.get("totaal", "").strip()
    if raw and not fout:
        try:
            result = queries.what_if(parse_amount(raw), jaar)
        except MoneyError as exc:
            fout = f"Begrotingstotaal: {exc}."
        except PopulationUnavailable as exc:
            fout = f"Geen inwonertallen voor {jaar}: {exc}."
    return _render(
        request,
        "fonds/wat_als.html",
        {"result": result, "totaal": request.GET.get("totaal", ""), "jaar": jaar},
        fout,
    )


def _peildatum(request, fonds) -> tuple:
    """The reference date of the interim control: ISO or dd-mm-jjjj within the platform's
    years; default today, or the last day of the latest year with data when this year has
    none."""
    this_year = today().year
    latest = queries.latest_year_with_data(fonds, upto=this_year)
    default = today() if latest in (None, this_year) else dt.date(latest, 12, 31)
    raw = request.GET.get("peildatum", "")
    if raw == "":
        return default, ""
    problems: list[Problem] = []
    value = check_date(parse_date(raw), field="peildatum", label="De peildatum", problems=problems)
    if value is None:
        reason = problems[0].reason if problems else "geen datum (JJJJ-MM-DD of DD-MM-JJJJ)"
        return default, f"Peildatum: {reason}."
    return value, ""


def controle(request):
    """Interim control for any date: budget, authorised, committed, realised, forecast; and
    committed against authorised per year from the year of the reference date."""
    fonds = _fonds()
    peildatum, fout = _peildatum(request, fonds)
    rows = queries.interim_control(fonds, peildatum)
    per_jaar = queries.commitments_per_year(fonds, peildatum.year)
    if request.GET.get("formaat") == "xlsx" and not fout:
        headers = [
            "activiteit",
            "begroot",
            "geautoriseerd",
            "verplicht",
            "gerealiseerd",
            "prognose",
            "waarschuwing",
        ]
        data = (
            [
                r.activiteit.naam,
                r.begroot,
                r.geautoriseerd,
                r.verplicht,
                r.gerealiseerd,
                r.prognose,
                r.waarschuwing,
            ]
            for r in rows
        )
        return exports.response(
            "xlsx", f"tussentijdse-controle-{peildatum}", "Controle", headers, data
        )
    return _render(
        request,
        "fonds/controle.html",
        {"fonds": fonds, "peildatum": peildatum, "rows": rows, "per_jaar": per_jaar},
        fout,
    )


def verantwoording(request):
    """The accountability report for the members' meeting: page, PDF and XLSX."""
    fonds = _fonds()
    jaar, fout = _year_param(request, "jaar", _default_year(fonds))
    report = queries.accountability(fonds, jaar)
    rows = [
        [
            c["compartiment"].get_code_display(),
            r["activiteit"].naam,
            r["begroot"],
            r["geautoriseerd"],
            r["verplicht"],
            r["gerealiseerd"],
            r["verschil"],
            r["toelichting"],
        ]
        for c in report["compartimenten"]
        for r in c["rows"]
    ]
    headers = [
        "compartiment",
        "activiteit",
        "begroot",
        "geautoriseerd",
        "verplicht",
        "gerealiseerd",
        "verschil",
        "toelichting",
    ]
    fmt = request.GET.get("formaat")
    if fout:
        return _render(request, "fonds/verantwoording.html", report, fout)
    if fmt == "xlsx":
        return exports.response("xlsx", f"verantwoording-{jaar}", "Verantwoording", headers, rows)
    if fmt == "pdf":
        return _pdf(
            f"Verantwoording {fonds.naam} {jaar}",
            headers[1:],
            [r[1:] for r in rows],
            f"verantwoording-{jaar}",
        )
    return render(request, "fonds/verantwoording.html", report)


def _pdf(title: str, headers, rows, filename: str):
    import io

    from django.http import HttpResponse
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from samen.core.money import format_euro

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, author="VNG")
    data = [headers] + [
        [Paragraph(str(row[0]), styles["Normal"])]
        + [format_euro(v) for v in row[1:-1]]
        + [Paragraph(str(row[-1]), styles["Normal"])]
        for row in rows
    ]
    table = Table(data, repeatRows=1, colWidths=[170, 85, 85, 85, 85, 85, 180])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("ALIGN", (1, 1), (-2, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc.build([Paragraph(title, styles["Title"]), table])
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@requires(any_of=("fonds.begroten", "fonds.voorstellen", "fonds.besluiten"))
def beheer(request):
    """The fund's year for finance (budget, commitment, realisation), the College (proposal)
    and the board (decision): one page, forms by role, every change through the services.
    The board's decision is irreversible: a first submit shows what will be decided (amount,
    year, budget, commitments) and asks to confirm; only the confirmed submit decides, and
    submitting it again changes nothing."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    from samen.core.errors import DomainError
    from samen.fonds import services
    from samen.fonds.models import Activiteit, Autorisatie, Verplichting

    rol = request.user.rol  # signed in: the guard sent an anonymous visitor to sign in
    if rol not in (Rol.FINANCIEN, Rol.COLLEGE, Rol.BESTUUR):
        raise PermissionDenied  # a superuser without one of these roles has no form here
    fonds = _fonds()
    activiteiten = Activiteit.objects.filter(compartiment__fonds=fonds).order_by("naam")
    if request.method == "POST":
        p = request.POST
        actie = p.get("actie", "")
        allowed_actions = {
            Rol.FINANCIEN: {"begroting", "verplichting", "realisatie"},
            Rol.COLLEGE: {"voorstel"},
            Rol.BESTUUR: {"besluit"},
        }[rol]
        if actie not in allowed_actions:
            raise PermissionDenied
        if actie == "besluit" and p.get("bevestigd") != "ja":
            return _confirm_decision(request, fonds)
        try:
            success = _act(request, actie, p, activiteiten, services)
        except DomainError as error:
            messages.error(request, "; ".join(pr.reason for pr in error.problems) or error.message)
        except (
            KeyError,
            ValueError,
            Activiteit.DoesNotExist,
            Autorisatie.DoesNotExist,
            Verplichting.DoesNotExist,
        ):
            messages.error(request, _bad_input())
        else:
            messages.success(request, success)
        return redirect("fonds:beheer")
    return render(
        request,
        "fonds/beheer.html",
        {
            "rol": rol,
            "activiteiten": activiteiten,
            "voorstellen": Autorisatie.objects.filter(
                activiteit__compartiment__fonds=fonds, status="voorgesteld"
            ).select_related("activiteit"),
            "verplichtingen": Verplichting.objects.filter(
                activiteit__compartiment__fonds=fonds
            ).select_related("activiteit"),
            "jaar": today().year,
            **_bounds(),
        },
    )


def _datum(p) -> dt.date:
    """The date field of a form: empty is today; ISO or dd-mm-jjjj, else a ValueError."""
    raw = p.get("datum", "").strip()
    if not raw:
        return today()
    value = parse_date(raw)
    if value is None:
        raise ValueError(raw)
    return value


def _act(request, actie: str, p, activiteiten, services) -> str:
    """One change of the management page through its service; the success message."""
    from samen.core.money import format_euro
    from samen.fonds.models import Autorisatie, Verplichting

    for key in ("voorstel", "activiteit", "verplichting"):
        if p.get(key) and not _is_uuid(p[key]):
            raise ValueError(p[key])
    if actie == "besluit":
        voorstel = Autorisatie.objects.select_related("activiteit").get(uuid=p["voorstel"])
        if p.get("uitkomst") not in ("vastgesteld", "afgewezen"):
            raise ValueError(p.get("uitkomst"))
        voorstel = services.decide_authorisation(
            voorstel, p["uitkomst"] == "vastgesteld", _datum(p), request.user
        )
        return (
            f"Opgeslagen. Besluit {voorstel.besluit.nummer} ({voorstel.get_status_display()}): "
            f"{voorstel.besluit.titel}."
        )
    a = activiteiten.get(uuid=p["activiteit"])
    if actie == "begroting":
        regel = services.enter_budget(a, p["jaar"], p["bedrag"], user=request.user)
        return (
            f"Opgeslagen. Begroting {a.naam} {regel.jaar} {format_euro(regel.bedrag)} "
            f"(versie {regel.versie})."
        )
    if actie == "voorstel":
        voorstel = services.propose_authorisation(a, p["jaar"], p["bedrag"], request.user)
        return (
            f"Opgeslagen. Voorstel autorisatie {a.naam} {voorstel.jaar} "
            f"{format_euro(voorstel.bedrag)}."
        )
    if actie == "verplichting":
        v = services.enter_commitment(
            a,
            p["referentie"],
            p.get("omschrijving", ""),
            _datum(p),
            {p["jaar"]: p["bedrag"]},
            user=request.user,
        )
        terms = ", ".join(f"{t.jaar} {format_euro(t.bedrag)}" for t in v.termijnen.all())
        return f"Opgeslagen. Verplichting {v.referentie} voor {a.naam} ({terms})."
    verplichting = (
        Verplichting.objects.get(uuid=p["verplichting"], activiteit=a)
        if p.get("verplichting")
        else None
    )
    r = services.enter_realisation(
        a, _datum(p), p["bedrag"], p["referentie"], verplichting, request.user
    )
    return f"Opgeslagen. Uitgave {r.referentie} voor {a.naam} {format_euro(r.bedrag)}."


def _confirm_decision(request, fonds):
    """The first step of the board's decision: what will happen, and a form to confirm it."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from samen.fonds.models import Autorisatie

    voorstel = (
        Autorisatie.objects.filter(
            uuid=request.POST.get("voorstel", ""), activiteit__compartiment__fonds=fonds
        )
        .select_related("activiteit")
        .first()
        if _is_uuid(request.POST.get("voorstel", ""))
        else None
    )
    uitkomst = request.POST.get("uitkomst", "")
    if voorstel is None or uitkomst not in ("vastgesteld", "afgewezen"):
        messages.error(request, _bad_input())
        return redirect("fonds:beheer")
    if voorstel.status != Autorisatie.Status.VOORGESTELD:
        messages.error(request, "Over dit voorstel is al besloten; er is niets gewijzigd.")
        return redirect("fonds:beheer")
    a, jaar = voorstel.activiteit, voorstel.jaar
    return render(
        request,
        "fonds/besluit_bevestigen.html",
        {
            "voorstel": voorstel,
            "uitkomst": uitkomst,
            "titel": queries.authorisation_title(voorstel),
            "begroot": queries.budget_of(a, jaar),
            "geautoriseerd": queries.authorised(a, jaar),
            "verplicht": queries.committed(a, jaar),
            "datum": today(),
        },
    )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _bad_input() -> str:
    return "Onvolledige of ongeldige invoer; er is niets opgeslagen."


def meerjarenbegroting(request):
    fonds = _fonds()
    vanaf, fout = _year_param(request, "vanaf", _default_year(fonds))
    return _render(
        request,
        "fonds/meerjarenbegroting.html",
        {"fonds": fonds, "vanaf": vanaf, **queries.multi_year(fonds, vanaf)},
        fout,
    )
