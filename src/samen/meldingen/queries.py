"""Reads of the notifications: who receives what (recipients by role, the contacts of
municipalities, the municipalities a decision or a reminder concerns) and a user's choices.
Each function is a fixed number of queries, whatever the number of recipients."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from samen.accounts.models import Gebruiker, Rol
from samen.meldingen.models import Verzending, Voorkeur


def people():
    """Accounts that can receive e-mail: active people (no machine clients)."""
    return Gebruiker.objects.filter(is_active=True, api_client=False)


def with_role(*roles: str) -> list[Gebruiker]:
    return list(people().filter(rol__in=roles).order_by("username"))


def contacts_of(gemeente_ids: Iterable[int] | None) -> list[Gebruiker]:
    """The contacts (role gemeente) of these municipalities; ``None``: of every municipality."""
    qs = people().filter(rol=Rol.GEMEENTE, gemeente__isnull=False)
    if gemeente_ids is not None:
        qs = qs.filter(gemeente_id__in=list(gemeente_ids))
    return list(qs.order_by("username"))


def contacts_by_gemeente(gemeente_ids: Iterable[int]) -> dict[int, list[Gebruiker]]:
    result: dict[int, list[Gebruiker]] = defaultdict(list)
    for user in contacts_of(gemeente_ids):
        result[user.gemeente_id].append(user)
    return result


def switched_off(users: Iterable[Gebruiker], soort: str) -> set[int]:
    """The ids of the users among ``users`` who switched the kind ``soort`` off."""
    ids = [u.pk for u in users]
    return set(
        Voorkeur.objects.filter(gebruiker_id__in=ids, soort=soort, aan=False).values_list(
            "gebruiker_id", flat=True
        )
    )


def preferences(user) -> dict[str, bool]:
    """The user's stored choices per kind (a kind without a row is on)."""
    return dict(Voorkeur.objects.filter(gebruiker=user).values_list("soort", "aan"))


def sendings_about(object_type: str, object_id: str):
    return Verzending.objects.filter(object_type=object_type, object_id=object_id)


def concerned_by(besluit) -> set[int] | None:
    """The municipalities a published decision concerns (ids); ``None``: all of them.

    A decision binding for all concerns every municipality. Any other decision about a
    voorziening concerns the municipalities that take part in it now, the municipalities its
    request asked for support and the requesting municipality. A decision without a voorziening
    (a fund authorisation, a provider's document) concerns no municipality in particular."""
    from samen.besluiten.models import Besluit, Binding, Steun
    from samen.deelnames.models import Deelname

    if besluit.voorziening_id is None:
        return set()
    if besluit.binding == Binding.ALGEMEEN and besluit.uitkomst != Besluit.Uitkomst.AFGEWEZEN:
        return None
    ids = set(
        Deelname.objects.filter(voorziening_id=besluit.voorziening_id, tot__isnull=True)
        .order_by()
        .values_list("gemeente_id", flat=True)
    )
    if besluit.verzoek_id is not None:
        ids |= set(
            Steun.objects.filter(verzoek_id=besluit.verzoek_id)
            .order_by()
            .values_list("gemeente_id", flat=True)
        )
        aanvrager = (
            Gebruiker.objects.filter(pk=besluit.verzoek.aanvrager_id, rol=Rol.GEMEENTE)
            .values_list("gemeente_id", flat=True)
            .first()
        )
        if aanvrager:
            ids.add(aanvrager)
    return ids


def holders_of(factuur) -> set[int]:
    """The municipalities that hold an open amount of an invoice's account now (after a
    municipal merger, its successors); the invoiced municipality when none does."""
    from samen.abonnementen.models import Factuur, Vordering

    family = [
        factuur.pk,
        *Factuur.objects.filter(verwijst_naar=factuur).values_list("pk", flat=True),
    ]
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for gemeente_id, bedrag in (
        Vordering.objects.filter(factuur_id__in=family)
        .order_by()
        .values_list("gemeente_id", "bedrag")
    ):
        totals[gemeente_id] += bedrag
    return {g for g, v in totals.items() if v > 0} or {factuur.gemeente_id}
