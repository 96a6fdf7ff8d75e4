"""Fund pages: the overview with reconciliation, contributions per municipality, what-if."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.shortcuts import render

from samen.accounts.models import Rol
from samen.core import exports
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
    jaar = int(request.GET.get("jaar", "2017")) if request.GET.get("jaar", "").isdigit() else 2017
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
    return int(raw) if raw.isdigit() else (queries.latest_year(fonds) or today().year)


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
    jaar = int(request.GET["jaar"]) if request.GET.get("jaar", "").isdigit() else today().year
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
