"""The implementation status history of a participation: a new status, the correction of the
last change (a new row; the wrong one stays), and the implementation checklist. One
transaction each, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.actors import label, role_label
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.deelnames.models import Deelname, Status, Statuswijziging
from samen.deelnames.queries import last_status_change


@transaction.atomic
def update_status(
    deelname: Deelname,
    status: str,
    datum: dt.date,
    user=None,
    gepland_op: dt.date | None = None,
    toelichting: str = "",
    today: dt.date | None = None,
) -> Deelname:
    """A new implementation status, dated not in the future and not before the previous one;
    'gepland' needs a planned date that is not in the past (both relative to ``today``, the
    day of entry: the project clock, which a loader replaying history sets to the day it
    replays). 'in gebruik' sets the live date.

    A change to the status the participation already has (and, for 'gepland', the same planned
    date) changes nothing: no history row, no audit line. The participation's row is locked
    first, so parallel identical requests add one row at most. The returned participation
    carries ``gewijzigd`` (False when nothing changed)."""
    today = today or clock.today()
    deelname = Deelname.objects.select_for_update().get(pk=deelname.pk)
    problems: list[Problem] = []
    if deelname.tot is not None:
        raise Conflict("Deze deelname is beëindigd.")
    if status not in Status.values:
        problems.append(Problem("status", "onbekende status", "invalid_choice"))
    check_date(
        datum,
        field="datum",
        label="De datum van de status",
        when=When.PAST,
        problems=problems,
        today=today,
    )
    last = last_status_change(deelname)
    if last and datum < last.datum:
        problems.append(Problem("datum", f"ligt vóór de vorige status ({last.datum:%d-%m-%Y})"))
    if status == Status.GEPLAND and gepland_op is None:
        problems.append(Problem("geplandOp", "geef de geplande datum", "required"))
    check_date(
        gepland_op,
        field="geplandOp",
        label="De geplande datum",
        when=When.PLANNED,
        problems=problems,
        today=today,
    )
    if problems:
        raise DomainError("De status is niet bijgewerkt.", problems)
    if status == deelname.status and (
        status != Status.GEPLAND or gepland_op == deelname.gepland_op
    ):
        deelname.gewijzigd = False
        return deelname
    before = {"status": deelname.status, "live_op": deelname.live_op}
    deelname.status = status
    if status == Status.GEPLAND:
        deelname.gepland_op = gepland_op
    if status == Status.IN_GEBRUIK:
        deelname.live_op = datum
    deelname.save(update_fields=["status", "gepland_op", "live_op"])
    Statuswijziging.objects.create(
        deelname=deelname,
        status=status,
        datum=datum,
        door=label(user),
        door_als=role_label(user),
        toelichting=toelichting,
    )
    record(
        Actie.WIJZIGEN,
        deelname,
        voor=before,
        na={"status": status, "datum": datum, "gepland_op": gepland_op},
        user=user,
    )
    deelname.gewijzigd = True
    return deelname


@transaction.atomic
def correct_status(
    deelname: Deelname, wijziging=None, reden: str = "", user=None
) -> Statuswijziging:
    """Undo a wrong status change by a new history row (the wrong one stays as it was): the
    correction carries the status from before the wrong row, on the wrong row's date, and points
    to it, so the participation and its coverage on every date show the old status again. Only
    the latest change can be corrected, once, with a reason; the first status (joining) and a
    correction itself cannot (end the participation, or enter the right status instead)."""
    deelname = Deelname.objects.select_for_update().get(pk=deelname.pk)
    if deelname.tot is not None:
        raise Conflict("Deze deelname is beëindigd; een correctie is niet meer mogelijk.")
    problems: list[Problem] = []
    if not (reden or "").strip():
        problems.append(Problem("reden", "geef de reden van de correctie", "required"))
    wijziging_id = getattr(wijziging, "pk", wijziging)
    if wijziging_id is None:  # the latest change (the only one that can be corrected)
        target = last_status_change(deelname)
    else:
        target = deelname.statussen.filter(pk=wijziging_id).first()
    if target is None:
        problems.append(Problem("statuswijziging", "hoort niet bij deze deelname", "unknown"))
    if problems:
        raise DomainError("Er is niets gecorrigeerd.", problems)
    assert target is not None  # narrowed: its problem raised above
    if Statuswijziging.objects.filter(corrigeert=target).exists():
        raise Conflict("Deze statuswijziging is al gecorrigeerd; er is niets gewijzigd.")
    history = list(deelname.statussen.order_by("-datum", "-id")[:2])
    if target.corrigeert_id is not None:
        problems.append(
            Problem(
                "statuswijziging",
                "een correctie wordt niet zelf gecorrigeerd; voer de juiste status in",
            )
        )
    elif history[0].pk != target.pk:
        problems.append(
            Problem("statuswijziging", "alleen de laatste statuswijziging kan worden gecorrigeerd")
        )
    elif len(history) < 2:
        problems.append(
            Problem(
                "statuswijziging",
                "de eerste status (bij deelname) wordt niet gecorrigeerd; beëindig zo nodig de "
                "deelname",
            )
        )
    if problems:
        raise DomainError("Er is niets gecorrigeerd.", problems)
    previous = history[1]
    before = {"status": deelname.status, "live_op": deelname.live_op, "gepland_op": None}
    before["gepland_op"] = deelname.gepland_op
    deelname.status = previous.status
    if target.status == Status.IN_GEBRUIK and previous.status != Status.IN_GEBRUIK:
        deelname.live_op = None
    if target.status == Status.GEPLAND and previous.status != Status.GEPLAND:
        deelname.gepland_op = None
    deelname.save(update_fields=["status", "live_op", "gepland_op"])
    correctie = Statuswijziging.objects.create(
        deelname=deelname,
        status=previous.status,
        datum=target.datum,
        door=label(user),
        door_als=role_label(user),
        toelichting=f"correctie van {target.get_status_display()} ({target.datum:%d-%m-%Y}): "
        f"{reden.strip()}",
        corrigeert=target,
    )
    record(
        Actie.WIJZIGEN,
        deelname,
        voor=before,
        na={
            "status": deelname.status,
            "live_op": deelname.live_op,
            "gepland_op": deelname.gepland_op,
            "gecorrigeerd": {"status": target.status, "datum": target.datum},
        },
        user=user,
        toelichting=f"correctie statuswijziging: {reden.strip()}",
    )
    return correctie


@transaction.atomic
def tick_step(deelname: Deelname, stap, datum: dt.date, user=None, afgevinkt: bool = True):
    """Tick (or untick) one implementation step of a participation."""
    from samen.deelnames.models import AfgevinkteStap

    if stap.voorziening_id != deelname.voorziening_id:
        raise DomainError("Niet opgeslagen.", [Problem("stap", "hoort niet bij deze voorziening")])
    problems: list[Problem] = []
    check_date(datum, field="datum", label="De datum", when=When.PAST, problems=problems)
    if problems:
        raise DomainError("Niet opgeslagen.", problems)
    if afgevinkt:
        _, created = AfgevinkteStap.objects.get_or_create(
            deelname=deelname, stap=stap, defaults={"datum": datum, "door": label(user)}
        )
    else:
        created = bool(AfgevinkteStap.objects.filter(deelname=deelname, stap=stap).delete()[0])
    if created:
        record(
            Actie.WIJZIGEN,
            deelname,
            na={"stap": stap.omschrijving, "afgevinkt": afgevinkt, "datum": datum},
            user=user,
            toelichting="implementatiestap",
        )
    return created
