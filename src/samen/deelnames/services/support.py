"""Support requests of a participating municipality, assigned and closed by the programme office.
One transaction each, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core.actors import label
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.deelnames.models import Deelname


@transaction.atomic
def ask_support(deelname: Deelname, vraag: str, datum: dt.date, user=None):
    from samen.deelnames.models import Ondersteuningsverzoek

    problems: list[Problem] = []
    if not vraag.strip():
        problems.append(Problem("vraag", "verplicht", "required"))
    check_date(datum, field="datum", label="De datum", when=When.PAST, problems=problems)
    if problems:
        raise DomainError("Niet ingediend.", problems)
    verzoek = Ondersteuningsverzoek.objects.create(
        deelname=deelname, vraag=vraag.strip(), ingediend_op=datum, ingediend_door=label(user)
    )
    record(Actie.AANMAKEN, verzoek, na=snapshot(verzoek), user=user)
    return verzoek


@transaction.atomic
def assign_support(verzoek, aan: str, user=None):
    from samen.deelnames.models import Ondersteuningsverzoek

    verzoek = Ondersteuningsverzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.status == Ondersteuningsverzoek.Status.AFGEROND:
        raise Conflict("Dit verzoek is al afgerond.")
    if not aan.strip():
        raise DomainError("Niet toegewezen.", [Problem("toegewezenAan", "verplicht", "required")])
    before = snapshot(verzoek)
    verzoek.status = Ondersteuningsverzoek.Status.TOEGEWEZEN
    verzoek.toegewezen_aan = aan.strip()
    verzoek.save(update_fields=["status", "toegewezen_aan"])
    record(Actie.WIJZIGEN, verzoek, voor=before, na=snapshot(verzoek), user=user)
    return verzoek


@transaction.atomic
def close_support(verzoek, verslag: str, datum: dt.date, user=None):
    from samen.deelnames.models import Ondersteuningsverzoek

    verzoek = Ondersteuningsverzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.status != Ondersteuningsverzoek.Status.TOEGEWEZEN:
        raise Conflict("Alleen een toegewezen verzoek wordt afgerond.")
    problems: list[Problem] = []
    check_date(
        datum,
        field="datum",
        label="De datum van afronden",
        when=When.PAST,
        problems=problems,
        earliest=verzoek.ingediend_op,
    )
    if problems:
        raise DomainError("Niet afgerond.", problems)
    before = snapshot(verzoek)
    verzoek.status = Ondersteuningsverzoek.Status.AFGEROND
    verzoek.afgerond_op = datum
    verzoek.verslag = verslag
    verzoek.save(update_fields=["status", "afgerond_op", "verslag"])
    record(Actie.WIJZIGEN, verzoek, voor=before, na=snapshot(verzoek), user=user)
    return verzoek
