"""State changes of the fund's incentives and prefinancing: an incentive for the municipalities
live with a voorziening, prefinancing and its repayments (each booked as a commitment)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.dates import check_date, nl_date
from samen.core.errors import DomainError, Problem
from samen.core.money import format_euro
from samen.fonds.models import Activiteit

from .common import _amount, _check_datum, _year
from .execution import enter_commitment


@transaction.atomic
def grant_incentive(
    activiteit: Activiteit,
    voorziening,
    bedrag_per_gemeente,
    live_voor,
    datum,
    referentie: str,
    user=None,
):
    """A financial incentive for every municipality live with a voorziening before a date,
    taken from the participation register; booked as a commitment of kind stimulering for the
    year of ``datum`` (so it must fit the authorisation), with its recipients."""
    from samen.deelnames.models import Deelname, Status
    from samen.fonds.models import Ontvanger, Verplichting

    problems: list[Problem] = []
    amount = _amount(bedrag_per_gemeente, "bedragPerGemeente", problems, positive=True)
    if not isinstance(live_voor, dt.date):
        problems.append(Problem("liveVoor", f"geen datum: {live_voor!r}", "required"))
    else:
        check_date(live_voor, field="liveVoor", label="Live vóór", problems=problems)
    _check_datum(datum, "datum", "De datum van de prikkel", problems)
    if problems:
        raise DomainError("De prikkel is niet toegekend.", problems)
    live = list(
        Deelname.objects.filter(
            voorziening=voorziening,
            live_op__isnull=False,
            live_op__lt=live_voor,
            status=Status.IN_GEBRUIK,
        )
        .select_related("gemeente")
        .order_by("gemeente__code")
    )
    if not live:
        raise DomainError(
            "De prikkel is niet toegekend.",
            [Problem("liveVoor", f"geen gemeente was vóór {nl_date(live_voor)} live", "empty")],
        )
    assert amount is not None  # narrowed: its problem raised above
    total = amount * len(live)
    verplichting = enter_commitment(
        activiteit,
        referentie,
        f"Financiële prikkel {voorziening.naam}: live vóór {nl_date(live_voor)}",
        datum,
        {datum.year: total},
        soort=Verplichting.Soort.STIMULERING,
        user=user,
    )
    Ontvanger.objects.bulk_create(
        Ontvanger(verplichting=verplichting, gemeente=d.gemeente, bedrag=amount) for d in live
    )
    return verplichting


@transaction.atomic
def prefinance(
    activiteit, referentie, omschrijving, datum, uitbetaling: dict, terugbetaling: dict, user=None
):
    """Prefinancing of a project: paid out as a commitment (kind voorfinanciering) and repaid
    later on a schedule that adds up to exactly what is paid out."""
    from samen.fonds.models import Terugbetaling, Verplichting

    problems: list[Problem] = []
    out: dict[int, Decimal] = {}
    back: dict[int, Decimal] = {}
    for schedule, raw, name in (
        (out, uitbetaling, "uitbetaling"),
        (back, terugbetaling, "terugbetaling"),
    ):
        for j, b in raw.items():
            jaar = _year(j, f"{name}.{j}", problems)
            amount = _amount(b, f"{name}.{j}", problems)
            if jaar is not None and amount is not None:
                schedule[jaar] = amount
    if not problems:
        if sum(back.values()) != sum(out.values()):
            problems.append(
                Problem(
                    "terugbetaling",
                    f"de terugbetaling ({format_euro(sum(back.values()))}) is niet gelijk aan "
                    f"de uitbetaling ({format_euro(sum(out.values()))})",
                )
            )
        if back and out and min(back) < min(out):
            problems.append(Problem("terugbetaling", "terugbetalen begint niet vóór uitbetalen"))
    if problems:
        raise DomainError("De voorfinanciering is niet opgeslagen.", problems)
    verplichting = enter_commitment(
        activiteit,
        referentie,
        omschrijving,
        datum,
        out,
        soort=Verplichting.Soort.VOORFINANCIERING,
        user=user,
    )
    Terugbetaling.objects.bulk_create(
        Terugbetaling(verplichting=verplichting, jaar=j, bedrag=b) for j, b in back.items()
    )
    return verplichting


@transaction.atomic
def register_repayment(terugbetaling, bedrag, user=None):
    from samen.fonds.models import Terugbetaling

    problems: list[Problem] = []
    amount = _amount(bedrag, "bedrag", problems, positive=True)
    t = Terugbetaling.objects.select_for_update().get(pk=terugbetaling.pk)
    if amount is not None and t.ontvangen + amount > t.bedrag:
        problems.append(
            Problem("bedrag", f"meer dan de termijn ({format_euro(t.bedrag - t.ontvangen)} open)")
        )
    if problems:
        raise DomainError("De terugbetaling is niet geregistreerd.", problems)
    assert amount is not None  # narrowed: its problem raised above
    before = t.ontvangen
    t.ontvangen += amount
    t.save(update_fields=["ontvangen"])
    record(
        Actie.WIJZIGEN,
        t.verplichting,
        voor={"ontvangen": before},
        na={"jaar": t.jaar, "ontvangen": t.ontvangen},
        user=user,
        toelichting="terugbetaling",
    )
    return t
