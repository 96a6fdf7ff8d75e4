"""Invoices for given amounts: the financing forms whose total is not inhabitants x price (an
allocation key's shares, a regional contribution divided by population, interpreter assignments
per verrichting). The caller computes the amount per municipality; this issues one invoice per
municipality (and period) through the same run, gapless numbering, receivables ledger, parties,
PDF and SI-UBL as a subscription's billing run.

Idempotent: a municipality that already has the invoice for (arrangement, year, period) is
skipped, so a second call creates nothing. One transaction: a failure leaves nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samen.abonnementen import queries, tarieven
from samen.abonnementen.models import Arrangement, Factuur, Factuurregel, Factuurrun
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import bulk, clock
from samen.core.errors import DomainError, Problem
from samen.core.text import xml_safe_problems
from samen.gemeenten.models import Gemeente

from .billing import _issue, _register_run

MAX_BEDRAG = Decimal("999999999999.99")


@dataclass(frozen=True)
class Bedrag:
    """The amount one municipality is invoiced, with its basis: ``inwoners`` the population the
    share rests on (0 if none), ``grondslag`` what the amount is, shown on the invoice."""

    gemeente_id: int
    bedrag: Decimal
    grondslag: str
    inwoners: int = 0
    bronjaar: int | None = None


def _check_amounts(arrangement: Arrangement, jaar: int, bedragen: list[Bedrag]) -> list[Problem]:
    problems: list[Problem] = []
    if arrangement.per_inwoner:
        problems.append(
            Problem(
                "arrangement",
                "een abonnement per inwoner wordt gefactureerd met een factuurrun",
                "invalid",
            )
        )
    if isinstance(jaar, bool) or not isinstance(jaar, int):
        return [*problems, Problem("jaar", f"geen jaartal: {jaar!r}", "invalid")]
    if not arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
        problems.append(
            Problem("jaar", f"{jaar} valt buiten de looptijd {arrangement.looptijd}", "range")
        )
    if not arrangement.diensten.exists():
        problems.append(Problem("arrangement", "het arrangement heeft geen diensten"))
    seen: set[int] = set()
    for i, b in enumerate(bedragen):
        name = f"bedragen[{i}]"
        if b.gemeente_id in seen:
            problems.append(Problem(name, "een gemeente staat er twee keer in", "duplicate"))
        seen.add(b.gemeente_id)
        if not isinstance(b.bedrag, Decimal) or b.bedrag != b.bedrag.quantize(Decimal("0.01")):
            problems.append(Problem(name, "een bedrag in hele centen", "invalid"))
        elif not Decimal("0.01") <= b.bedrag <= MAX_BEDRAG:
            problems.append(Problem(name, "een bedrag groter dan nul", "range"))
        if not 0 <= b.inwoners <= 100_000_000:
            problems.append(Problem(name, "inwoners tussen 0 en 100.000.000", "range"))
        if not b.grondslag.strip() or len(b.grondslag) > 300:
            problems.append(Problem(name, "een grondslag van 1 tot 300 tekens", "invalid"))
        problems.extend(xml_safe_problems(b.grondslag, name, "De grondslag"))
    known = set(Gemeente.objects.filter(pk__in=seen).values_list("pk", flat=True))
    for i, b in enumerate(bedragen):
        if b.gemeente_id not in known:
            problems.append(Problem(f"bedragen[{i}]", "onbekende gemeente", "invalid"))
    return problems


@transaction.atomic
def invoice_amounts(
    arrangement: Arrangement,
    jaar: int,
    bedragen: Iterable[Bedrag],
    *,
    periode: str = "",
    user=None,
    factuurdatum: dt.date | None = None,
) -> Factuurrun:
    """Issue one invoice per municipality of ``bedragen`` for ``arrangement`` (not a
    subscription), ``jaar`` and ``periode``: total = the given amount, lines = that amount split
    over the arrangement's services by their budgets (``core.money.allocate``), numbered
    gaplessly in the arrangement's series (``Arrangement.nummerreeks``) in CBS-code order.
    Municipalities already invoiced for (arrangement, jaar, periode) are skipped; returns the
    run (``uitgegeven`` = how many were issued now, ``al_aanwezig`` = how many existed)."""
    bedragen = list(bedragen)
    factuurdatum = factuurdatum or clock.today()
    problems = _check_amounts(arrangement, jaar, bedragen)
    if len(periode) > 40:
        problems.append(Problem("periode", "hooguit 40 tekens", "invalid"))
    queries.check_factuurdatum(arrangement, factuurdatum, problems)
    if problems:
        raise DomainError("Er is niets gefactureerd.", problems)
    existing = set(
        Factuur.objects.filter(
            arrangement=arrangement, jaar=jaar, periode=periode, soort=Factuur.Soort.FACTUUR
        ).values_list("gemeente_id", flat=True)
    )
    todo = sorted(
        (b for b in bedragen if b.gemeente_id not in existing), key=lambda b: b.gemeente_id
    )
    run = _register_run(arrangement, jaar, user, overnemen=False)
    run.al_aanwezig = len(existing)
    run.te_maken = len(todo)
    run.save(update_fields=["al_aanwezig", "te_maken", "bijgewerkt_op"])
    budgets = queries.budgets(arrangement)
    diensten = {d.code: d.pk for d in arrangement.diensten.all()}
    now = timezone.now()
    ids = bulk.insert_with_ids(
        Factuur,
        [
            "uuid",
            "soort",
            "status",
            "arrangement",
            "jaar",
            "gemeente",
            "run",
            "periode",
            "inwoners",
            "bronjaar",
            "prijs",
            "vrijgesteld",
            "grondslag",
            "totaal",
            "reden",
            "aangemaakt_op",
        ],
        (
            (
                uuid.uuid4(),
                Factuur.Soort.FACTUUR.value,
                Factuur.Status.CONCEPT.value,
                arrangement.pk,
                jaar,
                b.gemeente_id,
                run.pk,
                periode,
                b.inwoners,
                b.bronjaar or jaar,
                Decimal("0.00"),
                "",
                b.grondslag.strip(),
                b.bedrag,
                "",
                now,
            )
            for b in todo
        ),
    )
    bulk.insert(
        Factuurregel,
        ["factuur", "dienst", "bedrag"],
        (
            (factuur_id, diensten[code], bedrag)
            for factuur_id, b in zip(ids, todo, strict=True)
            for code, bedrag in tarieven.invoice_lines(b.bedrag, budgets, budgets.keys()).items()
            if bedrag
        ),
    )
    _issue(run, factuurdatum, user)
    run.refresh_from_db()
    record(
        Actie.OVERIG,
        arrangement,
        na={"jaar": jaar, "periode": periode, "uitgegeven": run.uitgegeven},
        user=user,
        toelichting=f"gegeven bedragen gefactureerd: {run.bericht}"[:300],
    )
    return run
