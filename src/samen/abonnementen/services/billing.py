"""Billing runs: one invoice per paying municipality per year, once. A run is a sequence of
short transactions: it writes drafts in committed batches, so its progress shows, then numbers
and issues them in one short transaction; a failure removes its drafts and issues nothing."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from samen.abonnementen import kenmerk, queries, vastlegging
from samen.abonnementen.models import (
    Arrangement,
    Factuur,
    Factuurregel,
    Factuurrun,
    Nummerreeks,
    Vordering,
    format_nummer,
)
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import bulk, clock
from samen.core.actors import authenticated
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import format_number
from samen.gemeenten.models import Gemeente

from .herindelingen import apply_herindelingen

logger = logging.getLogger(__name__)


BETAALTERMIJN_DAGEN = 30


STALE_AFTER = dt.timedelta(minutes=15)


def start_billing_run(
    arrangement: Arrangement, jaar: int, user=None, factuurdatum: dt.date | None = None
):
    """Check and enqueue a billing run as a background job; returns the job (Taak)."""
    from samen.core.jobs import start_job

    problems = queries.check_billable(arrangement, jaar)
    queries.check_factuurdatum(arrangement, factuurdatum, problems)
    if problems:
        raise DomainError("De factuurrun is niet gestart.", problems)
    if Factuurrun.objects.filter(
        arrangement=arrangement,
        jaar=jaar,
        status=Factuurrun.Status.BEZIG,
        bijgewerkt_op__gt=timezone.now() - STALE_AFTER,
    ).exists():
        raise Conflict(
            f"Er loopt al een factuurrun voor {arrangement} {jaar}.",
            [Problem("jaar", "er loopt al een factuurrun voor dit jaar", "conflict")],
        )
    from samen.core.models import Taak

    if Taak.objects.filter(
        soort="abonnementen.factuurrun",
        status=Taak.Status.WACHTEND,
        parameters__arrangement=str(arrangement.uuid),
        parameters__jaar=int(jaar),
    ).exists():
        # A repeated submit: the run it asks for is already waiting to be processed.
        raise Conflict(
            f"De factuurrun voor {arrangement} {jaar} staat al klaar.",
            [Problem("jaar", "de factuurrun voor dit jaar staat al klaar", "conflict")],
        )
    return start_job(
        "abonnementen.factuurrun",
        f"Factuurrun {arrangement} {jaar}",
        user=authenticated(user),
        arrangement=str(arrangement.uuid),
        jaar=int(jaar),
        factuurdatum=factuurdatum.isoformat() if factuurdatum else None,
    )


@dataclass
class Voorvertoning:
    """What a billing run would do now, shown before it is confirmed."""

    arrangement: Arrangement
    jaar: int
    factuurdatum: dt.date
    te_maken: int
    totaal: Decimal
    al_aanwezig: int


def preview_billing(
    arrangement: Arrangement, jaar: int, factuurdatum: dt.date | None = None
) -> Voorvertoning:
    """The same checks as a run, and the invoices it would make (number and total), without
    changing anything: the herindelingen a run applies first are applied and rolled back."""
    factuurdatum = factuurdatum or clock.today()
    problems = queries.check_billable(arrangement, jaar)
    queries.check_factuurdatum(arrangement, factuurdatum, problems)
    if problems:
        raise DomainError("De factuurrun is niet gestart.", problems)
    with transaction.atomic():
        apply_herindelingen(arrangement, dt.date(jaar, 1, 1))
        remaining = queries.not_yet_invoiced(arrangement, jaar)
        todo = queries.plan(arrangement, jaar, None, remaining) if remaining.exists() else []
        al_aanwezig = Factuur.objects.filter(
            arrangement=arrangement, jaar=jaar, soort=Factuur.Soort.FACTUUR
        ).count()
        transaction.set_rollback(True)
    return Voorvertoning(
        arrangement,
        jaar,
        factuurdatum,
        len(todo),
        sum((p.totaal for p in todo), Decimal("0.00")),
        al_aanwezig,
    )


def _register_run(arrangement: Arrangement, jaar: int, user, overnemen: bool) -> Factuurrun:
    try:
        with transaction.atomic():
            return Factuurrun.objects.create(
                arrangement=arrangement, jaar=jaar, gestart_door=authenticated(user)
            )
    except IntegrityError:
        pass
    running = Factuurrun.objects.get(
        arrangement=arrangement, jaar=jaar, status=Factuurrun.Status.BEZIG
    )
    if not overnemen and running.bijgewerkt_op > timezone.now() - STALE_AFTER:
        raise Conflict(
            f"Er loopt al een factuurrun voor {arrangement} {jaar} "
            f"(gestart {timezone.localtime(running.gestart_op):%d-%m-%Y %H:%M}).",
            [Problem("jaar", "er loopt al een factuurrun voor dit jaar", "conflict")],
        )
    abort_run(running, "overgenomen door een nieuwe run", user=user)
    with transaction.atomic():
        return Factuurrun.objects.create(
            arrangement=arrangement, jaar=jaar, gestart_door=authenticated(user)
        )


def abort_run(run: Factuurrun, reden: str, user=None) -> int:
    """Remove a run's drafts and mark it failed; issued invoices are never touched."""
    with transaction.atomic():
        drafts = Factuur.objects.filter(run=run, status=Factuur.Status.CONCEPT)
        Factuurregel.objects.filter(factuur__in=drafts).delete()
        removed, _ = drafts.delete()
        # A run only moves forward: running to failed (a finished run is never failed later).
        Factuurrun.objects.filter(pk=run.pk, status=Factuurrun.Status.BEZIG).update(
            status=Factuurrun.Status.MISLUKT,
            bericht=reden[:2000],
            gereed_op=timezone.now(),
            concepten=0,
        )
        record(
            Actie.OVERIG,
            run,
            na={"status": "mislukt", "concepten_verwijderd": removed},
            user=user,
            toelichting=reden[:300],
        )
    return removed


def billing_run(
    arrangement: Arrangement,
    jaar: int,
    user=None,
    factuurdatum: dt.date | None = None,
    progress=None,
    batch_size: int = 2000,
    overnemen: bool = False,
    taak=None,
    _fail_after_batches: int | None = None,
) -> Factuurrun:
    """Invoice every paying municipality for ``jaar``: one invoice each, once.

    A second run creates nothing and says so; two runs at once are refused by the database
    (one running run per arrangement and year, and one yearly invoice per municipality)."""
    factuurdatum = factuurdatum or clock.today()
    problems = queries.check_billable(arrangement, jaar)
    queries.check_factuurdatum(arrangement, factuurdatum, problems)
    if problems:
        raise DomainError("De factuurrun is niet gestart.", problems)
    apply_herindelingen(arrangement, dt.date(jaar, 1, 1), user=user)
    run = _register_run(arrangement, jaar, user, overnemen)
    if taak is not None:
        Factuurrun.objects.filter(pk=run.pk).update(taak=taak)
    try:
        # Only what is not invoiced yet is computed: a second run finds nothing and stops.
        remaining = queries.not_yet_invoiced(arrangement, jaar)
        run.al_aanwezig = Factuur.objects.filter(
            arrangement=arrangement, jaar=jaar, soort=Factuur.Soort.FACTUUR
        ).count()
        todo: list[queries.Regelplan] = []
        bronjaar = None
        if remaining.exists():
            bevolking = queries.population(jaar)
            bronjaar = bevolking.bronjaar
            todo = queries.plan(arrangement, jaar, bevolking, remaining)
        run.te_maken = len(todo)
        run.save(update_fields=["te_maken", "al_aanwezig", "bijgewerkt_op"])
        if progress is not None:
            progress.total(len(todo))
        diensten = {d.code: d.pk for d in arrangement.diensten.all()}
        written = 0
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            with transaction.atomic():
                _write_drafts(run, arrangement, jaar, bronjaar, batch, diensten)
                written += len(batch)
                Factuurrun.objects.filter(pk=run.pk).update(
                    concepten=written, bijgewerkt_op=timezone.now()
                )
            if progress is not None:
                progress.advance(written, f"{written} van {len(todo)} concepten")
            if _fail_after_batches is not None and start // batch_size + 1 >= _fail_after_batches:
                raise RuntimeError("afgebroken (test)")
        _issue(run, factuurdatum, user)
    except BaseException as exc:
        logger.exception("billing run %s failed", run.uuid)
        try:
            abort_run(run, f"mislukt: {exc}", user=user)
        except Exception:  # the database itself may be gone: the next run takes over
            logger.exception("billing run %s: could not remove its drafts", run.uuid)
        raise
    run.refresh_from_db()
    return run


def _write_drafts(
    run, arrangement, jaar, bronjaar, batch: list[queries.Regelplan], diensten
) -> None:
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
            "abonnement",
            "run",
            "inwoners",
            "bronjaar",
            "prijs",
            "vrijgesteld",
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
                p.gemeente_id,
                p.abonnement_id,
                run.pk,
                p.inwoners,
                bronjaar,
                p.prijs,
                ", ".join(p.vrijgesteld),
                p.totaal,
                "",
                now,
            )
            for p in batch
        ),
    )
    bulk.insert(
        Factuurregel,
        ["factuur", "dienst", "bedrag"],
        (
            (factuur_id, diensten[code], bedrag)
            for factuur_id, p in zip(ids, batch, strict=True)
            for code, bedrag in p.regels.items()
        ),
    )


def _take_numbers(jaar: int, count: int, reeks: str = "") -> int:
    """Reserve ``count`` gapless numbers in series ``reeks``'s counter for ``jaar`` under a
    row lock; returns the number before the first one. A new series whose payment-reference
    code (``kenmerk.series_code``) another series already has is refused before it numbers
    anything: their references would be the same."""
    if reeks and not Nummerreeks.objects.filter(reeks=reeks).exists():
        code = kenmerk.series_code(reeks)
        clash = sorted(
            r
            for r in Nummerreeks.objects.exclude(reeks=reeks)
            .values_list("reeks", flat=True)
            .distinct()
            if r and kenmerk.series_code(r) == code
        )
        if clash:
            raise DomainError(
                "De facturen zijn niet genummerd.",
                [
                    Problem(
                        "nummerreeks",
                        f"reeks {reeks!r} krijgt in het betalingskenmerk dezelfde code "
                        f"({code:02d}) als reeks {clash[0]!r}: kies een andere naam",
                        "series_clash",
                    )
                ],
            )
    Nummerreeks.objects.get_or_create(reeks=reeks, jaar=jaar)
    reeks = Nummerreeks.objects.select_for_update().get(reeks=reeks, jaar=jaar)
    base = reeks.laatste
    reeks.laatste = base + count
    reeks.save(update_fields=["laatste"])
    return base


def _issue(run: Factuurrun, factuurdatum: dt.date, user) -> None:
    """Number and issue the run's drafts in one short transaction, in order of CBS code."""
    with transaction.atomic():
        count = Factuur.objects.filter(run=run, status=Factuur.Status.CONCEPT).count()
        if count:
            # The parties as they stand now belong to these documents from now on.
            vastlegging.vastleggen_run(run)
            serie = run.arrangement.nummerreeks
            base = _take_numbers(factuurdatum.year, count, serie)
            vervaldatum = factuurdatum + dt.timedelta(days=BETAALTERMIJN_DAGEN)
            factuur = connection.ops.quote_name(Factuur._meta.db_table)
            gemeente = connection.ops.quote_name(Gemeente._meta.db_table)
            with connection.cursor() as cursor:
                # Table names come from the models; every value is a bound parameter.
                cursor.execute(
                    f"UPDATE {factuur} SET status = %s, reeks = %s, nummerjaar = %s, "  # noqa: S608
                    "volgnummer = %s + t.rn, factuurdatum = %s, vervaldatum = %s "
                    f"FROM (SELECT f.id AS fid, ROW_NUMBER() OVER (ORDER BY g.code) AS rn "
                    f"FROM {factuur} f JOIN {gemeente} g ON g.id = f.gemeente_id "
                    "WHERE f.run_id = %s AND f.status = %s) AS t "
                    f"WHERE {factuur}.id = t.fid",
                    [
                        Factuur.Status.UITGEGEVEN.value,
                        serie,
                        factuurdatum.year,
                        base,
                        factuurdatum,
                        vervaldatum,
                        run.pk,
                        Factuur.Status.CONCEPT.value,
                    ],
                )
                vordering = connection.ops.quote_name(Vordering._meta.db_table)
                cursor.execute(
                    f"INSERT INTO {vordering} "  # noqa: S608
                    "(factuur_id, gemeente_id, bedrag, soort, datum, aangemaakt_op) "
                    f"SELECT id, gemeente_id, totaal, %s, factuurdatum, %s FROM {factuur} "
                    "WHERE run_id = %s",
                    [Vordering.Soort.FACTUUR.value, timezone.now(), run.pk],
                )
        serie = run.arrangement.nummerreeks
        first = format_nummer(factuurdatum.year, base + 1, serie) if count else ""
        last = format_nummer(factuurdatum.year, base + count, serie) if count else ""
        bericht = (
            f"{format_number(count)} facturen uitgegeven ({first} t/m {last})"
            if count
            else "niets nieuw te factureren: alle facturen voor dit jaar bestaan al"
        )
        Factuurrun.objects.filter(pk=run.pk).update(
            status=Factuurrun.Status.GEREED,
            uitgegeven=count,
            eerste_nummer=first,
            laatste_nummer=last,
            bericht=bericht,
            gereed_op=timezone.now(),
        )
        record(
            Actie.AANMAKEN,
            run,
            na={"uitgegeven": count, "eerste": first, "laatste": last},
            user=user,
            toelichting=bericht,
        )
