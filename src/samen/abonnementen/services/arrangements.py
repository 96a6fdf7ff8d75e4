"""An arrangement's terms as billed: the index per year, subscriptions (one or all
municipalities) and exemptions per service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from samen.abonnementen.models import (
    Abonnement,
    Arrangement,
    Dienst,
    Factuur,
    Indexcijfer,
    Vrijstelling,
)
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import dates
from samen.core.errors import DomainError, Problem
from samen.core.money import MoneyError, parse_amount
from samen.core.text import check_xml_text
from samen.gemeenten.models import Gemeente

#: The longest free text that reaches a document (a correction's or exemption's reason).
REDEN_MAX = 300


def _percentage(value) -> Decimal:
    """An index percentage: a Decimal or int as it is, a typed text read the Dutch way
    (``parse_amount``: "1,5"; "1.5" is read too), at most three decimals, above -100."""
    if isinstance(value, str):
        pct = parse_amount(value, places=3, negative=True)
    elif isinstance(value, Decimal | int) and not isinstance(value, bool):
        pct = Decimal(value)
        if not pct.is_finite() or pct != pct.quantize(Decimal("0.001")):
            raise MoneyError(f"geen geldig percentage: {value!r} (hooguit 3 decimalen)")
    else:
        raise MoneyError(f"geen geldig percentage: {value!r}")
    if pct <= -100:
        raise MoneyError(f"een index van {value}% of lager kan niet")
    return pct


@transaction.atomic
def set_index(
    arrangement: Arrangement, jaar: int, percentage, bron: str = "", voorbeeld=False, user=None
) -> Indexcijfer:
    problems = []
    try:
        pct = _percentage(percentage)
    except (InvalidOperation, ValueError) as exc:
        problems.append(Problem("percentage", str(exc)))
        pct = None
    if isinstance(jaar, bool) or not isinstance(jaar, int):
        raise DomainError(
            "Het indexcijfer is niet opgeslagen.", [Problem("jaar", f"geen jaartal: {jaar!r}")]
        )
    if not arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
        problems.append(Problem("jaar", f"{jaar} valt buiten de looptijd {arrangement.looptijd}"))
    if Factuur.objects.filter(
        arrangement=arrangement, jaar__gte=jaar, status=Factuur.Status.UITGEGEVEN
    ).exists():
        problems.append(
            Problem("jaar", "er zijn al facturen uitgegeven op dit indexcijfer", "conflict")
        )
    if problems:
        raise DomainError("Het indexcijfer is niet opgeslagen.", problems)
    previous = Indexcijfer.objects.filter(arrangement=arrangement, jaar=jaar).first()
    index, _ = Indexcijfer.objects.update_or_create(
        arrangement=arrangement,
        jaar=jaar,
        defaults={"percentage": pct, "bron": bron, "voorbeeld": voorbeeld},
    )
    record(
        Actie.WIJZIGEN if previous else Actie.AANMAKEN,
        arrangement,
        voor={"jaar": jaar, "percentage": previous.percentage} if previous else None,
        na={"jaar": jaar, "percentage": pct, "bron": bron},
        user=user,
        toelichting="indexcijfer",
    )
    return index


def _periode(arrangement: Arrangement) -> tuple[dt.date, dt.date]:
    return dt.date(arrangement.eerste_jaar, 1, 1), dt.date(arrangement.laatste_jaar, 12, 31)


@transaction.atomic
def subscribe(
    arrangement: Arrangement, gemeente: Gemeente, van: dt.date, tot=None, user=None
) -> Abonnement:
    begin, einde = _periode(arrangement)
    tot = tot or einde
    problems = []
    for value, field, label in ((van, "van", "Het begin"), (tot, "tot", "Het einde")):
        dates.check_date(value, field=field, label=label, problems=problems)
    if problems:
        raise DomainError("Het abonnement is niet aangemaakt.", problems)
    if not gemeente.bestaat_op(van):
        problems.append(
            Problem("gemeente", f"{gemeente.naam} ({gemeente.code}) bestaat niet op {van:%d-%m-%Y}")
        )
    if van < begin or tot > einde or tot < van:
        problems.append(Problem("van", f"periode buiten de looptijd {arrangement.looptijd}"))
    if Abonnement.objects.filter(arrangement=arrangement, gemeente=gemeente).exists():
        problems.append(Problem("gemeente", f"{gemeente.naam} heeft al een abonnement", "unique"))
    if problems:
        raise DomainError("Het abonnement is niet aangemaakt.", problems)
    abonnement = Abonnement.objects.create(
        arrangement=arrangement, gemeente=gemeente, van=van, tot=tot
    )
    record(Actie.AANMAKEN, abonnement, na={"van": van, "tot": tot}, user=user)
    return abonnement


@transaction.atomic
def end_subscription(
    abonnement: Abonnement, tot: dt.date, reden: str, user=None
) -> Abonnement | None:
    """The subscription ends on ``tot`` (the billing run takes the subscriptions running on
    1 January that have no yearly invoice yet), with the reason in the audit trail. Never later
    than it already ends. One that would end before it begins is removed when it was never
    invoiced (None is returned), else it ends on its first day: its invoice stands and is
    corrected with a credit note, not by editing it."""
    reden = (reden or "").strip()
    problems: list[Problem] = []
    if not reden:
        problems.append(
            Problem("reden", "Geef de reden waarom het abonnement eindigt.", "required")
        )
    elif len(reden) > REDEN_MAX:
        problems.append(Problem("reden", f"Hoogstens {REDEN_MAX} tekens.", "max_length"))
    dates.check_date(tot, field="tot", label="Het einde", problems=problems)
    if problems:
        raise DomainError("Het abonnement is niet beëindigd.", problems)
    abonnement = Abonnement.objects.select_for_update().get(pk=abonnement.pk)
    if abonnement.tot is not None and abonnement.tot <= tot:
        return abonnement
    if tot < abonnement.van and not Factuur.objects.filter(abonnement=abonnement).exists():
        record(
            Actie.VERWIJDEREN,
            abonnement,
            voor={"van": abonnement.van, "tot": abonnement.tot},
            user=user,
            toelichting=reden,
        )
        abonnement.voorgangers.clear()
        abonnement.delete()
        return None
    tot = max(tot, abonnement.van)
    voor = {"tot": abonnement.tot}
    abonnement.tot = tot
    abonnement.save(update_fields=["tot"])
    record(Actie.WIJZIGEN, abonnement, voor=voor, na={"tot": tot}, user=user, toelichting=reden)
    return abonnement


@transaction.atomic
def subscribe_all(arrangement: Arrangement, user=None) -> int:
    """A subscription for every municipality that exists at the start of the term ("in principe
    alle gemeenten"); idempotent."""
    begin, einde = _periode(arrangement)
    have = set(
        Abonnement.objects.filter(arrangement=arrangement).values_list("gemeente_id", flat=True)
    )
    new = [
        Abonnement(arrangement=arrangement, gemeente=g, van=begin, tot=einde)
        for g in Gemeente.objects.op(begin).order_by("code")
        if g.pk not in have
    ]
    Abonnement.objects.bulk_create(new, batch_size=1000)
    if new:
        record(
            Actie.AANMAKEN,
            arrangement,
            na={"abonnementen": len(new)},
            user=user,
            toelichting=f"abonnementen voor alle gemeenten van {begin:%d-%m-%Y}",
        )
    return len(new)


@transaction.atomic
def add_exemption(
    abonnement: Abonnement,
    dienst: Dienst,
    van: dt.date,
    tot: dt.date | None,
    reden: str,
    voorbeeld: bool = False,
    user=None,
) -> Vrijstelling:
    problems = []
    dates.check_date(van, field="van", label="Het begin", problems=problems)
    dates.check_date(tot, field="tot", label="Het einde", problems=problems)
    if problems:
        raise DomainError("De vrijstelling is niet opgeslagen.", problems)
    if dienst.arrangement_id != abonnement.arrangement_id:
        problems.append(Problem("dienst", "de dienst hoort niet bij dit arrangement"))
    if not reden.strip():
        problems.append(Problem("reden", "een vrijstelling heeft een reden"))
    elif len(reden.strip()) > REDEN_MAX:
        problems.append(Problem("reden", f"hooguit {REDEN_MAX} tekens"))
    check_xml_text(reden, field="reden", label="De reden", problems=problems)
    if tot is not None and tot < van:
        problems.append(Problem("tot", "eindigt voor het begin"))
    if van < abonnement.van or (abonnement.tot and (tot is None or tot > abonnement.tot)):
        problems.append(Problem("van", "valt buiten de periode van het abonnement"))
    for other in Vrijstelling.objects.filter(abonnement=abonnement, dienst=dienst):
        other_end = other.tot or dt.date.max
        end = tot or dt.date.max
        if van <= other_end and other.van <= end:
            problems.append(
                Problem(
                    "van",
                    f"overlapt de vrijstelling van {other.van:%d-%m-%Y} ({other.reden})",
                    "overlap",
                )
            )
    if problems:
        raise DomainError("De vrijstelling is niet opgeslagen.", problems)
    vrijstelling = Vrijstelling.objects.create(
        abonnement=abonnement, dienst=dienst, van=van, tot=tot, reden=reden, voorbeeld=voorbeeld
    )
    record(
        Actie.AANMAKEN,
        vrijstelling,
        na={"dienst": dienst.code, "van": van, "tot": tot, "reden": reden},
        user=user,
    )
    return vrijstelling
