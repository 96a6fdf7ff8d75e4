"""Waiting work of a body's secretary: meetings held without an adopted besluitenlijst (one
query per kind)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts.models import Rol
from samen.core.werk import Werksoort, register

LIMIT = 5


def _open(user):
    from samen.core.clock import today
    from samen.gremia.models import Lidmaatschap, Vergadering
    from samen.gremia.queries import actief_op_prefix

    return (
        Vergadering.objects.filter(
            actief_op_prefix("gremium__lidmaatschappen__", today()),
            gremium__lidmaatschappen__gebruiker=user,
            gremium__lidmaatschappen__rol=Lidmaatschap.Rol.SECRETARIS,
            datum__lte=today(),
            besluitenlijst_vastgesteld_op__isnull=True,
        )
        .exclude(status=Vergadering.Status.GEANNULEERD)
        .distinct()
    )


def _count(user) -> int:
    return _open(user).count()


def _items(user) -> list[tuple[str, str]]:
    return [
        (
            f"{v.gremium.naam}, {v.datum:%d-%m-%Y}",
            reverse("gremia:vergadering_beheer", args=[v.uuid]),
        )
        for v in _open(user).select_related("gremium").order_by("datum")[:LIMIT]
    ]


register(
    Werksoort(
        key="gremia.besluitenlijst",
        label=_("Vergaderingen zonder vastgestelde besluitenlijst"),
        permission="gremia.secretariaat",
        roles=frozenset(
            {Rol.PROGRAMMABUREAU, Rol.TASKFORCE, Rol.COLLEGE, Rol.COMMISSIE, Rol.BESTUUR}
        ),
        count=_count,
        url=lambda user: reverse("gremia:secretariaat"),
        items=_items,
        order=60,
    )
)
