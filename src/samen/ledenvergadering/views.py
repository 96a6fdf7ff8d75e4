"""Pages: the members' meetings (public: agenda, weights and, after publication, the results
with a chart, its table and the per-municipality list as CSV/XLSX); one POST endpoint for the
signed-in steps (the office prepares, closes and publishes; the secretary designates the voter;
the voter casts or changes the ballot; a contact files or co-signs an amendment)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts.decorators import requires
from samen.accounts.models import Gebruiker, Rol
from samen.accounts.permissions import allowed
from samen.core import exports
from samen.core.errors import DomainError
from samen.ledenvergadering import queries, services
from samen.ledenvergadering.models import Amendement, Ledenvergadering, Voorstel

BAR_WIDTH = 300


def _meeting(request, uuid) -> Ledenvergadering:
    return get_object_or_404(queries.meetings_for(request.user), uuid=uuid)


def overzicht(request):
    return render(
        request,
        "ledenvergadering/overzicht.html",
        {"vergaderingen": queries.meetings_for(request.user)},
    )


def _bars(uitslag: dict) -> list[dict]:
    totaal = max(uitslag.get("uitgebracht_gewicht") or 0, 1)
    return [
        {
            "optie": o,
            "stemmen": uitslag["totalen"][o],
            "procent": uitslag["percentages"][o],
            "breedte": round(BAR_WIDTH * uitslag["totalen"][o] / totaal),
            "y": 8 + 28 * i,
        }
        for i, o in enumerate(uitslag["opties"])
    ]


def detail(request, uuid):
    v = _meeting(request, uuid)
    zichtbaar = queries.results_visible(v, request.user)
    agenda = queries.agenda(v)
    eigen = {}
    voter = queries.voter_of(v, request.user)
    if voter is not None:
        eigen = {
            (s.voorstel_id, s.amendement_id): s.keuze for s in queries.own_ballots(request.user, v)
        }
    for item in agenda:
        item.regel_tekst = f"{item.meerderheid:.4f}".rstrip("0")
        item.grafiek = _bars(item.uitslag) if zichtbaar and item.uitslag else []
        item.mijn_keuze = eigen.get((item.pk, None), "")
        for a in item.amendementen.all():
            a.toegelaten = queries.admitted(a)
            a.mijn_keuze = eigen.get((item.pk, a.pk), "")
            a.grafiek = _bars(a.uitslag) if zichtbaar and a.uitslag else []
    gewichten = queries.weights(v)
    if zichtbaar:
        for w in gewichten:
            code = w.gemeente.code
            w.keuzes = ", ".join(
                f"{item.code}: {(item.uitslag or {}).get('per_gemeente', {}).get(code, '-')}"
                for item in agenda
            )
    user = request.user
    contacts = []
    if getattr(user, "gemeentesecretaris", False) and user.gemeente_id:
        contacts = Gebruiker.objects.filter(
            rol=Rol.GEMEENTE, gemeente_id=user.gemeente_id, is_active=True
        ).order_by("username")
    return render(
        request,
        "ledenvergadering/detail.html",
        {
            "v": v,
            "agenda": agenda,
            "zichtbaar": zichtbaar,
            "gewichten": gewichten,
            "stemmer": voter,
            "beheer": allowed(user, "ledenvergadering.beheren"),
            "contact": getattr(user, "rol", None) == Rol.GEMEENTE and v.status == v.Status.AGENDA,
            "contacten": contacts,
            "bar_width": BAR_WIDTH,
        },
    )


def export(request, uuid, fmt: str):
    v = _meeting(request, uuid)
    if not v.uitslag_openbaar or fmt not in ("csv", "xlsx"):
        raise Http404
    headers = ["agendapunt", "gemeentecode", "gemeente", "stemmen", "keuze"]
    rows = (
        [r["agendapunt"], r["gemeente_code"], r["gemeente"], r["stemmen"], r["keuze"]]
        for r in queries.per_gemeente(v)
    )
    return exports.response(fmt, "uitslag-ledenvergadering", "Uitslag", headers, rows)


@require_POST
@requires(
    any_of=("ledenvergadering.beheren", "ledenvergadering.stemmen.eigen"),
    obj=lambda request, **kw: getattr(request.user, "gemeente", None),
)
def actie(request, uuid):
    v = _meeting(request, uuid)
    user = request.user
    step = request.POST.get("actie", "")
    try:
        if step in ("agenda", "sluiten", "uitslag"):
            if not allowed(user, "ledenvergadering.beheren"):
                raise PermissionDenied
            {
                "agenda": services.publish_agenda,
                "sluiten": services.close,
                "uitslag": services.publish_results,
            }[step](v, user=user)
            messages.success(request, _("Opgeslagen."))
        elif step in ("stem", "aanwijzen", "amendement", "medeondertekenen"):
            if not allowed(user, "ledenvergadering.stemmen.eigen", user.gemeente):
                raise PermissionDenied
            voorstel = (
                get_object_or_404(
                    Voorstel, vergadering=v, uuid=request.POST.get("voorstel") or None
                )
                if step != "aanwijzen"
                else None
            )
            if step == "stem":
                amendement = None
                if request.POST.get("amendement"):
                    amendement = get_object_or_404(
                        Amendement, voorstel=voorstel, uuid=request.POST["amendement"]
                    )
                services.cast(voorstel, request.POST.get("keuze", ""), user, amendement=amendement)
                messages.success(
                    request, _("Uw stem is vastgelegd; u kunt hem tot de sluiting wijzigen.")
                )
            elif step == "aanwijzen":
                gebruiker = get_object_or_404(
                    Gebruiker,
                    username=request.POST.get("gebruiker", ""),
                    gemeente_id=user.gemeente_id,
                )
                services.designate(v, gebruiker, user=user)
                messages.success(request, _("De stemgerechtigde is aangewezen."))
            elif step == "amendement":
                services.file_amendment(
                    voorstel,
                    request.POST.get("tekst", ""),
                    request.POST.get("per_inwoner") or None,
                    user=user,
                )
                messages.success(request, _("Het amendement is ingediend."))
            else:
                a = get_object_or_404(
                    Amendement, voorstel=voorstel, uuid=request.POST.get("amendement") or None
                )
                services.cosign(a, user=user)
                messages.success(request, _("Het amendement is medeondertekend."))
        else:
            return HttpResponseBadRequest(_("Onbekende stap."))
    except DomainError as error:
        messages.error(request, error.message + " " + "; ".join(p.reason for p in error.problems))
    return redirect("ledenvergadering:detail", uuid=v.uuid)
