"""Pages: the members' meetings (public: agenda, weights, the vote-weight tables and, after
publication, the results with a chart, its table and the per-municipality list as CSV/XLSX);
the programme office's forms (a new meeting, a proposal on a concept agenda, a year's weight
table); one POST endpoint for the other signed-in steps (the office publishes, closes and
publishes the result; the secretary designates the voter; the voter casts or changes the ballot;
a contact files or co-signs an amendment).

The office's forms show every problem next to its field and keep what was typed; nothing is
stored unless everything is valid (the service checks again and its problems land on the same
fields)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from samen.accounts.decorators import requires, signed_in_or_login
from samen.accounts.models import Gebruiker, Rol
from samen.accounts.permissions import allowed
from samen.core import clock, exports
from samen.core.dates import LATEST, When, check_date
from samen.core.errors import DomainError, Problem
from samen.core.money import MoneyError, parse_amount
from samen.ledenvergadering import queries, services
from samen.ledenvergadering.models import (
    Amendement,
    Ledenvergadering,
    Stemgewichttabel,
    Voorstel,
)

BAR_WIDTH = 300


def _meeting(request, uuid) -> Ledenvergadering:
    return get_object_or_404(queries.meetings_for(request.user), uuid=uuid)


def overzicht(request):
    return render(
        request,
        "ledenvergadering/overzicht.html",
        {
            "vergaderingen": queries.meetings_for(request.user),
            "beheer": allowed(request.user, "ledenvergadering.beheren"),
        },
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
    return render(request, "ledenvergadering/detail.html", _detail_context(request, v))


def _detail_context(request, v: Ledenvergadering, voorstel_form=None) -> dict:
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
    beheer = allowed(user, "ledenvergadering.beheren")
    if beheer and v.status == v.Status.CONCEPT and voorstel_form is None:
        voorstel_form = VoorstelForm(v)
    return {
        "v": v,
        "agenda": agenda,
        "zichtbaar": zichtbaar,
        "gewichten": gewichten,
        "stemmer": voter,
        "beheer": beheer,
        "contact": getattr(user, "rol", None) == Rol.GEMEENTE and v.status == v.Status.AGENDA,
        "contacten": contacts,
        "bar_width": BAR_WIDTH,
        "voorstel_form": voorstel_form if beheer and v.status == v.Status.CONCEPT else None,
    }


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


# ---------------------------------------------------------------- the programme office's forms

#: How far ahead the office plans a meeting or a deadline.
PLAN_YEARS = 5
#: Rows of the weight-table form (blank rows are ignored).
KLASSE_ROWS = 10
DATETIME = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
TEXT = forms.Textarea(attrs={"rows": 4})


def _field_errors(form: forms.Form, error: DomainError, names: dict[str, str] | None = None):
    """The service's problems next to the fields they name (others above the form)."""
    for problem in error.problems:
        name = (names or {}).get(problem.name, problem.name)
        form.add_error(name if name in form.fields else None, problem.reason)
    if not error.problems:
        form.add_error(None, error.message)


def _latest_planned() -> dt.date:
    today = clock.today()
    try:
        ahead = today.replace(year=today.year + PLAN_YEARS)
    except ValueError:  # 29 February
        ahead = today.replace(year=today.year + PLAN_YEARS, day=28)
    return min(ahead, LATEST)


class MeetingForm(forms.Form):
    soort = forms.ChoiceField(label=gettext_lazy("Soort"), choices=Ledenvergadering.Soort.choices)
    titel = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    datum = forms.DateField(
        label=gettext_lazy("Datum van de vergadering"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("Bij een ledenraadpleging: de dag waarop zij sluit."),
    )
    amendementen_tot = forms.DateTimeField(
        label=gettext_lazy("Amendementen indienen tot"),
        widget=DATETIME,
        required=False,
        help_text=gettext_lazy("Leeg: geen amendementen. Niet na de sluiting van de stemming."),
    )
    stemmen_tot = forms.DateTimeField(label=gettext_lazy("Stemmen kan tot"), widget=DATETIME)
    min_medeondertekenaars = forms.IntegerField(
        label=gettext_lazy("Minimum aantal medeondertekenaars van een amendement"),
        min_value=0,
        max_value=999,
        initial=1,
    )

    def clean(self):
        data = super().clean()
        problems: list[Problem] = []
        latest = _latest_planned()
        check_date(
            data.get("datum"),
            field="datum",
            label=_("De datum"),
            when=When.PLANNED,
            latest=latest,
            problems=problems,
        )
        now = clock.now()
        for name, label in (
            ("amendementen_tot", _("De termijn voor amendementen")),
            ("stemmen_tot", _("De sluiting van de stemming")),
        ):
            value = data.get(name)
            if value is None:
                continue
            if value <= now:
                problems.append(Problem(name, _("%(wat)s ligt in het verleden") % {"wat": label}))
            else:
                check_date(
                    value,
                    field=name,
                    label=label,
                    when=When.PLANNED,
                    latest=latest,
                    problems=problems,
                )
        a, s = data.get("amendementen_tot"), data.get("stemmen_tot")
        if a and s and a > s:
            problems.append(Problem("amendementen_tot", _("ligt na de sluiting van de stemming")))
        for p in problems:
            if p.name not in self.errors:
                self.add_error(p.name, p.reason)
        return data


@require_http_methods(["GET", "HEAD", "POST"])
@requires("ledenvergadering.beheren")
def nieuw(request):
    """A new meeting (concept: the office adds the proposals, then publishes the agenda)."""
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = services.create_meeting(
                d["soort"],
                d["titel"],
                d["datum"],
                d["stemmen_tot"],
                amendementen_tot=d["amendementen_tot"],
                min_medeondertekenaars=d["min_medeondertekenaars"],
                user=request.user,
            )
        except DomainError as error:
            _field_errors(form, error)
        else:
            messages.success(
                request,
                _("De vergadering is aangemaakt, in voorbereiding: voeg de voorstellen toe."),
            )
            return redirect("ledenvergadering:detail", uuid=v.uuid)
    return render(request, "ledenvergadering/nieuw.html", {"form": form})


class VoorstelForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Agendapunt"),
        max_length=10,
        help_text=gettext_lazy("Bijvoorbeeld A, B of 3a; uniek binnen de vergadering."),
    )
    soort = forms.ChoiceField(label=gettext_lazy("Soort"), choices=Voorstel.Soort.choices)
    titel = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    tekst = forms.CharField(label=gettext_lazy("Tekst"), widget=TEXT, required=False)
    documenten = forms.CharField(
        label=gettext_lazy("Documenten (één link per regel)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    opties = forms.CharField(
        label=gettext_lazy("Keuzes (één per regel)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=gettext_lazy("Leeg: voor, tegen, onthouding."),
    )
    fonds = forms.ModelChoiceField(
        label=gettext_lazy("Fonds (bij een fondsvoorstel)"),
        queryset=None,
        to_field_name="uuid",
        required=False,
    )
    jaar = forms.IntegerField(
        label=gettext_lazy("Jaar van de bijdrage (bij een fondsvoorstel)"),
        min_value=2000,
        max_value=2050,
        required=False,
    )
    per_inwoner = forms.CharField(
        label=gettext_lazy("Bijdrage per inwoner in euro (bij een fondsvoorstel)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    arrangement = forms.ModelChoiceField(
        label=gettext_lazy("Arrangement (bij een verlenging)"),
        queryset=None,
        to_field_name="uuid",
        required=False,
    )
    nieuw_laatste_jaar = forms.IntegerField(
        label=gettext_lazy("Nieuw laatste jaar (bij een verlenging)"),
        min_value=2000,
        max_value=2070,
        required=False,
    )
    bekrachtigt = forms.ModelChoiceField(
        label=gettext_lazy("Bekrachtigt de ledenraadpleging"),
        queryset=None,
        to_field_name="uuid",
        required=False,
        help_text=gettext_lazy("Bij een (B)ALV: een gesloten schriftelijke ledenraadpleging."),
    )

    def __init__(self, vergadering: Ledenvergadering, *args, **kwargs):
        from samen.abonnementen.models import Arrangement
        from samen.fonds.models import Fonds

        super().__init__(*args, auto_id="vs-%s", **kwargs)
        self.vergadering = vergadering
        self.fields["fonds"].queryset = Fonds.objects.order_by("naam")
        self.fields["arrangement"].queryset = Arrangement.objects.order_by("naam")
        for name in ("fonds", "arrangement", "bekrachtigt"):
            if name in self.fields:
                self.fields[name].empty_label = _("(geen)")
        if vergadering.soort == Ledenvergadering.Soort.LEDENRAADPLEGING:
            del self.fields["bekrachtigt"]
        else:
            self.fields["bekrachtigt"].queryset = Ledenvergadering.objects.filter(
                soort=Ledenvergadering.Soort.LEDENRAADPLEGING,
                status__in=(Ledenvergadering.Status.GESLOTEN, Ledenvergadering.Status.GEPUBLICEERD),
            ).order_by("-datum")

    def clean_per_inwoner(self):
        raw = self.cleaned_data["per_inwoner"].strip()
        if raw:
            try:
                parse_amount(raw, places=4)
            except MoneyError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return raw

    def clean(self):
        data = super().clean()
        soort = data.get("soort")
        for kind, names in (
            (Voorstel.Soort.FONDS, ("fonds", "jaar", "per_inwoner")),
            (Voorstel.Soort.ARRANGEMENT, ("arrangement", "nieuw_laatste_jaar")),
        ):
            if soort and soort != kind:
                for name in names:
                    if data.get(name) not in (None, ""):
                        self.add_error(
                            name,
                            _("alleen bij de soort %(soort)s")
                            % {"soort": Voorstel.Soort(kind).label},
                        )
        if soort == Voorstel.Soort.FONDS:
            for name in ("fonds", "jaar", "per_inwoner"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("verplicht bij een fondsvoorstel"))
        if soort == Voorstel.Soort.ARRANGEMENT:
            arrangement = data.get("arrangement")
            nieuw = data.get("nieuw_laatste_jaar")
            for name in ("arrangement", "nieuw_laatste_jaar"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("verplicht bij een verlenging"))
            if arrangement is not None and nieuw is not None:
                if nieuw <= arrangement.laatste_jaar:
                    self.add_error(
                        "nieuw_laatste_jaar",
                        _("moet na het huidige laatste jaar (%(jaar)s) liggen")
                        % {"jaar": arrangement.laatste_jaar},
                    )
                elif nieuw > arrangement.laatste_jaar + 20:
                    self.add_error("nieuw_laatste_jaar", _("hooguit 20 jaar verder"))
        return data


@require_POST
@requires("ledenvergadering.beheren")
def voorstel_toevoegen(request, uuid):
    """A proposal on a concept agenda; on a problem the meeting's page again, with the form as
    typed and the problems next to its fields."""
    v = _meeting(request, uuid)
    if v.status != Ledenvergadering.Status.CONCEPT:
        messages.error(request, _("De agenda is al gepubliceerd; er kan geen voorstel meer bij."))
        return redirect("ledenvergadering:detail", uuid=v.uuid)
    form = VoorstelForm(v, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        soort = d["soort"]
        fonds = soort == Voorstel.Soort.FONDS
        arrangement = soort == Voorstel.Soort.ARRANGEMENT
        try:
            voorstel = services.add_proposal(
                v,
                d["code"],
                soort,
                d["titel"],
                tekst=d["tekst"],
                opties=[o.strip() for o in d["opties"].splitlines() if o.strip()],
                fonds=d["fonds"] if fonds else None,
                jaar=d["jaar"] if fonds else None,
                per_inwoner=d["per_inwoner"] if fonds else None,
                arrangement=d["arrangement"] if arrangement else None,
                nieuw_laatste_jaar=d["nieuw_laatste_jaar"] if arrangement else None,
                documenten=d["documenten"],
                bekrachtigt=d.get("bekrachtigt"),
                user=request.user,
            )
        except DomainError as error:
            _field_errors(form, error)
        else:
            messages.success(
                request,
                _("Voorstel %(code)s is aan de agenda toegevoegd.") % {"code": voorstel.code},
            )
            return redirect("ledenvergadering:detail", uuid=v.uuid)
    return render(request, "ledenvergadering/detail.html", _detail_context(request, v, form))


class TabelForm(forms.Form):
    jaar = forms.IntegerField(
        label=gettext_lazy("Geldt vanaf jaar"),
        min_value=1990,
        max_value=2100,
        help_text=gettext_lazy(
            "Een vergadering gebruikt de laatste tabel van haar jaar of eerder. Een tabel die een "
            "vergadering al gebruikte, wordt niet vervangen."
        ),
    )
    toelichting = forms.CharField(
        label=gettext_lazy("Toelichting (bron)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    voorbeeld = forms.BooleanField(
        label=gettext_lazy("Voorbeeldgegevens (niet de tabel van de VNG)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="sg-%s", **kwargs)
        for i in range(KLASSE_ROWS):
            self.fields[f"vanaf_{i}"] = forms.IntegerField(
                label=_("Klasse %(n)s: vanaf inwoners") % {"n": i + 1},
                min_value=0,
                required=False,
            )
            self.fields[f"stemmen_{i}"] = forms.IntegerField(
                label=_("Klasse %(n)s: stemmen") % {"n": i + 1},
                min_value=1,
                required=False,
            )

    def rows(self):
        """(vanaf, stemmen) bound fields per row, for the template."""
        return [(self[f"vanaf_{i}"], self[f"stemmen_{i}"]) for i in range(KLASSE_ROWS)]

    def clean(self):
        data = super().clean()
        klassen = []
        for i in range(KLASSE_ROWS):
            v, s = f"vanaf_{i}", f"stemmen_{i}"
            if v in self.errors or s in self.errors:
                continue
            if data.get(v) is None and data.get(s) is None:
                continue  # a blank row
            if data.get(v) is None:
                self.add_error(v, _("vul ook het aantal inwoners in"))
            elif data.get(s) is None:
                self.add_error(s, _("vul ook het aantal stemmen in"))
            else:
                klassen.append((data[v], data[s]))
        if not klassen and not any(f.startswith(("vanaf_", "stemmen_")) for f in self.errors):
            self.add_error(None, _("Vul ten minste één klasse in (vanaf 0 inwoners)."))
        data["klassen"] = klassen
        return data


def stemgewichten(request):
    """The vote-weight tables (public, as the weights per meeting are); the office enters a
    year's table here."""
    beheer = allowed(request.user, "ledenvergadering.beheren")
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    form = None
    if request.method == "POST":
        login = signed_in_or_login(request)
        if login is not None:
            return login
        if not beheer:
            raise PermissionDenied
        form = TabelForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                tabel = services.enter_table(
                    d["jaar"],
                    d["klassen"],
                    toelichting=d["toelichting"],
                    voorbeeld=d["voorbeeld"],
                    user=request.user,
                )
            except DomainError as error:
                _field_errors(form, error)
            else:
                messages.success(
                    request,
                    _("De stemgewichttabel vanaf %(jaar)s is opgeslagen.") % {"jaar": tabel.jaar},
                )
                return redirect("ledenvergadering:stemgewichten")
    elif beheer:
        form = TabelForm()
    tabellen = list(Stemgewichttabel.objects.prefetch_related("klassen_set"))
    gebruikt = set(
        Ledenvergadering.objects.filter(gewichttabel__isnull=False).values_list(
            "gewichttabel_id", flat=True
        )
    )
    for t in tabellen:
        t.gebruikt = t.pk in gebruikt
    return render(
        request,
        "ledenvergadering/stemgewichten.html",
        {"tabellen": tabellen, "form": form, "beheer": beheer},
    )
