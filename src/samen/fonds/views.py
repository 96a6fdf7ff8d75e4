"""Fund pages: the overview with reconciliation, contributions per municipality, what-if."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.shortcuts import render

from samen.accounts.models import Rol
from samen.core import exports, params
from samen.core.clock import today
from samen.fonds import queries
from samen.fonds.models import Fonds


def _fonds() -> Fonds:
    fonds = Fonds.objects.order_by("id").first()
    if fonds is None:
        raise Http404
    return fonds


def overzicht(request):
    fonds = _fonds()
    jaar = params.year(request.GET.get("jaar"), 2017)
    regels = list(queries.current_budget(fonds, jaar))
    return render(
        request,
        "fonds/overzicht.html",
        {
            "fonds": fonds,
            "jaar": jaar,
            "regels": regels,
            "aansluiting": queries.reconcile(fonds, jaar),
            "compartimenten": fonds.compartimenten.all(),
        },
    )


def _jaar(request, fonds) -> int:
    raw = request.GET.get("jaar", "")
    return params.year(raw) or queries.latest_year(fonds) or today().year


def bijdragen(request):
    fonds = _fonds()
    jaar = _jaar(request, fonds)
    rows = queries.contributions_for(fonds, jaar)
    eigen = None
    if request.user.is_authenticated and request.user.rol == Rol.GEMEENTE:
        eigen = request.user.gemeente_id
    return render(
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
    )


def bijdragen_export(request, fmt: str):
    fonds = _fonds()
    jaar = _jaar(request, fonds)
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
    result, fout = None, None
    raw = request.GET.get("totaal", "").replace(".", "").replace(",", ".").strip()
    jaar = params.year(request.GET.get("jaar"), today().year)
    if raw:
        try:
            totaal = Decimal(raw)
            if totaal < 0 or totaal != totaal.quantize(Decimal("0.01")):
                raise InvalidOperation
            result = queries.what_if(totaal, jaar)
        except (InvalidOperation, ValueError):
            fout = "Geef een bedrag in euro's met hooguit twee decimalen."
    return render(
        request,
        "fonds/wat_als.html",
        {"result": result, "fout": fout, "totaal": request.GET.get("totaal", ""), "jaar": jaar},
    )


def controle(request):
    """Interim control for any date: budget, authorised, committed, realised, forecast."""
    import datetime as dt

    fonds = _fonds()
    try:
        peildatum = dt.date.fromisoformat(request.GET.get("peildatum", ""))
    except ValueError:
        peildatum = today()
    rows = queries.interim_control(fonds, peildatum)
    if request.GET.get("formaat") == "xlsx":
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
    return render(
        request, "fonds/controle.html", {"fonds": fonds, "peildatum": peildatum, "rows": rows}
    )


def verantwoording(request):
    """The accountability report for the members' meeting: page, PDF and XLSX."""
    fonds = _fonds()
    raw = request.GET.get("jaar", "")
    jaar = params.year(raw, today().year - 1)
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


def beheer(request):
    """The fund's year for finance (budget, commitment, realisation), the College (proposal)
    and the board (decision): one page, forms by role, every change through the services."""
    import datetime as dt

    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    from samen.core.errors import DomainError
    from samen.fonds import services
    from samen.fonds.models import Activiteit, Autorisatie, Verplichting

    rol = getattr(request.user, "rol", "") if request.user.is_authenticated else ""
    if rol not in (Rol.FINANCIEN, Rol.COLLEGE, Rol.BESTUUR):
        raise PermissionDenied
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
        try:

            def act():
                a = activiteiten.get(uuid=p.get("activiteit")) if p.get("activiteit") else None
                datum = dt.date.fromisoformat(p.get("datum") or str(today()))
                if actie == "begroting":
                    services.enter_budget(a, int(p["jaar"]), p["bedrag"], user=request.user)
                elif actie == "voorstel":
                    services.propose_authorisation(a, int(p["jaar"]), p["bedrag"], request.user)
                elif actie == "besluit":
                    voorstel = Autorisatie.objects.get(uuid=p["voorstel"])
                    services.decide_authorisation(
                        voorstel, p.get("uitkomst") == "vastgesteld", datum, request.user
                    )
                elif actie == "verplichting":
                    services.enter_commitment(
                        a,
                        p["referentie"],
                        p.get("omschrijving", ""),
                        datum,
                        {int(p["jaar"]): p["bedrag"]},
                        user=request.user,
                    )
                else:
                    verplichting = (
                        Verplichting.objects.filter(uuid=p.get("verplichting")).first()
                        if p.get("verplichting")
                        else None
                    )
                    services.enter_realisation(
                        a, datum, p["bedrag"], p["referentie"], verplichting, request.user
                    )

            act()
        except DomainError as error:
            messages.error(request, "; ".join(pr.reason for pr in error.problems) or error.message)
        except (KeyError, ValueError, Activiteit.DoesNotExist, Autorisatie.DoesNotExist):
            messages.error(request, _bad_input())
        else:
            messages.success(request, "Opgeslagen.")
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
        },
    )


def _bad_input() -> str:
    return "Onvolledige of ongeldige invoer; er is niets opgeslagen."


def meerjarenbegroting(request):
    fonds = _fonds()
    raw = request.GET.get("vanaf", "")
    vanaf = params.year(raw, today().year)
    return render(
        request,
        "fonds/meerjarenbegroting.html",
        {"fonds": fonds, "vanaf": vanaf, **queries.multi_year(fonds, vanaf)},
    )
