"""Joining on the conditions of the decision in force, leaving according to the binding level,
the binding of all municipalities, and joining on behalf of a cooperation. One transaction
each, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.besluiten.models import Besluit, Binding
from samen.core.actors import label, role_label
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.deelnames.models import Deelname, Status, Statuswijziging
from samen.deelnames.queries import current, last_status_change
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Voorziening


@transaction.atomic
def join(
    gemeente: Gemeente,
    voorziening: Voorziening,
    besluit: Besluit | None,
    datum: dt.date,
    user=None,
    status: str = Status.GEINTERESSEERD,
) -> Deelname:
    """A municipality joins and accepts the conditions of the decision version in force.
    Accepting a superseded version is refused; so is joining twice."""
    from samen.besluiten.services import in_force

    problems: list[Problem] = []
    geldend = in_force(voorziening)
    if geldend is not None:
        if besluit is None:
            problems.append(
                Problem("besluit", f"accepteer de voorwaarden van besluit {geldend.nummer}")
            )
        elif besluit.pk != geldend.pk:
            problems.append(
                Problem(
                    "besluit",
                    f"besluit {besluit.nummer} is vervangen; het geldende besluit is "
                    f"{geldend.nummer}",
                    "superseded",
                )
            )
    elif besluit is not None:
        problems.append(Problem("besluit", "dit besluit hoort niet bij deze voorziening"))
    check_date(
        datum, field="datum", label="De datum van deelname", when=When.PAST, problems=problems
    )
    if not problems and not gemeente.bestaat_op(datum):
        problems.append(Problem("gemeente", f"{gemeente.naam} bestaat niet op {datum:%d-%m-%Y}"))
    if status not in (Status.GEINTERESSEERD, Status.GEPLAND, Status.IN_IMPLEMENTATIE):
        problems.append(Problem("status", "begin als geïnteresseerd, gepland of in implementatie"))
    if current(gemeente, voorziening) is not None:
        raise Conflict(f"{gemeente.naam} neemt al deel aan {voorziening.naam}.")
    if problems:
        raise DomainError("De deelname is niet geregistreerd.", problems)
    deelname = Deelname.objects.create(
        gemeente=gemeente,
        voorziening=voorziening,
        besluit=geldend,
        herkomst=Deelname.Herkomst.AANMELDING,
        status=status,
        sinds=datum,
        geaccepteerd_door=label(user),
        geaccepteerd_als=role_label(user),
        geaccepteerd_op=timezone.now() if geldend else None,
    )
    Statuswijziging.objects.create(
        deelname=deelname,
        status=status,
        datum=datum,
        door=label(user),
        door_als=role_label(user),
        toelichting="aanmelding",
    )
    # The trail names the user already; the object's public history shows no person's name.
    na = {k: v for k, v in snapshot(deelname).items() if k != "geaccepteerd_door"}
    record(
        Actie.AANMAKEN,
        deelname,
        na={**na, "besluitversie": geldend.nummer if geldend else None},
        user=user,
        toelichting="aanmelding en acceptatie van de voorwaarden",
    )
    return deelname


@transaction.atomic
def leave(deelname: Deelname, datum: dt.date, user=None, reden: str = "") -> Deelname:
    """Leaving follows the binding level: free at any time; voluntary-but-binding only on the
    decision's exit terms; binding-for-all never (record non-compliance instead)."""
    deelname = (
        Deelname.objects.select_for_update(of=("self",))
        .select_related("besluit")
        .get(pk=deelname.pk)
    )
    if deelname.tot is not None:
        raise Conflict("Deze deelname is al beëindigd.")
    problems: list[Problem] = []
    check_date(
        datum, field="datum", label="De datum van uittreden", when=When.PAST, problems=problems
    )
    last = last_status_change(deelname)
    if last and datum < last.datum:
        problems.append(Problem("datum", f"ligt vóór de vorige status ({last.datum:%d-%m-%Y})"))
    if problems:
        raise DomainError("De deelname is niet beëindigd.", problems)
    besluit = deelname.besluit
    binding = besluit.binding if besluit else Binding.VRIJ
    if besluit is not None and binding == Binding.ALGEMEEN:
        raise DomainError(
            "Uittreden is niet mogelijk.",
            [
                Problem(
                    "binding",
                    f"besluit {besluit.nummer} is algemeen bindend; leg vast waarom de gemeente "
                    "het (nog) niet naleeft",
                    "binding",
                )
            ],
            status=409,
        )
    if (
        besluit is not None
        and binding == Binding.VRIJWILLIG
        and (besluit.uittreden_vanaf is None or datum < besluit.uittreden_vanaf)
    ):
        terms = besluit.uittredingsvoorwaarden or "geen uittredingsmogelijkheid"
        when = (
            f" (uittreden kan vanaf {besluit.uittreden_vanaf:%d-%m-%Y})"
            if besluit.uittreden_vanaf
            else ""
        )
        raise DomainError(
            "Uittreden is niet mogelijk.",
            [
                Problem(
                    "datum",
                    f"besluit {besluit.nummer} bindt deelnemers: {terms}{when}",
                    "binding",
                )
            ],
            status=409,
        )
    deelname.tot = datum
    deelname.status = Status.GESTOPT
    deelname.save(update_fields=["tot", "status"])
    Statuswijziging.objects.create(
        deelname=deelname,
        status=Status.GESTOPT,
        datum=datum,
        door=label(user),
        door_als=role_label(user),
        toelichting=reden,
    )
    record(
        Actie.WIJZIGEN, deelname, voor={"tot": None}, na={"tot": datum, "reden": reden}, user=user
    )
    return deelname


@transaction.atomic
def record_non_compliance(deelname: Deelname, reden: str, user=None) -> Deelname:
    if not reden.strip():
        raise DomainError("Niet opgeslagen.", [Problem("reden", "verplicht", "required")])
    deelname = Deelname.objects.select_for_update().get(pk=deelname.pk)
    before = deelname.reden_niet_naleven
    deelname.reden_niet_naleven = reden.strip()
    deelname.save(update_fields=["reden_niet_naleven"])
    record(Actie.WIJZIGEN, deelname, voor={"reden": before}, na={"reden": reden}, user=user)
    return deelname


def enforce_binding_for_all(besluit: Besluit, user=None) -> int:
    """From the decision's date every municipality takes part (called inside decide/amend)."""
    voorziening = besluit.voorziening
    existing = set(
        Deelname.objects.filter(voorziening=voorziening, tot__isnull=True).values_list(
            "gemeente_id", flat=True
        )
    )
    # Running participations move to the binding decision version.
    Deelname.objects.filter(voorziening=voorziening, tot__isnull=True).update(besluit=besluit)
    nieuw = [
        Deelname(
            gemeente=g,
            voorziening=voorziening,
            besluit=besluit,
            herkomst=Deelname.Herkomst.ALGEMEEN_BINDEND,
            status=Status.GEINTERESSEERD,
            sinds=besluit.datum,
        )
        for g in Gemeente.objects.op(besluit.datum).exclude(pk__in=existing)
    ]
    created = Deelname.objects.bulk_create(nieuw)
    Statuswijziging.objects.bulk_create(
        Statuswijziging(
            deelname=d,
            status=d.status,
            datum=besluit.datum,
            toelichting=f"algemeen bindend besluit {besluit.nummer}",
        )
        for d in created
    )
    record(
        Actie.AANMAKEN,
        besluit,
        na={"deelnames_aangemaakt": len(created)},
        user=user,
        toelichting="deelnames door algemeen bindend besluit",
        object_type="deelnames.deelname",
    )
    return len(created)


@transaction.atomic
def join_for_cooperation(
    verband, voorziening: Voorziening, besluit: Besluit | None, datum: dt.date, user=None
) -> list[Deelname]:
    """A cooperation of municipalities joins for all its members, all or nothing: every member
    accepts the same decision version; a member that already takes part is reported."""
    from samen.accounts.models import Organisatie

    if verband.soort != Organisatie.Soort.SAMENWERKINGSVERBAND:
        raise DomainError(
            "Niet aangemeld.", [Problem("namens", "alleen een samenwerkingsverband meldt aan")]
        )
    leden = list(verband.leden.order_by("code"))
    if not leden:
        raise DomainError("Niet aangemeld.", [Problem("namens", "het verband heeft geen leden")])
    result = []
    for gemeente in leden:
        try:
            deelname = join(gemeente, voorziening, besluit, datum, user=user)
        except DomainError as error:
            raise DomainError(
                f"{verband.naam}: niemand aangemeld ({gemeente.naam}: {error.message})",
                [Problem(f"leden.{gemeente.code}", p.reason, p.code) for p in error.problems]
                or [Problem(f"leden.{gemeente.code}", error.message)],
                error.status,
            ) from error
        Deelname.objects.filter(pk=deelname.pk).update(namens=verband)
        result.append(deelname)
    return result
