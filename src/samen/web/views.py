"""Public portal pages (thin adapters over the apps' queries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from samen.accounts.permissions import allowed
from samen.api.problems import problem_response
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import exports
from samen.core.clock import today
from samen.core.dates import When, check_date, parse_date
from samen.core.models import Taak
from samen.core.werk import waiting_for
from samen.deelnames.views import gemeente_deelnames
from samen.gemeenten import queries
from samen.gemeenten.models import Gemeente, Inwonertal, Provincie
from samen.web import gemeente_geld
from samen.web.charts import bar_chart


def home(request):
    jaar = today().year
    eerste, laatste = queries.loaded_years()
    aantal, inwoners = queries.totaal_op(laatste) if laatste else (0, 0)
    from samen.portfolio.models import Voorziening

    return render(
        request,
        "samen/home.html",
        {
            "jaar": jaar,
            "laatste_jaar": laatste,
            "aantal_gemeenten": aantal,
            "inwoners": inwoners,
            "voorzieningen": Voorziening.objects.exclude(fase="beeindigd").count(),
        },
    )


def _peildatum(request) -> tuple[dt.date, str | None]:
    raw = request.GET.get("peildatum", "").strip()
    if not raw:
        return today(), None
    value = parse_date(raw)
    if value is None:
        return today(), _("Ongeldige peildatum; gebruik de vorm JJJJ-MM-DD. Vandaag is gebruikt.")
    problems: list = []
    check_date(value, field="peildatum", label=_("De peildatum"), when=When.ANY, problems=problems)
    if problems:
        return today(), problems[0].reason + ". " + _("Vandaag is gebruikt.")
    return value, None


def gemeente_lijst(request):
    peildatum, fout = _peildatum(request)
    zoek = request.GET.get("q", "").strip()[:100]
    provincie = request.GET.get("provincie", "").strip()
    population = Inwonertal.objects.filter(
        gemeente=OuterRef("pk"), jaar__lte=peildatum.year
    ).order_by("-jaar")
    qs = (
        Gemeente.objects.op(peildatum)
        .select_related("provincie")
        .annotate(
            inwoners=Subquery(population.values("aantal")[:1]),
            inwoners_jaar=Subquery(population.values("jaar")[:1]),
        )
        .order_by("naam", "code")
    )
    if zoek:
        qs = qs.filter(Q(naam__icontains=zoek) | Q(code__iexact=zoek))
    if provincie:
        qs = qs.filter(provincie__code=provincie)
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "samen/gemeenten/lijst.html",
        {
            "page": page,
            "peildatum": peildatum,
            "fout": fout,
            "zoek": zoek,
            "provincie": provincie,
            "provincies": Provincie.objects.order_by("naam"),
            "query": query.urlencode(),
        },
    )


def gemeente_detail(request, code: str):
    try:
        gemeente = queries.gemeente_detail(code.upper())
    except Gemeente.DoesNotExist as exc:
        raise Http404 from exc
    inwonertallen = list(gemeente.inwonertallen.all())
    chart = bar_chart([(str(row.jaar), row.aantal) for row in inwonertallen])
    peildatum = today()
    return render(
        request,
        "samen/gemeenten/detail.html",
        {
            "gemeente": gemeente,
            "inwonertallen": inwonertallen,
            "chart": chart,
            "voorgangers": gemeente.overgangen_als_opvolger.all(),
            "opvolgers": gemeente.overgangen_als_voorganger.all(),
            "huidige_opvolgers": (
                []
                if gemeente.bestaat_op(peildatum)
                else queries.opvolgers(gemeente.code, peildatum)
            ),
            "alle_voorgangers": queries.voorgangers(gemeente.code),
            "deelnames": gemeente_deelnames(gemeente),
            **_gemeente_geld(request.user, gemeente),
        },
    )


def _gemeente_geld(user, gemeente: Gemeente) -> dict:
    """The money section: public for everyone, the private part for its own contacts and the
    staff who may see invoices (``gemeente_geld.may_see_private``)."""
    bijdragen = gemeente_geld.contributions(gemeente)
    gefactureerd = gemeente_geld.invoiced(gemeente)
    context = {
        "geld_jaren": gemeente_geld.per_year(bijdragen, gefactureerd),
        "bijdragen": bijdragen,
        "gefactureerd": gefactureerd,
        "prive": gemeente_geld.may_see_private(user, gemeente),
    }
    if context["prive"]:
        rekeningen = gemeente_geld.accounts(gemeente)
        context.update(
            rekeningen=rekeningen,
            open_totaal=sum((r.open for r in rekeningen if r.open > 0), Decimal(0)),
            herinneringen=[h for r in rekeningen for h in r.herinneringen],
            ondersteuning=gemeente_geld.support_requests(gemeente),
            documenten=gemeente_geld.documents_to_read(gemeente),
        )
    return context


def _gemeente_or_404(code: str) -> Gemeente:
    try:
        return Gemeente.objects.get(code=code.upper())
    except Gemeente.DoesNotExist as exc:
        raise Http404 from exc


def gemeente_geld_export(request, code: str, fmt: str):
    """The public money of a municipality: its contributions and what it was invoiced."""
    gemeente = _gemeente_or_404(code)
    headers, rows = gemeente_geld.public_rows(
        gemeente_geld.contributions(gemeente), gemeente_geld.invoiced(gemeente)
    )
    return exports.response(fmt, f"geld-{gemeente.code}", "Geld", headers, rows)


def gemeente_facturen_export(request, code: str, fmt: str):
    """Its invoices with open amounts and reminders: its own contacts and the staff who may
    see invoices (anonymous: sign in; others: 403)."""
    gemeente = _gemeente_or_404(code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not gemeente_geld.may_see_private(request.user, gemeente):
        raise PermissionDenied
    headers, rows = gemeente_geld.private_rows(gemeente_geld.accounts(gemeente))
    record(
        Actie.LEZEN,
        object_type="gemeenten.gemeente",
        object_id=gemeente.code,
        user=request.user,
        toelichting=f"facturen van {gemeente.code} geëxporteerd ({fmt})",
    )
    return exports.response(fmt, f"facturen-{gemeente.code}", "Facturen", headers, rows)


def taak_status(request, uuid):
    if not allowed(request.user, "taken.bekijken"):
        raise Http404
    taak = get_object_or_404(Taak, uuid=uuid)
    return render(request, "samen/taak.html", {"taak": taak})


def toegankelijkheid(request):
    return render(request, "samen/toegankelijkheid.html", {"operator": settings.OPERATOR})


def privacy(request):
    return render(request, "samen/privacy.html", {"operator": settings.OPERATOR})


def contact(request):
    return render(request, "samen/contact.html", {"operator": settings.OPERATOR})


def security_txt(request):
    """RFC 9116: who to tell about a vulnerability, until when this file is valid."""
    lines = [f"Contact: {settings.SECURITY_TXT['contact']}"]
    lines.append(f"Expires: {settings.SECURITY_TXT['expires']}")
    if settings.SECURITY_TXT["policy"]:
        lines.append(f"Policy: {settings.SECURITY_TXT['policy']}")
    lines.append("Preferred-Languages: nl, en")
    lines.append(f"Canonical: {request.build_absolute_uri('/.well-known/security.txt')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def mijn_werk(request):
    """The start page of a signed-in user: what waits for them, per kind, with counts and links
    (the registry in ``core.werk``: one query per kind), and the sections of their role."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from samen.web.context_processors import work_sections

    wachtend = waiting_for(request.user)
    return render(
        request,
        "samen/mijn_werk.html",
        {
            "wachtend": wachtend,
            "totaal": sum(w.aantal for w in wachtend),
            "secties": work_sections(request.user)[1:],
        },
    )


def _error(request, status: int, title: str, exception=None):
    if request.path.startswith("/api/"):
        detail = {
            400: "Het verzoek is ongeldig.",
            403: "U heeft geen toegang tot deze bron.",
            404: "Deze bron bestaat niet.",
            500: "Er ging iets mis aan onze kant.",
        }[status]
        return problem_response(request, status, detail)
    return render(request, "samen/fout.html", {"status": status, "titel": title}, status=status)


def error_400(request, exception=None):
    return _error(request, 400, _("Ongeldig verzoek"))


def error_403(request, exception=None):
    return _error(request, 403, _("Geen toegang"))


def error_404(request, exception=None):
    return _error(request, 404, _("Pagina niet gevonden"))


def error_500(request):
    return _error(request, 500, _("Er ging iets mis"))
