"""Waiting work: a designated voter's open ballots (one query)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts.models import Rol
from samen.core.werk import Werksoort, register
from samen.ledenvergadering import queries


def _items(user):
    return [
        (
            f"{v.vergadering.titel}: {v.code}. {v.titel}",
            reverse("ledenvergadering:detail", args=[v.vergadering.uuid]),
        )
        for v in queries.open_ballot_items(user)
    ]


register(
    Werksoort(
        key="ledenvergadering.stemmen",
        label=_("Voorstellen waarop uw gemeente nog moet stemmen"),  # type: ignore[arg-type]
        permission="ledenvergadering.stemmen.eigen",
        count=queries.open_ballot_count,
        url=lambda user: reverse("ledenvergadering:overzicht"),
        roles=frozenset({Rol.GEMEENTE}),
        order=60,
        items=_items,
    )
)
