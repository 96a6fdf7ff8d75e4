"""Pages of the portfolio: catalogue, factsheet, my municipality, ranking, roadmap, and the
forms of the programme office and the Task Force (thin adapters over services and queries)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samen.accounts.decorators import requires
from samen.accounts.permissions import allowed
from samen.core import exports
from samen.core.clock import today
from samen.core.dates import nl_date
from samen.core.errors import DomainError
from samen.portfolio import queries, services
from samen.portfolio.charts import portfolio_plot, roadmap_timeline
from samen.portfolio.forms import (
    CatalogusFilter,
    FactsheetForm,
    FaseForm,
    GemeenteKeuze,
    MijlpaalForm,
    ScoreForm,
    TerugdraaiForm,
    VoorzieningForm,
    WegingForm,
    apply_problems,
    shown_amount,
    shown_number,
)
from samen.portfolio.models import (
    Criterium,
    Domein,
    RoutekaartVersie,
    Score,
    Spoor,
    Voorziening,
    WegingVersie,
)


def _voorziening(uuid) -> Voorziening:
    try:
        return queries.voorziening_detail(uuid)
    except Voorziening.DoesNotExist as exc:
        raise Http404 from exc


# --- catalogue ---------------------------------------------------------------------------------

CATALOGUE_HEADERS = [
    "uuid",
    "naam",
    "korte_omschrijving",
    "fase",
    "spoor",
    "domein",
    "soort",
    "gebruikers",
    "ontwikkelaars",
    "beheerorganisatie",
    "startdatum",
]


def _catalogue(request):
    form = CatalogusFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.catalogue(
        fase=filters.get("fase") or None,
        spoor=int(filters["spoor"]) if filters.get("spoor") else None,
        domein=filters.get("domein") or None,
        organisatie=filters.get("organisatie") or None,
        zoek=filters.get("zoek") or None,
    )
    return form, qs


def catalogus(request):
    form, qs = _catalogue(request)
    page = Paginator(qs, 25).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "portfolio/catalogus.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "mag_beheren": allowed(request.user, "portfolio.beheren"),
        },
    )


def catalogus_export(request, fmt: str):
    _, qs = _catalogue(request)
    rows = (
        [
            str(v.uuid),
            v.naam,
            v.korte_omschrijving,
            v.get_fase_display(),
            v.spoor,
            v.get_domein_display(),
            v.get_soort_display(),
            v.get_gebruikers_display(),
            ", ".join(str(o) for o in v.ontwikkelaars.all()),
            str(v.beheerorganisatie or ""),
            v.startdatum,
        ]
        for v in qs
    )
    return exports.response(fmt, "voorzieningen", "Voorzieningen", CATALOGUE_HEADERS, rows)


def detail(request, uuid):
    voorziening = _voorziening(uuid)
    weging = queries.current_weging()
    scores = {}
    if weging is not None:
        scores = queries.scores_in_force(weging.gepubliceerd_op).get(voorziening.pk, {})
    criteria = list(Criterium.objects.order_by("volgorde", "code"))
    case = getattr(voorziening, "businesscase", None)
    landelijk = None
    if case is not None:
        from samen.portfolio import businesscase

        landelijk = businesscase.benefit(
            case.volume_per_jaar,
            case.tijdwinst_uren_min,
            case.tijdwinst_uren_max,
            case.uurtarief,
            case.kosten_per_jaar,
        )
    return render(
        request,
        "portfolio/detail.html",
        {
            "v": voorziening,
            "fs": voorziening.factsheet,
            "case": case,
            "landelijk": landelijk,
            "weging": weging,
            "criteria_scores": [(c, scores.get(c.code)) for c in criteria],
            "gemeente_form": GemeenteKeuze(),
            "mag_beheren": allowed(request.user, "portfolio.beheren"),
            "kan_terugdraaien": bool(
                getattr(queries.last_phase_change(voorziening), "van_fase", "")
            ),
            "mag_scoren": allowed(request.user, "portfolio.scoren"),
            "mag_verzoeken": allowed(request.user, "besluiten.verzoeken"),
        },
    )


def mijn_gemeente(request, uuid):
    voorziening = _voorziening(uuid)
    form = GemeenteKeuze(request.GET or None)
    impact = deelname = None
    if form.is_valid():
        from samen.deelnames.services import current

        gemeente = form.cleaned_data["gemeente"]
        impact = queries.gemeente_impact(voorziening, gemeente, today().year)
        deelname = current(gemeente, voorziening)
    from samen.besluiten.queries import in_force

    return render(
        request,
        "portfolio/gemeente.html",
        {
            "v": voorziening,
            "fs": voorziening.factsheet,
            "form": form,
            "impact": impact,
            "besluit": in_force(voorziening),
            "deelname": deelname,
        },
    )


# --- programme office ---------------------------------------------------------------------------


@requires("portfolio.beheren")
def nieuw(request):
    form = VoorzieningForm(request.POST or None, initial={"startdatum": today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        factsheet = {
            "wat_is_het": data.pop("wat_is_het"),
            "wat_kun_je_ermee": data.pop("wat_kun_je_ermee"),
        }
        fase = data.pop("fase")
        try:
            v = services.create_voorziening(data, factsheet, user=request.user, fase=fase)
        except DomainError as error:
            apply_problems(form, error)
        else:
            messages.success(request, _("De voorziening is geregistreerd."))
            return redirect("portfolio:detail", uuid=v.uuid)
    return render(request, "portfolio/form.html", {"form": form, "titel": _("Nieuwe voorziening")})


@requires("portfolio.beheren")
def bewerken(request, uuid):
    """The programme office edits the description and the factsheet (one service call)."""
    voorziening = _voorziening(uuid)
    sheet = voorziening.factsheet
    initial = {
        name: getattr(voorziening, name)
        for name in ("naam", "korte_omschrijving", "spoor", "domein", "soort", "gebruikers")
    }
    initial["startdatum"] = voorziening.startdatum
    fs_initial = {}
    for f in sheet._meta.concrete_fields:
        value = getattr(sheet, f.name)
        if f.get_internal_type() == "DecimalField":
            value = shown_amount(value) if f.name in services.MONEY_FIELDS else shown_number(value)
        fs_initial[f.name] = value
    form = VoorzieningForm(request.POST or None, initial=initial)
    del form.fields["fase"], form.fields["wat_is_het"], form.fields["wat_kun_je_ermee"]
    sheet_form = FactsheetForm(request.POST or None, initial=fs_initial, prefix="fs")
    if request.method == "POST" and form.is_valid() and sheet_form.is_valid():
        try:
            services.update_voorziening(
                voorziening, form.cleaned_data, sheet_form.cleaned_data, user=request.user
            )
        except DomainError as error:
            for problem in error.problems:
                name = problem.name.split(".")[-1]
                target = sheet_form if problem.name.startswith("factsheet.") else form
                target.add_error(name if name in target.fields else None, problem.reason)
        else:
            messages.success(request, _("De voorziening is bijgewerkt."))
            return redirect("portfolio:detail", uuid=voorziening.uuid)
    return render(
        request,
        "portfolio/bewerken.html",
        {"form": form, "sheet_form": sheet_form, "v": voorziening},
    )


@requires("portfolio.beheren")
def fase(request, uuid):
    voorziening = _voorziening(uuid)
    form = FaseForm(request.POST or None, initial={"datum": today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.change_phase(
                voorziening,
                d["naar_fase"],
                d["datum"],
                user=request.user,
                reden=d["reden"],
                besluit_referentie=d["besluit_referentie"],
            )
        except DomainError as error:
            apply_problems(form, error, {"fase": "naar_fase"})
        else:
            messages.success(request, _("De fase is gewijzigd."))
            return redirect("portfolio:detail", uuid=voorziening.uuid)
    return render(
        request,
        "portfolio/form.html",
        {
            "form": form,
            "titel": _("Fase wijzigen: %(naam)s") % {"naam": voorziening.naam},
            "laatste": queries.last_phase_change(voorziening),
            "v": voorziening,
        },
    )


@requires("portfolio.beheren")
def fase_terugdraaien(request, uuid):
    """Revert the last phase change with a reason: the page shows what will be reverted and
    which phase is current again; the reverted row stays in the history."""
    voorziening = _voorziening(uuid)
    laatste = queries.last_phase_change(voorziening)
    if laatste is not None and not laatste.van_fase:
        laatste = None  # the registration itself is not reverted
    form = TerugdraaiForm(
        request.POST or None, initial={"wijziging": laatste.uuid if laatste else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            revert = services.revert_phase(
                voorziening,
                form.cleaned_data["wijziging"],
                form.cleaned_data["reden"],
                user=request.user,
            )
        except DomainError as error:
            if error.status == 409:
                messages.warning(request, error.message)
                return redirect(reverse("portfolio:detail", args=[voorziening.uuid]) + "#fasen")
            apply_problems(form, error, {"fasewijziging": "wijziging"})
            if "wijziging" in form.errors:
                form.add_error(None, form.errors.pop("wijziging"))
        else:
            messages.success(
                request,
                _(
                    "De fasewijziging van %(datum)s naar %(naar)s is teruggedraaid; "
                    "de fase is weer %(fase)s."
                )
                % {
                    "datum": nl_date(revert.draait_terug.datum),
                    "naar": revert.draait_terug.get_naar_fase_display(),
                    "fase": revert.get_naar_fase_display(),
                },
            )
            return redirect(reverse("portfolio:detail", args=[voorziening.uuid]) + "#fasen")
    return render(
        request,
        "portfolio/fase_terugdraaien.html",
        {"form": form, "v": voorziening, "laatste": laatste},
    )


# --- duidingsmethodiek -----------------------------------------------------------------------


@requires("portfolio.scoren")
def scoren(request, uuid):
    voorziening = _voorziening(uuid)
    criteria = list(Criterium.objects.order_by("volgorde", "code"))
    current = queries.scores_in_force().get(voorziening.pk, {})
    form = ScoreForm(request.POST or None, criteria=criteria, current=current)
    if request.method == "POST" and form.is_valid():
        changed = []  # filled in and not the score in force already
        for c in criteria:
            waarde = (form.cleaned_data.get(f"waarde_{c.code}") or "").strip()
            onderbouwing = form.cleaned_data.get(f"onderbouwing_{c.code}") or ""
            previous = current.get(c.code)
            if not waarde:
                continue
            if (
                previous
                and shown_number(previous.waarde) == waarde
                and previous.onderbouwing == onderbouwing
            ):
                continue
            changed.append((c, waarde, onderbouwing))
        try:  # all the form's scores, or none (one transaction)
            saved = services.give_scores(voorziening, changed, user=request.user)
        except DomainError as error:
            for problem in error.problems:
                field = problem.name if problem.name in form.fields else None
                form.add_error(field, problem.reason)
        else:
            messages.success(request, _("%(n)d score(s) opgeslagen.") % {"n": len(saved)})
            return redirect("portfolio:detail", uuid=voorziening.uuid)
    return render(
        request,
        "portfolio/form.html",
        {"form": form, "titel": _("Scoren: %(naam)s") % {"naam": voorziening.naam}},
    )


def _weging_from_request(request) -> WegingVersie | None:
    raw = request.GET.get("weging")
    qs = WegingVersie.objects.all()
    if not allowed(request.user, "portfolio.wegen"):
        qs = qs.filter(status=WegingVersie.Status.GEPUBLICEERD)
    if raw:
        try:
            return qs.get(uuid=raw)
        except (WegingVersie.DoesNotExist, ValueError, forms.ValidationError) as exc:
            raise Http404 from exc
    return queries.current_weging()


def _marge(request) -> Decimal:
    """The margin in whole percent (0–99), ASCII digits; anything else is the default 10
    (a decimal like 1e-999999 made the sensitivity compute with a denominator of a million
    digits)."""
    raw = request.GET.get("marge") or ""
    percent = min(int(raw), 99) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 10
    return Decimal(percent) / 100


def prioritering(request):
    weging = _weging_from_request(request)
    ranking = queries.ranking_for(weging, _marge(request)) if weging else None
    criteria = list(Criterium.objects.order_by("volgorde", "code"))
    codes = [c.code for c in criteria]
    x = request.GET.get("x") if request.GET.get("x") in codes else (codes[0] if codes else None)
    y = (
        request.GET.get("y")
        if request.GET.get("y") in codes
        else (codes[1] if len(codes) > 1 else x)
    )
    plot = portfolio_plot(ranking, x, y, criteria) if ranking and x else None
    versies = WegingVersie.objects.order_by("-nummer")
    if not allowed(request.user, "portfolio.wegen"):
        versies = versies.filter(status=WegingVersie.Status.GEPUBLICEERD)
    return render(
        request,
        "portfolio/prioritering.html",
        {
            "weging": weging,
            "ranking": ranking,
            "criteria": criteria,
            "versies": versies,
            "x": x,
            "y": y,
            "plot": plot,
            "marge_procent": int(_marge(request) * 100),
            "mag_wegen": allowed(request.user, "portfolio.wegen"),
        },
    )


def prioritering_export(request, fmt: str):
    weging = _weging_from_request(request)
    if weging is None:
        raise Http404
    ranking = queries.ranking_for(weging, _marge(request))
    codes = [c.code for c in ranking.criteria]
    headers = ["rang", "gelijk", "voorziening", "uuid", "totaal", *codes, "beste", "slechtste"]
    rows = (
        [
            row.rang,
            "ja" if row.gelijk_met else "",
            row.voorziening.naam,
            str(row.voorziening.uuid),
            row.totaal_decimal,
            *[row.scores[c].waarde for c in codes],
            row.beste,
            row.slechtste,
        ]
        for row in ranking.rows
    )
    return exports.response(fmt, f"ranglijst-weging-{weging.nummer}", "Ranglijst", headers, rows)


@requires("portfolio.wegen")
def weging_nieuw(request):
    criteria = list(Criterium.objects.order_by("volgorde", "code"))
    current = queries.current_weging()
    initial_weights = (
        {g.criterium.code: g.gewicht for g in current.gewichten.select_related("criterium")}
        if current
        else {}
    )
    form = WegingForm(request.POST or None, criteria=criteria, initial_weights=initial_weights)
    if request.method == "POST" and form.is_valid():
        try:
            versie = services.create_weging(
                form.cleaned_data["naam"],
                form.weights(),
                user=request.user,
                toelichting=form.cleaned_data["toelichting"],
            )
        except DomainError as error:
            for problem in error.problems:
                name = problem.name.split(".")[-1]
                field = f"gewicht_{name}"
                form.add_error(field if field in form.fields else None, problem.reason)
        else:
            messages.success(request, _("Concept-weging %(n)d opgeslagen.") % {"n": versie.nummer})
            return redirect(reverse("portfolio:prioritering") + f"?weging={versie.uuid}")
    return render(request, "portfolio/form.html", {"form": form, "titel": _("Nieuwe weging")})


#: How many rows of the resulting ranking the confirmation step shows.
TOP = 5


def _score_peil() -> int:
    """The newest score: the ranking shown on the confirmation step is the one published only
    if no score was given in between."""
    return Score.objects.order_by("-id").values_list("id", flat=True).first() or 0


@requires("portfolio.wegen")
def weging_publiceren(request, uuid):
    """Two steps, no JavaScript: GET (or a POST without confirmation) shows what publishing
    does (criteria and weights, how many voorzieningen are ranked, the top of the ranking);
    the confirmed POST publishes. A second identical submit changes nothing and says so."""
    versie = get_object_or_404(WegingVersie, uuid=uuid)
    back = reverse("portfolio:prioritering") + f"?weging={versie.uuid}"
    peil = _score_peil()
    gewijzigd = False
    if request.method == "POST" and (
        request.POST.get("bevestigen") == "ja" or versie.status != WegingVersie.Status.CONCEPT
    ):
        if versie.status == WegingVersie.Status.CONCEPT and request.POST.get("peil") != str(peil):
            gewijzigd = True  # scores changed since the page was shown: show it again
        else:
            try:
                services.publish_weging(versie, user=request.user)
            except DomainError as error:
                (messages.warning if error.status == 409 else messages.error)(
                    request, error.message
                )
            else:
                messages.success(request, _("Weging %(n)d is gepubliceerd.") % {"n": versie.nummer})
            return redirect(back)
    ranking = queries.ranking_for(versie)
    return render(
        request,
        "portfolio/weging_publiceren.html",
        {
            "versie": versie,
            "ranking": ranking,
            "top": ranking.rows[:TOP],
            "peil": peil,
            "gewijzigd": gewijzigd,
            "terug": back,
        },
    )


# --- routekaart --------------------------------------------------------------------------------


def _routekaart_versies(request):
    qs = RoutekaartVersie.objects.order_by("-nummer")
    if not allowed(request.user, "portfolio.routekaart"):
        qs = qs.filter(status=RoutekaartVersie.Status.GEPUBLICEERD)
    return qs


def routekaart(request):
    versies = list(_routekaart_versies(request))
    versie = None
    raw = request.GET.get("versie")
    if raw:
        versie = next((v for v in versies if str(v.uuid) == raw), None)
        if versie is None:
            raise Http404
    else:
        versie = queries.current_routekaart()
    domein = request.GET.get("domein") if request.GET.get("domein") in Domein.values else None
    spoor = request.GET.get("spoor") if request.GET.get("spoor") in ("1", "2") else None
    items = list(queries.mijlpalen(versie, domein, int(spoor) if spoor else None)) if versie else []
    # Prioritised by the ranking: voorzieningen in rank order under the roadmap's weighting
    # (or the current published one); unranked ones last, by name.
    positions = queries.rank_positions(
        (versie.weging if versie else None) or queries.current_weging()
    )
    items.sort(
        key=lambda m: (
            positions.get(m.voorziening_id, 10**9),
            m.voorziening.naam,
            m.jaar,
            m.kwartaal,
        )
    )
    return render(
        request,
        "portfolio/routekaart.html",
        {
            "versie": versie,
            "versies": versies,
            "mijlpalen": items,
            "timeline": roadmap_timeline(items),
            "domein": domein or "",
            "spoor": spoor or "",
            "domeinen": Domein.choices,
            "sporen": Spoor.choices,
            "mag_bewerken": allowed(request.user, "portfolio.routekaart"),
        },
    )


def routekaart_vergelijken(request):
    versies = {str(v.uuid): v for v in _routekaart_versies(request)}
    a, b = versies.get(request.GET.get("a", "")), versies.get(request.GET.get("b", ""))
    verschillen = queries.compare_routekaarten(a, b) if a and b else None
    fout = None
    if (request.GET.get("a") or request.GET.get("b")) and not (a and b):
        fout = _("Kies twee bestaande versies.")
    return render(
        request,
        "portfolio/routekaart_vergelijken.html",
        {
            "versies": list(versies.values()),
            "a": a,
            "b": b,
            "verschillen": verschillen,
            "gewijzigd": [v for v in verschillen or [] if v.soort != "gelijk"],
            "fout": fout,
        },
    )


@requires("portfolio.routekaart")
def routekaart_nieuw(request):
    """A new version, starting from the current one: move, drop or add milestones."""
    basis = queries.current_routekaart()
    voorzieningen = list(Voorziening.objects.order_by("naam"))
    choices = [("", "—")] + [(str(v.uuid), v.naam) for v in voorzieningen]
    existing = list(queries.mijlpalen(basis)) if basis else []
    initial = [
        {
            "voorziening": str(m.voorziening.uuid),
            "omschrijving": m.omschrijving,
            "jaar": m.jaar,
            "kwartaal": m.kwartaal,
            "naar_fase": m.naar_fase,
        }
        for m in existing
    ]
    formset_class = forms.formset_factory(MijlpaalForm, extra=3)
    naam_form = forms.Form(request.POST or None)
    naam_form.fields["naam"] = forms.CharField(label=_("Naam van de versie"), max_length=200)
    naam_form.fields["toelichting"] = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    formset = formset_class(request.POST or None, initial=initial, prefix="m")
    for f in formset.forms:
        f.fields["voorziening"].choices = choices
    if request.method == "POST" and naam_form.is_valid() and formset.is_valid():
        items = [
            {
                "voorziening": f.cleaned_data["voorziening"],
                "omschrijving": f.cleaned_data["omschrijving"],
                "jaar": f.cleaned_data["jaar"],
                "kwartaal": f.cleaned_data["kwartaal"],
                "naar_fase": f.cleaned_data["naar_fase"],
            }
            for f in formset.forms
            if f.cleaned_data
            and f.cleaned_data.get("voorziening")
            and not f.cleaned_data.get("vervalt")
        ]
        try:
            versie = services.create_routekaart(
                naam_form.cleaned_data["naam"],
                items,
                user=request.user,
                toelichting=naam_form.cleaned_data["toelichting"],
            )
        except DomainError as error:
            for problem in error.problems:
                naam_form.add_error(None, f"{problem.name}: {problem.reason}")
        else:
            messages.success(request, _("Concept-versie %(n)d opgeslagen.") % {"n": versie.nummer})
            return redirect(reverse("portfolio:routekaart") + f"?versie={versie.uuid}")
    return render(
        request,
        "portfolio/routekaart_form.html",
        {"naam_form": naam_form, "formset": formset, "basis": basis},
    )


@requires("portfolio.routekaart")
def routekaart_publiceren(request, uuid):
    """Two steps, like publishing a weighting: first what changes against the roadmap in force
    (milestones added, moved, dropped), then the confirmed POST publishes; a second identical
    submit changes nothing and says so."""
    versie = get_object_or_404(RoutekaartVersie, uuid=uuid)
    back = reverse("portfolio:routekaart") + f"?versie={versie.uuid}"
    if request.method == "POST" and (
        request.POST.get("bevestigen") == "ja" or versie.status != RoutekaartVersie.Status.CONCEPT
    ):
        try:
            services.publish_routekaart(versie, user=request.user)
        except DomainError as error:
            (messages.warning if error.status == 409 else messages.error)(request, error.message)
        else:
            messages.success(request, _("Versie %(n)d is gepubliceerd.") % {"n": versie.nummer})
        return redirect(back)
    huidige = queries.current_routekaart()
    verschillen = (
        [v for v in queries.compare_routekaarten(huidige, versie) if v.soort != "gelijk"]
        if huidige and huidige.pk != versie.pk
        else None
    )
    return render(
        request,
        "portfolio/routekaart_publiceren.html",
        {
            "versie": versie,
            "huidige": huidige,
            "verschillen": verschillen,
            "aantal": versie.mijlpalen.count(),
            "terug": back,
        },
    )
