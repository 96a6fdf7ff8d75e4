"""Waiting work: the agreements the contact's municipality has still to sign (one query)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts.models import Rol
from samen.core.werk import Werksoort, register

LIMIT = 5


def _count(user) -> int:
    from samen.overeenkomsten import queries

    if getattr(user, "gemeente", None) is None:
        return 0
    return queries.waiting_for(user.gemeente).count()


def _items(user) -> list[tuple[str, str]]:
    from samen.overeenkomsten import queries

    if getattr(user, "gemeente", None) is None:
        return []
    code = user.gemeente.code
    return [
        (
            f"{o.titel} (vóór {o.deadline:%d-%m-%Y})",
            reverse("overeenkomsten:gemeente", args=[o.uuid, code]),
        )
        for o in queries.waiting_for(user.gemeente)[:LIMIT]
    ]


register(
    Werksoort(
        key="overeenkomsten.tekenen",
        label=_("Overeenkomsten om te tekenen"),
        permission="overeenkomsten.tekenen.eigen",
        roles=frozenset({Rol.GEMEENTE}),
        count=_count,
        url=lambda user: reverse("overeenkomsten:lijst"),
        items=_items,
        order=40,
    )
)
