"""Public summary pages of the financing forms: the allocation keys with their inputs and
shares, the compensation of the centre municipalities, the regional compensation."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from samen.core.errors import DomainError
from samen.financiering import queries


def overzicht(request):
    return render(
        request,
        "financiering/overzicht.html",
        {
            "sleutels": list(queries.keys()),
            "compensaties": list(queries.compensations()),
            "regios": list(queries.regions()),
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
