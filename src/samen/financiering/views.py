"""Public summary pages of the financing forms: the allocation keys with their inputs and
shares, the compensation of the centre municipalities, the regional compensation; and the entry
page of finance and the administration office (every change through the services)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from samen.abonnementen.models import Arrangement
from samen.accounts.decorators import requires
from samen.accounts.permissions import allowed
from samen.core.errors import DomainError, Problem
from samen.core.money import format_euro
from samen.financiering import queries, services
from samen.financiering.models import Regio, Verdeelsleutel
from samen.gemeenten.models import Gemeente


def overzicht(request):
    return render(
        request,
        "financiering/overzicht.html",
        {
            "sleutels": list(queries.keys()),
            "compensaties": list(queries.compensations()),
            "regios": list(queries.regions()),
            "mag_beheren": allowed(request.user, "financiering.beheren")
            or allowed(request.user, "financiering.factureren"),
        },
    )


def verdeelsleutel(request, uuid):
    sleutel = get_object_or_404(queries.keys(), uuid=uuid)
    probleem = verdeling = None
    try:
        verdeling = queries.key_shares(sleutel)
    except DomainError as exc:
        probleem = str(exc)
    return render(
        request,
        "financiering/verdeelsleutel.html",
        {
            "sleutel": sleutel,
            "verdeling": verdeling,
            "probleem": probleem,
            "gewichten": sleutel.gewichten.select_related("gemeente"),
            "aansluiting": queries.reconcile_key(sleutel),
        },
    )


def compensaties(request):
    return render(
        request,
        "financiering/compensaties.html",
        {
            "compensaties": list(queries.compensations()),
            "totalen": queries.compensation_totals(),
        },
    )


def regios(request):
    verdelingen, probleem = [], None
    try:
        verdelingen = [queries.region_shares(r) for r in queries.regions()]
    except DomainError as exc:
        probleem = str(exc)
    return render(
        request,
        "financiering/regios.html",
        {"verdelingen": verdelingen, "probleem": probleem},
    )


# ---------------------------------------------------------------- entry (finance, the office)

FORMS = ("sleutel", "compensatie", "regio")
#: The fields of each form; a problem of another name is shown above the form.
FIELDS = {
    "sleutel": ("arrangement", "jaar", "budget", "bron", "toelichting", "gewichten"),
    "compensatie": ("gemeente", "jaar", "bedrag", "grondslag", "circulaire", "bron"),
    "regio": ("arrangement", "naam", "jaar", "bijdrage", "leden", "bron"),
}
_CODE = re.compile(r"^GM\d{4}$")


class _Rollback(Exception):
    """The view found problems of its own: what the service stored is undone."""


def _year(raw: str):
    """An int for the service to check (range, term); what is not a number goes as typed."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else raw


def _gemeente(code: str, field: str, problems: list[Problem], label: str = "") -> Gemeente | None:
    code = (code or "").strip().upper()
    found = Gemeente.objects.filter(code=code).first() if _CODE.match(code) else None
    if found is None:
        problems.append(
            Problem(
                field,
                f"{label}onbekende gemeentecode: {code or '(leeg)'} (schrijf bijvoorbeeld GM0080)",
            )
        )
    return found


def _arrangement(raw: str, soort: str, problems: list[Problem]) -> Arrangement | None:
    found = (
        Arrangement.objects.filter(pk=raw, soort=soort).first()
        if (raw or "").isascii() and (raw or "").isdigit()
        else None
    )
    if found is None:
        problems.append(Problem("arrangement", "kies een arrangement", "required"))
    return found


def _weights(text: str, problems: list[Problem]) -> tuple[list[dict], list[int]]:
    """Lines ``GM0080;120;reden;bron``: the municipality, the extra weight, reason, source;
    with the line number of each row."""
    rows, lines = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 4:
            problems.append(
                Problem("gewichten", f"regel {n}: schrijf gemeentecode;gewicht;reden;bron")
            )
            continue
        code, gewicht, reden, bron = parts
        gemeente = _gemeente(code, "gewichten", problems, f"regel {n}: ")
        if not (gewicht.isascii() and gewicht.isdigit()):
            problems.append(Problem("gewichten", f"regel {n}: het gewicht is een geheel getal"))
            continue
        if gemeente is not None:
            rows.append(
                {"gemeente": gemeente, "gewicht": int(gewicht), "reden": reden, "bron": bron}
            )
            lines.append(n)
    return rows, lines


def _members(text: str, problems: list[Problem]) -> list[Gemeente]:
    leden = []
    for code in re.split(r"[\s,;]+", text or ""):
        if code:
            gemeente = _gemeente(code, "leden", problems)
            if gemeente is not None:
                leden.append(gemeente)
    return leden


def _store(problems: list[Problem], message: str, call, lines: list[int] = ()):
    """Call the service; with problems of the view's own, undo what it stored and list them
    together with the service's, so every field is named at once. The service's
    ``gewichten[i]`` is the weights field, line ``lines[i]``."""
    try:
        with transaction.atomic():
            result = call()
            if problems:
                raise _Rollback
    except _Rollback:
        raise DomainError(message, problems) from None
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        theirs = []
        for pr in error.problems:
            m = re.fullmatch(r"gewichten\[(\d+)\]", pr.name)
            if m and int(m.group(1)) < len(lines):
                pr = Problem("gewichten", f"regel {lines[int(m.group(1))]}: {pr.reason}", pr.code)
            theirs.append(pr)
        raise DomainError(error.message, problems + theirs, error.status) from error
    return result


def _enter(actie: str, p, user) -> str:
    problems: list[Problem] = []
    if actie == "sleutel":
        arrangement = _arrangement(p.get("arrangement"), Arrangement.Soort.VERDEELSLEUTEL, problems)
        gewichten, lines = _weights(p.get("gewichten", ""), problems)
        if arrangement is None:
            raise DomainError("De verdeelsleutel is niet vastgelegd.", problems)
        sleutel = _store(
            problems,
            "De verdeelsleutel is niet vastgelegd.",
            lambda: services.set_key(
                arrangement,
                _year(p.get("jaar")),
                p.get("budget", ""),
                p.get("bron", ""),
                gewichten,
                toelichting=p.get("toelichting", ""),
                user=user,
            ),
            lines,
        )
        return (
            f"De verdeelsleutel {sleutel.arrangement.naam} {sleutel.jaar} is vastgelegd: "
            f"{format_euro(sleutel.budget)}."
        )
    if actie == "compensatie":
        gemeente = _gemeente(p.get("gemeente"), "gemeente", problems)
        c = _store(
            problems,
            "De compensatie is niet vastgelegd.",
            lambda: services.record_compensation(
                gemeente,
                _year(p.get("jaar")),
                p.get("bedrag", ""),
                p.get("grondslag", ""),
                p.get("circulaire", ""),
                p.get("bron", ""),
                user=user,
            ),
        )
        return (
            f"De compensatie van {c.gemeente.naam} {c.jaar} is vastgelegd: {format_euro(c.bedrag)}."
        )
    arrangement = _arrangement(
        p.get("arrangement"), Arrangement.Soort.REGIONALE_COMPENSATIE, problems
    )
    leden = _members(p.get("leden", ""), problems)
    if arrangement is None:
        raise DomainError("De regio is niet vastgelegd.", problems)
    regio = _store(
        problems,
        "De regio is niet vastgelegd.",
        lambda: services.set_region(
            arrangement,
            _year(p.get("jaar")),
            p.get("naam", ""),
            p.get("bijdrage", ""),
            leden,
            p.get("bron", ""),
            user=user,
        ),
    )
    return (
        f"De regio {regio.naam} {regio.jaar} is vastgelegd: {format_euro(regio.bijdrage)}, "
        f"{regio.leden.count()} gemeenten."
    )


def _invoice(request, actie: str, p) -> None:
    """Invoice a key or the regions of a year; a second click creates nothing and says so."""
    if actie == "factureer-sleutel":
        sleutel = Verdeelsleutel.objects.filter(uuid=_uuid(p.get("sleutel"))).first()
        if sleutel is None:
            messages.error(request, "Er is niets gefactureerd: kies een verdeelsleutel.")
            return
        wat = f"de verdeelsleutel {sleutel.arrangement.naam} {sleutel.jaar}"
        if queries.key_to_invoice(sleutel) == 0:
            messages.info(request, f"Er is niets nieuws gefactureerd: {wat} is al gefactureerd.")
            return
        run = services.invoice_key(sleutel, user=request.user)
    else:
        regio = Regio.objects.filter(
            arrangement_id=p.get("arrangement") if (p.get("arrangement") or "").isdigit() else None,
            jaar=_year(p.get("jaar")) if (p.get("jaar") or "").isdigit() else None,
        ).first()
        if regio is None:
            messages.error(request, "Er is niets gefactureerd: kies een jaar met regio's.")
            return
        wat = f"de regio's {regio.arrangement.naam} {regio.jaar}"
        if queries.regions_to_invoice(regio.arrangement, regio.jaar) == 0:
            messages.info(request, f"Er is niets nieuws gefactureerd: {wat} zijn al gefactureerd.")
            return
        run = services.invoice_regions(regio.arrangement, regio.jaar, user=request.user)
    messages.success(request, f"Gefactureerd: {wat}, {run.uitgegeven} facturen.")


def _uuid(raw):
    import uuid

    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _forms(actie: str = "", posted=None, error: DomainError | None = None) -> dict:
    """Per form and field what was typed and its problems (``algemeen``: the form's other
    problems, ``melding``: what was refused), for the template."""
    forms = {}
    for name, fields in FIELDS.items():
        own = name == actie and posted is not None
        form = {f: {"waarde": posted.get(f, "") if own else "", "fouten": []} for f in fields}
        form["algemeen"], form["melding"] = [], ""
        if own and error is not None:
            form["melding"] = error.message
            for problem in error.problems:
                target = form.get(problem.name) if problem.name in fields else None
                (target["fouten"] if target else form["algemeen"]).append(problem.reason)
        forms[name] = form
    return forms


@require_http_methods(["GET", "HEAD", "POST"])
@requires(any_of=("financiering.beheren", "financiering.factureren"))
def beheer(request):
    """Finance and the office enter a key, a compensation or a region; the office invoices a
    key or the regions of a year. Errors next to the fields, with what was typed kept."""
    user = request.user
    mag_invoeren = allowed(user, "financiering.beheren")
    mag_factureren = allowed(user, "financiering.factureren")
    forms = _forms()
    status = 200
    if request.method == "POST":
        p = request.POST
        actie = p.get("actie", "")
        if actie in FORMS:
            if not mag_invoeren:
                raise PermissionDenied
            try:
                success = _enter(actie, p, user)
            except DomainError as error:
                forms = _forms(actie, p, error)
                status = 400
            else:
                messages.success(request, success)
                return redirect("financiering:beheer")
        elif actie in ("factureer-sleutel", "factureer-regios"):
            if not mag_factureren:
                raise PermissionDenied
            try:
                _invoice(request, actie, p)
            except DomainError as error:
                if error.status == 403:
                    raise PermissionDenied from error
                messages.error(
                    request,
                    error.message + " " + "; ".join(pr.reason for pr in error.problems),
                )
            return redirect("financiering:beheer")
        else:
            messages.error(request, "Kies wat u wilt vastleggen of factureren.")
            return redirect("financiering:beheer")
    jaren = (
        Regio.objects.values("arrangement", "arrangement__naam", "jaar")
        .order_by("-jaar", "arrangement__naam")
        .distinct()
    )
    return render(
        request,
        "financiering/beheer.html",
        {
            "mag_invoeren": mag_invoeren,
            "mag_factureren": mag_factureren,
            "sleutel_arrangementen": Arrangement.objects.filter(
                soort=Arrangement.Soort.VERDEELSLEUTEL
            ).order_by("naam"),
            "regio_arrangementen": Arrangement.objects.filter(
                soort=Arrangement.Soort.REGIONALE_COMPENSATIE
            ).order_by("naam"),
            "centrum_hulp": "De centrumgemeenten: "
            + ", ".join(
                f"{g.code} ({g.naam})"
                for g in Gemeente.objects.filter(code__in=services.CENTRUMGEMEENTEN).order_by(
                    "naam"
                )
            ),
            "sleutels": list(queries.keys()),
            "regiojaren": list(jaren),
            "v": forms,
        },
        status=status,
    )
