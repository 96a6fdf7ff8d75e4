"""Distribution to providers per period (all or nothing, once per period), its reversal, and
the refunds of credit notes on invoices already paid that a run settles first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from samen.abonnementen.models import Factuur, Vordering
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.errors import DomainError, Problem
from samen.core.money import ZERO, allocate
from samen.inning import queries
from samen.inning.models import (
    Afdracht,
    Afdrachtkoppeling,
    Afdrachtperiode,
    Betaling,
    Betalingsregel,
    Creditverrekening,
)


def settle_credit_notes(tot: dt.date, user=None) -> int:
    """Settle the credit notes issued up to ``tot`` that are not settled yet (see the module's
    docstring); returns the number of refunds."""
    refunds = 0
    notes = (
        Factuur.objects.filter(
            soort=Factuur.Soort.CREDITNOTA,
            status=Factuur.Status.UITGEGEVEN,
            factuurdatum__lte=tot,
        )
        .exclude(pk__in=Creditverrekening.objects.values("creditnota_id"))
        .select_related("verwijst_naar")
        .order_by("factuurdatum", "id")
    )
    for note in notes:
        root = note.verwijst_naar
        ids = queries.family_ids(root)
        holders = queries.open_per_holder(root, ids)
        open_ = sum(holders.values(), ZERO)
        refund = None
        if open_ < 0:
            lines = queries.line_state(root, ids)
            excess = {d: max(s.betaald - s.gefactureerd, ZERO) for d, s in lines.items()}
            parts = allocate(open_, excess)
            origineel = (
                Betaling.objects.filter(factuur=root, status=Betaling.Status.GEKOPPELD)
                .order_by("-boekdatum", "-id")
                .first()
            )
            refund = Betaling.objects.create(
                soort=Betaling.Soort.TERUGBETALING,
                status=Betaling.Status.TERUGBETALEN,
                bankreferentie=f"CREDIT-{note.nummer}",
                boekdatum=note.factuurdatum,
                bedrag=open_,
                kenmerk=f"terugbetaling creditnota {note.nummer} op factuur {root.nummer}",
                factuur=root,
                gemeente_id=min(holders, key=lambda g: (holders[g], g)),
                origineel=origineel,
                reden=f"creditnota {note.nummer} na betaling van factuur {root.nummer}",
            )
            Betalingsregel.objects.bulk_create(
                Betalingsregel(
                    betaling=refund,
                    factuurregel_id=lines[d].factuurregel_id,
                    dienst_id=d,
                    bedrag=part,
                    boekdatum=refund.boekdatum,
                )
                for d, part in sorted(parts.items())
                if part
            )
            negative = {g: -v for g, v in holders.items() if v < 0}
            split = allocate(-open_, negative)
            Vordering.objects.bulk_create(
                Vordering(
                    factuur=root,
                    gemeente_id=g,
                    bedrag=part,
                    soort=Vordering.Soort.TERUGBOEKING,
                    datum=refund.boekdatum,
                )
                for g, part in sorted(split.items())
                if part
            )
            refunds += 1
            record(
                Actie.AANMAKEN,
                refund,
                na={"creditnota": note.nummer, "bedrag": open_},
                user=user,
                toelichting="creditnota na betaling: terug te betalen",
            )
        Creditverrekening.objects.create(creditnota=note, terugbetaling=refund, datum=tot)
    return refunds


@dataclass
class Afdrachtrun:
    periode: Afdrachtperiode
    nieuw: bool
    afdrachten: list[Afdracht]
    terugbetalingen: int = 0


def _lock_distribution() -> None:
    """One distribution run or reversal at a time (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_153_001])


@transaction.atomic
def run_distribution(start: dt.date, eind: dt.date, user=None) -> Afdrachtrun:
    """Pass on, per service to its provider, every payment line booked up to ``eind`` that is
    held (not passed on, or held again after a reversal). Running the same period again creates
    nothing. What was paid out on reversed afdrachten is settled in the service's afdracht."""
    _lock_distribution()
    plan = queries.plan_distribution(start, eind)
    if plan.bestaand is not None:
        existing = plan.bestaand
        return Afdrachtrun(existing, False, list(existing.afdrachten.select_related("dienst")))
    refunds = settle_credit_notes(eind, user=user)
    periode = Afdrachtperiode.objects.create(
        start=start,
        eind=eind,
        uitgevoerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    per_dienst: dict[int, list] = defaultdict(list)
    totals: dict[int, list] = defaultdict(lambda: [ZERO, 0, None])
    for pk, dienst_id, aanbieder_id, bedrag in (
        queries.held_lines()
        .filter(boekdatum__lte=eind)
        .order_by()
        .values_list("pk", "dienst_id", "dienst__aanbieder_id", "bedrag")
    ):
        per_dienst[dienst_id].append(pk)
        row = totals[dienst_id]
        row[0] += bedrag
        row[1] += 1
        row[2] = aanbieder_id
    unsettled = queries.unsettled()
    if unsettled:
        from samen.abonnementen.models import Dienst

        for dienst_id, aanbieder_id in Dienst.objects.filter(
            pk__in=set(unsettled) - set(totals)
        ).values_list("pk", "aanbieder_id"):
            totals[dienst_id][2] = aanbieder_id
    afdrachten = []
    for dienst_id, (bedrag, aantal, aanbieder_id) in sorted(totals.items()):
        afdracht = Afdracht.objects.create(
            periode=periode,
            dienst_id=dienst_id,
            aanbieder_id=aanbieder_id,
            bedrag=bedrag,
            aantal=aantal,
            verrekend=unsettled.get(dienst_id, ZERO),
        )
        Afdrachtkoppeling.objects.bulk_create(
            (
                Afdrachtkoppeling(betalingsregel_id=pk, afdracht=afdracht)
                for pk in per_dienst[dienst_id]
            ),
            batch_size=1000,
        )
        afdrachten.append(afdracht)
    record(
        Actie.AANMAKEN,
        periode,
        na={
            "start": start,
            "eind": eind,
            "afdrachten": {str(a.dienst_id): a.bedrag for a in afdrachten},
            "verrekend": {str(a.dienst_id): a.verrekend for a in afdrachten if a.verrekend},
            "terugbetalingen": refunds,
        },
        user=user,
        toelichting="afdracht aan aanbieders",
    )
    return Afdrachtrun(periode, True, afdrachten, refunds)


@transaction.atomic
def reverse_distribution(periode: Afdrachtperiode, reden: str, user=None) -> Afdrachtrun:
    """Reverse a mistaken distribution run (the administration office, with a reason): a
    reversal period whose afdrachten are the originals' negated and point to them; the payment
    lines passed on in the run get a new link to the reversal, so that they are held again (the
    old links stay). What was paid out is settled in each provider's next afdracht. A period is
    reversed once."""
    _lock_distribution()
    periode = Afdrachtperiode.objects.get(pk=periode.pk)
    problems = []
    if not (reden or "").strip():
        problems.append(Problem("reden", "verplicht: waarom deze afdracht wordt teruggedraaid"))
    if periode.terugdraaiing_van_id is not None:
        problems.append(Problem("periode", "dit is zelf een terugdraaiing", "conflict"))
    elif periode.terugdraaiingen.exists():
        problems.append(Problem("periode", f"{periode} is al teruggedraaid", "conflict"))
    if problems:
        raise DomainError("De afdracht is niet teruggedraaid.", problems)
    terug = Afdrachtperiode.objects.create(
        start=periode.start,
        eind=periode.eind,
        terugdraaiing_van=periode,
        reden=reden.strip()[:300],
        uitgevoerd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    afdrachten = []
    for a in periode.afdrachten.order_by("id"):
        negated = Afdracht.objects.create(
            periode=terug,
            dienst_id=a.dienst_id,
            aanbieder_id=a.aanbieder_id,
            bedrag=-a.bedrag,
            aantal=a.aantal,
            origineel=a,
        )
        Afdrachtkoppeling.objects.bulk_create(
            (
                Afdrachtkoppeling(betalingsregel_id=pk, afdracht=negated)
                for pk in a.koppelingen.values_list("betalingsregel_id", flat=True)
            ),
            batch_size=1000,
        )
        afdrachten.append(negated)
    record(
        Actie.AANMAKEN,
        terug,
        na={
            "teruggedraaid": str(periode),
            "reden": terug.reden,
            "afdrachten": {str(a.dienst_id): a.bedrag for a in afdrachten},
        },
        user=user,
        toelichting="afdracht teruggedraaid",
    )
    return Afdrachtrun(terug, True, afdrachten)
