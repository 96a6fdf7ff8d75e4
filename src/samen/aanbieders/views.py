"""Pages: /verantwoording-aanbieders (the documents per arrangement, year and provider with
their status; a provider uploads, the committee adopts or rejects, the programme office records
a renewal decision) and a document's page with the questions of municipalities and the
provider's answers."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from samen.aanbieders import queries, services
from samen.aanbieders.api import pdf_response
from samen.aanbieders.models import MAX_GROOTTE, Verantwoordingsdocument, Verlenging, Vraag
from samen.abonnementen.models import Arrangement, Dienst
from samen.accounts.decorators import requires, signed_in_or_login
from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.dates import parse_date
from samen.core.errors import DomainError, Problem


def _date(raw: str) -> dt.date | None:
    """An empty field is no date (the service takes today); a date that cannot be read is
    refused, never silently replaced by today."""
    raw = (raw or "").strip()
    if not raw:
        return None
    value = parse_date(raw)
    if value is None:
        raise DomainError(
            "De datum is niet te lezen.",
            [Problem("datum", f"geen datum: {raw!r} (schrijf 2018-02-15 of 15-02-2018)")],
        )
    return value


def _error(request, error: DomainError) -> None:
    messages.error(request, error.message + " " + "; ".join(str(p) for p in error.problems))


def _need(request, permission: str) -> None:
    if not allowed(request.user, permission):
        raise PermissionDenied


def _post_overzicht(request) -> None:
    actie = request.POST.get("actie", "")
    user = request.user
    if actie == "indienen":
        _need(request, "aanbieders.indienen")
        arrangement = Arrangement.objects.filter(
            uuid=request.POST.get("arrangement") or None
        ).first()
        upload = request.FILES.get("bestand")
        if arrangement is None:
            messages.error(request, "Kies een arrangement.")
            return
        if upload is None:
            messages.error(request, "Kies een bestand (PDF).")
            return
        document = services.submit_document(
            arrangement,
            request.POST.get("jaar", ""),
            request.POST.get("soort", ""),
            upload.name,
            upload.read(MAX_GROOTTE + 1),
            user=user,
        )
        messages.success(request, f"Ingediend: {document}.")
    elif actie in {"vaststellen", "afwijzen"}:
        _need(request, "aanbieders.vaststellen")
        document = Verantwoordingsdocument.objects.filter(
            uuid=request.POST.get("document") or None
        ).first()
        if document is None:
            messages.error(request, "Onbekend document.")
            return
        vergadering = None
        if request.POST.get("vergadering"):
            from samen.gremia.models import Vergadering

            vergadering = Vergadering.objects.filter(
                uuid=_uuid(request.POST["vergadering"])
            ).first()
            if vergadering is None:
                messages.error(request, "Onbekende vergadering.")
                return
        datum = _date(request.POST.get("datum", ""))
        if datum is None and vergadering is not None:
            datum = vergadering.datum  # decided in that meeting
        services.decide_document(
            document,
            actie == "vaststellen",
            datum,
            request.POST.get("toelichting", ""),
            user=user,
            vergadering=vergadering,
        )
        uitkomst = "vastgesteld en gepubliceerd" if actie == "vaststellen" else "afgewezen"
        messages.success(request, f"{document}: {uitkomst}.")
    else:
        messages.error(request, "Onbekende actie.")


@require_http_methods(["GET", "HEAD", "POST"])
def overzicht(request):
    if request.method == "POST":
        if (login := signed_in_or_login(request)) is not None:
            return login
        try:
            _post_overzicht(request)
        except DomainError as error:
            _error(request, error)
        return redirect("aanbieders:overzicht")
    user = request.user
    documenten = list(
        queries.documents_for(user).order_by(
            "arrangement__eerste_jaar", "arrangement__naam", "-jaar", "aanbieder__naam", "soort"
        )
    )
    prefetch_related_objects(documenten, "vergadering__gremium")
    groepen = [
        {"arrangement": a, "documenten": list(docs)}
        for a, docs in groupby(documenten, key=lambda d: d.arrangement)
    ]
    for g in groepen:
        for d in g["documenten"]:
            d.mag_lezen = queries.may_read_file(user, d)
    org = queries.organisatie_id(user)
    eigen_arrangementen = (
        Arrangement.objects.filter(diensten__aanbieder_id=org).distinct()
        if org is not None and allowed(user, "aanbieders.indienen")
        else Arrangement.objects.none()
    )
    return render(
        request,
        "aanbieders/overzicht.html",
        {
            "groepen": groepen,
            "eigen_arrangementen": eigen_arrangementen,
            "soorten": Verantwoordingsdocument.Soort.choices,
            "mag_indienen": allowed(user, "aanbieders.indienen") and org is not None,
            "mag_vaststellen": allowed(user, "aanbieders.vaststellen"),
            "commissievergaderingen": _committee_meetings(user),
            "arrangementen": Arrangement.objects.order_by("eerste_jaar", "naam"),
            "verlengingen": Verlenging.objects.select_related("arrangement", "besluit"),
            "is_aanbieder": user.is_authenticated and user.rol == Rol.AANBIEDER,
        },
    )


def _uuid(raw: str):
    import uuid as uuidlib

    try:
        return uuidlib.UUID(str(raw))
    except ValueError:
        return None


def _committee_meetings(user):
    """The committee's meetings a decision may name (for those who adopt documents)."""
    if not allowed(user, "aanbieders.vaststellen"):
        return []
    from samen.gremia.models import Gremium, Vergadering

    return list(
        Vergadering.objects.filter(
            gremium__soort__in=[Gremium.Soort.COMMISSIE_DI, Gremium.Soort.SUBCOMMISSIE]
        )
        .exclude(status=Vergadering.Status.GEANNULEERD)
        .select_related("gremium")
        .order_by("-datum")[:50]
    )


def _visible_document(request, uuid):
    document = queries.documents_for(request.user, alle_versies=True).filter(uuid=uuid).first()
    if document is None:
        raise Http404
    return document


@require_http_methods(["GET", "HEAD", "POST"])
def document(request, uuid):
    document = _visible_document(request, uuid)
    user = request.user
    if request.method == "POST":
        if (login := signed_in_or_login(request)) is not None:
            return login
        actie = request.POST.get("actie", "")
        try:
            if actie == "vraag":
                _need(request, "aanbieders.vragen.stellen")
                services.ask_question(document, request.POST.get("tekst", ""), user=user)
                messages.success(request, "Uw vraag is gesteld.")
            elif actie == "antwoord":
                _need(request, "aanbieders.vragen.beantwoorden")
                vraag = Vraag.objects.filter(
                    uuid=request.POST.get("vraag") or None, document=document
                ).first()
                if vraag is None:
                    messages.error(request, "Onbekende vraag.")
                else:
                    services.answer_question(vraag, request.POST.get("tekst", ""), user=user)
                    messages.success(request, "Uw antwoord is opgeslagen.")
            else:
                messages.error(request, "Onbekende actie.")
        except DomainError as error:
            _error(request, error)
        return redirect("aanbieders:document", uuid=document.uuid)
    vragen = (
        list(queries.questions_for(user).filter(document=document))
        if allowed(user, "aanbieders.vragen.bekijken")
        else None
    )
    eigen = queries.organisatie_id(user) == document.aanbieder_id
    return render(
        request,
        "aanbieders/document.html",
        {
            "document": document,
            "mag_lezen": queries.may_read_file(user, document),
            "vragen": vragen,
            "mag_vragen": allowed(user, "aanbieders.vragen.stellen") and document.gepubliceerd,
            "mag_antwoorden": allowed(user, "aanbieders.vragen.beantwoorden") and eigen,
            "versies": queries.documents_for(user, alle_versies=True).filter(
                arrangement=document.arrangement,
                aanbieder=document.aanbieder,
                jaar=document.jaar,
                soort=document.soort,
            ),
            "diensten": Dienst.objects.filter(
                arrangement=document.arrangement, aanbieder=document.aanbieder
            ),
        },
    )


@require_http_methods(["GET", "HEAD"])
@requires()
def bestand(request, uuid):
    document = _visible_document(request, uuid)
    if not queries.may_read_file(request.user, document):
        raise PermissionDenied
    inhoud = Verantwoordingsdocument.objects.values_list("inhoud", flat=True).get(pk=document.pk)
    record(Actie.LEZEN, document, user=request.user, toelichting="bestand gelezen (website)")
    return pdf_response(document, inhoud)
