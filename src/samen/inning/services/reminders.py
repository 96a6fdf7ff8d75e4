"""Reminders of overdue invoices: addressed to whoever holds the receivable now, a next one
only some days after the previous."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from samen.abonnementen.models import Factuur
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.dates import When, check_date, nl_date
from samen.core.errors import DomainError, Problem
from samen.inning import queries
from samen.inning.models import (
    Herinnering,
)

HERINNERING_NA_DAGEN = 14


@transaction.atomic
def send_reminder(
    factuur: Factuur, kanaal: str, datum: dt.date | None = None, user=None
) -> Herinnering:
    datum = datum or clock.today()
    problems = []
    if kanaal not in Herinnering.Kanaal.values:
        problems.append(Problem("kanaal", f"kies uit {', '.join(Herinnering.Kanaal.values)}"))
    if (
        check_date(
            datum,
            field="datum",
            label="De datum van de herinnering",
            when=When.PAST,
            problems=problems,
        )
        is None
    ):
        raise DomainError("De herinnering is niet verstuurd.", problems)
    root = queries.root_of(factuur)
    Factuur.objects.select_for_update().filter(pk=root.pk).first()
    open_ = queries.open_amount(root)
    if root.vervaldatum is None or root.vervaldatum >= datum:
        problems.append(Problem("factuur", "de factuur is nog niet vervallen", "not-overdue"))
    elif open_ <= 0:
        problems.append(Problem("factuur", "de factuur is betaald", "paid"))
    afzender = queries.office_details(root.arrangement.administratiekantoor_id)
    if afzender is None:
        problems.append(
            Problem(
                "afzendergegevens",
                f"het administratiekantoor {root.arrangement.administratiekantoor.naam} heeft nog "
                "geen afzendergegevens (naam, IBAN): een herinnering gaat niet uit zonder het "
                "rekeningnummer",
                "conflict",
            )
        )
    last = Herinnering.objects.filter(factuur=root).order_by("-volgnummer").first()
    if last is not None and datum < queries.plus_days(last.datum, HERINNERING_NA_DAGEN):
        problems.append(
            Problem(
                "datum",
                f"een volgende herinnering pas {HERINNERING_NA_DAGEN} dagen na de vorige "
                f"({nl_date(last.datum)}), dus vanaf "
                f"{nl_date(queries.plus_days(last.datum, HERINNERING_NA_DAGEN))}",
                "too-soon",
            )
        )
    if problems:
        raise DomainError("De herinnering is niet verstuurd.", problems)
    volgnummer = (last.volgnummer if last else 0) + 1
    houders = queries.current_holders([root]).get(root.pk) or [root.gemeente.naam]
    herinnering = Herinnering.objects.create(
        factuur=root,
        volgnummer=volgnummer,
        datum=datum,
        kanaal=kanaal,
        open_bedrag=open_,
        tekst=queries.reminder_text(root, open_, volgnummer, kanaal, houders, afzender),
        verstuurd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    record(
        Actie.AANMAKEN,
        herinnering,
        na={
            "factuur": root.nummer,
            "volgnummer": volgnummer,
            "kanaal": kanaal,
            "open": open_,
            "aan": houders,
        },
        user=user,
        toelichting="herinnering verstuurd",
    )
    return herinnering
