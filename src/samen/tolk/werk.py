"""Waiting work of the interpreter service for the start page (one query per kind)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts.models import Rol
from samen.core import clock
from samen.core.werk import Werksoort, register


def _at_risk(user) -> int:
    from samen.tolk.queries import open_aanvragen

    return open_aanvragen().filter(begin__lt=clock.now() + dt.timedelta(hours=24)).count()


def _open_offers(user) -> int:
    from samen.tolk.models import Aanbod

    return Aanbod.objects.filter(tolk__gebruiker=user, status=Aanbod.Status.OPEN).count()


def _meeruren(user) -> int:
    from samen.tolk.models import Betaler, Meeruurverzoek

    qs = Meeruurverzoek.objects.filter(status=Meeruurverzoek.Status.INGEDIEND)
    if user.rol == Rol.GEMEENTE:
        # Registered in the municipality itself (its predecessors' residents show on the page).
        return qs.filter(
            indicatie__betaler=Betaler.GEMEENTE, indicatie__client__gemeente=user.gemeente
        ).count()
    return qs.exclude(indicatie__betaler=Betaler.GEMEENTE).count()


register(
    Werksoort(
        key="tolk.risico",
        label=_("Tolkaanvragen zonder tolk die binnen 24 uur beginnen"),
        permission="tolk.bemiddelen",
        count=_at_risk,
        url=lambda user: reverse("tolk:dag"),
        roles=frozenset({Rol.BEMIDDELAAR}),
        order=60,
    )
)
register(
    Werksoort(
        key="tolk.aanbiedingen",
        label=_("Aanbiedingen van opdrachten voor u"),
        permission="tolk.agenda",
        count=_open_offers,
        url=lambda user: reverse("tolk:agenda"),
        roles=frozenset({Rol.TOLK}),
        order=61,
    )
)
register(
    Werksoort(
        key="tolk.meeruren",
        label=_("Verzoeken om meer tolkuren om over te besluiten"),
        permission="tolk.meeruren.besluiten.eigen",
        count=_meeruren,
        url=lambda user: reverse("tolk:clienten"),
        roles=frozenset({Rol.BEMIDDELAAR, Rol.GEMEENTE}),
        order=62,
    )
)
