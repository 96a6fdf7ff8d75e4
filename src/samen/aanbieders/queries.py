"""What a user sees: staff (committee, programme office, board) everything; a provider its own
documents and the adopted ones; everyone else (municipalities, the public) the adopted ones.
The file: staff, the provider of the document, and municipalities once adopted. Questions and
answers: on adopted documents, for municipalities, staff and the provider concerned."""

from __future__ import annotations

from django.db.models import Q

from samen.aanbieders.models import Antwoord, Verantwoordingsdocument, Vraag
from samen.accounts.models import Rol

STAF = {Rol.COMMISSIE, Rol.PROGRAMMABUREAU, Rol.BESTUUR}


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    return _signed_in(user) and (user.is_superuser or user.rol in STAF)


def organisatie_id(user):
    if _signed_in(user) and user.rol == Rol.AANBIEDER:
        return user.organisatie_id
    return None


def documents_for(user, alle_versies: bool = False):
    qs = Verantwoordingsdocument.objects.select_related(
        "arrangement", "aanbieder", "besluit", "vergadering"
    ).defer("inhoud")
    if not alle_versies:
        qs = qs.filter(actueel=True)
    if is_staff(user):
        return qs
    gepubliceerd = Q(status=Verantwoordingsdocument.Status.VASTGESTELD)
    org = organisatie_id(user)
    if org is not None:
        return qs.filter(gepubliceerd | Q(aanbieder_id=org))
    return qs.filter(gepubliceerd)


def may_read_file(user, document) -> bool:
    if not _signed_in(user):
        return False
    if is_staff(user):
        return True
    if user.rol == Rol.AANBIEDER:
        return document.aanbieder_id == user.organisatie_id
    if user.rol == Rol.GEMEENTE:
        return document.status == Verantwoordingsdocument.Status.VASTGESTELD
    return False


def questions_for(user):
    qs = Vraag.objects.select_related(
        "document__arrangement", "document__aanbieder", "gemeente"
    ).prefetch_related("antwoorden")
    if not _signed_in(user):
        return qs.none()
    if is_staff(user):
        return qs
    gepubliceerd = Q(document__status=Verantwoordingsdocument.Status.VASTGESTELD)
    if user.rol == Rol.GEMEENTE:
        return qs.filter(gepubliceerd)
    if user.rol == Rol.AANBIEDER:
        return qs.filter(gepubliceerd | Q(document__aanbieder_id=user.organisatie_id))
    return qs.none()


def answers_of(vraag):
    return Antwoord.objects.filter(vraag=vraag)
