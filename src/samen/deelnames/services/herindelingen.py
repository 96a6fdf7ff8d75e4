"""Municipal reorganisations applied to participations: the successor takes over the running
participations of its predecessors (with the history of where each came from). One
transaction each, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.dates import When, check_date
from samen.core.errors import DomainError, Problem
from samen.deelnames.models import Deelname, Statuswijziging


@transaction.atomic
def apply_herindelingen(tot_en_met: dt.date, user=None) -> dict[str, int]:
    """Pass running participations of dissolved municipalities to their successors, in date
    order: the original is ended on the herindeling date and points to the successor's
    participation; on a merger the most advanced status counts, on a split every successor that
    received a part takes part. Idempotent: a second run finds nothing to move."""
    from samen.deelnames.models import VOORTGANG, DeelnameOvergang
    from samen.gemeenten.models import Overgang

    problems: list[Problem] = []
    check_date(
        tot_en_met, field="tot", label="De datum 'tot en met'", when=When.PAST, problems=problems
    )
    if problems:
        raise DomainError("Er zijn geen herindelingen toegepast.", problems)
    moved = created = 0
    overgangen = (
        Overgang.objects.filter(herindeling__datum__lte=tot_en_met)
        .select_related("herindeling", "voorganger", "opvolger")
        .order_by("herindeling__datum", "voorganger__code", "opvolger__code")
    )
    by_date: dict[dt.date, list[Overgang]] = {}
    for o in overgangen:
        by_date.setdefault(o.herindeling.datum, []).append(o)
    for datum, links in sorted(by_date.items()):
        old_ids = {o.voorganger_id for o in links}
        running = list(
            Deelname.objects.filter(gemeente_id__in=old_ids, tot__isnull=True, sinds__lt=datum)
            .select_related("gemeente")
            .order_by("id")
        )
        for old in running:
            for link in (o for o in links if o.voorganger_id == old.gemeente_id):
                target = Deelname.objects.filter(
                    gemeente_id=link.opvolger_id,
                    voorziening_id=old.voorziening_id,
                    tot__isnull=True,
                ).first()
                if target is None:
                    target = Deelname.objects.create(
                        gemeente_id=link.opvolger_id,
                        voorziening_id=old.voorziening_id,
                        besluit_id=old.besluit_id,
                        herkomst=Deelname.Herkomst.HERINDELING,
                        status=old.status,
                        sinds=datum,
                        gepland_op=old.gepland_op,
                        live_op=old.live_op,
                        voorganger=old,
                    )
                    Statuswijziging.objects.create(
                        deelname=target,
                        status=old.status,
                        datum=datum,
                        toelichting=f"overgegaan van {old.gemeente.naam} bij herindeling",
                    )
                    created += 1
                elif VOORTGANG[old.status] > VOORTGANG[target.status]:
                    target.status = old.status
                    target.live_op = target.live_op or old.live_op
                    target.save(update_fields=["status", "live_op"])
                    Statuswijziging.objects.create(
                        deelname=target,
                        status=old.status,
                        datum=datum,
                        toelichting=f"verste status van {old.gemeente.naam} bij herindeling",
                    )
                DeelnameOvergang.objects.get_or_create(van=old, naar=target, overgang=link)
            old.tot = datum
            old.save(update_fields=["tot"])
            moved += 1
            record(
                Actie.WIJZIGEN,
                old,
                voor={"tot": None},
                na={
                    "tot": datum,
                    "overgegaan_naar": [
                        o.opvolger.code for o in links if o.voorganger_id == old.gemeente_id
                    ],
                },
                user=user,
                toelichting="herindeling",
            )
    return {"overgegaan": moved, "aangemaakt": created}
