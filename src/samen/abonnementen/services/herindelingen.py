"""Herindelingen: from its date the successor holds the predecessors' subscriptions, and
their open receivables move to it (pro rata to the inhabitants on a split)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum

from samen.abonnementen.models import (
    Abonnement,
    Arrangement,
    Vordering,
)
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.errors import DomainError
from samen.core.money import allocate
from samen.gemeenten.models import Gemeente, Herindeling, Overgang

from .arrangements import _periode


@transaction.atomic
def apply_herindelingen(arrangement: Arrangement, tot_en_met: dt.date, user=None) -> dict:
    """From a herindeling's date the successor holds the predecessors' subscriptions, and their
    open receivables move to it as ledger entries pointing to the unchanged invoices (divided
    pro rata to the inhabitants that went to each part on a split). Idempotent."""
    begin, einde = _periode(arrangement)
    moved = created = receivables = 0
    overgangen = (
        Overgang.objects.filter(herindeling__datum__gt=begin, herindeling__datum__lte=tot_en_met)
        .select_related("herindeling", "voorganger", "opvolger")
        .order_by("herindeling__datum", "voorganger__code", "opvolger__code")
    )
    by_event: dict[int, list[Overgang]] = {}
    for o in overgangen:
        by_event.setdefault(o.herindeling_id, []).append(o)
    for group in sorted(by_event.values(), key=lambda g: (g[0].herindeling.datum, g[0].pk)):
        herindeling: Herindeling = group[0].herindeling
        datum = herindeling.datum
        if datum > einde:
            continue
        for voorganger_id in sorted({o.voorganger_id for o in group}):
            voorganger = next(o.voorganger for o in group if o.voorganger_id == voorganger_id)
            if voorganger.bestaat_op(datum):
                continue  # a part moved, the municipality itself goes on
            naar = [o for o in group if o.voorganger_id == voorganger_id]
            old = Abonnement.objects.filter(arrangement=arrangement, gemeente=voorganger).first()
            if old is not None and (old.tot is None or old.tot >= datum):
                if old.van >= datum:
                    raise DomainError(
                        f"Het abonnement van {voorganger.naam} begint op of na de herindeling."
                    )
                voor = {"tot": old.tot}
                old.tot = datum - dt.timedelta(days=1)
                old.save(update_fields=["tot"])
                record(
                    Actie.WIJZIGEN,
                    old,
                    voor=voor,
                    na={"tot": old.tot},
                    user=user,
                    toelichting=f"herindeling {datum:%d-%m-%Y}",
                )
                moved += 1
            for o in naar:
                target = Abonnement.objects.filter(
                    arrangement=arrangement, gemeente=o.opvolger
                ).first()
                if target is None:
                    target = Abonnement.objects.create(
                        arrangement=arrangement,
                        gemeente=o.opvolger,
                        van=datum,
                        tot=einde,
                        herindeling=herindeling,
                    )
                    record(
                        Actie.AANMAKEN,
                        target,
                        na={"van": datum, "herindeling": str(herindeling)},
                        user=user,
                        toelichting="overgenomen bij herindeling",
                    )
                    created += 1
                if old is not None:
                    target.voorgangers.add(old)
            receivables += _move_receivables(voorganger, naar, herindeling, user)
    return {"beeindigd": moved, "aangemaakt": created, "vorderingen": receivables}


def _move_receivables(voorganger: Gemeente, naar: list[Overgang], herindeling, user) -> int:
    open_per_invoice = (
        Vordering.objects.filter(gemeente=voorganger)
        .values("factuur_id")
        .annotate(open=Sum("bedrag"))
        .order_by("factuur_id")
    )
    weights = {o.opvolger_id: max(o.inwoners_overgegaan, 0) for o in naar}
    if sum(weights.values()) == 0:
        weights = dict.fromkeys(weights, 1)
    count = 0
    for row in open_per_invoice:
        amount = row["open"]
        if not amount:
            continue
        parts = allocate(amount, weights) if len(weights) > 1 else {naar[0].opvolger_id: amount}
        entries = [
            Vordering(
                factuur_id=row["factuur_id"],
                gemeente=voorganger,
                bedrag=-amount,
                soort=Vordering.Soort.OVERDRACHT,
                datum=herindeling.datum,
                herindeling=herindeling,
            )
        ]
        entries += [
            Vordering(
                factuur_id=row["factuur_id"],
                gemeente_id=gemeente_id,
                bedrag=part,
                soort=Vordering.Soort.OVERDRACHT,
                datum=herindeling.datum,
                herindeling=herindeling,
            )
            for gemeente_id, part in sorted(parts.items())
        ]
        Vordering.objects.bulk_create(entries)
        record(
            Actie.OVERIG,
            object_type="abonnementen.factuur",
            object_id=str(row["factuur_id"]),
            object_omschrijving=f"vordering van {voorganger.naam}",
            na={str(k): v for k, v in parts.items()},
            user=user,
            toelichting=f"open vordering overgedragen bij herindeling {herindeling.datum}",
        )
        count += 1
    return count
