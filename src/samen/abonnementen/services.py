"""State changes of arrangements priced per inhabitant: indices, subscriptions, exemptions,
billing runs, corrections and herindelingen. Each service is one transaction (a billing run is a
sequence of short ones: it writes drafts in committed batches, so its progress shows, then numbers
and issues them in one short transaction; a failure removes its drafts and issues nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from samen.abonnementen import queries, tarieven, vastlegging
from samen.abonnementen.models import (
    Abonnement,
    Arrangement,
    Dienst,
    Factuur,
    Factuurgegevens,
    Factuurregel,
    Factuurrun,
    Indexcijfer,
    Nummerreeks,
    Vordering,
    Vrijstelling,
    format_nummer,
)
from samen.abonnementen.models_ubl import FACTUURGEGEVENS_VELDEN
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import bulk, clock, dates
from samen.core.actors import authenticated
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import MoneyError, allocate, format_euro, format_number, parse_amount
from samen.core.text import check_xml_text
from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente, Herindeling, Overgang
from samen.gemeenten.queries import links

logger = logging.getLogger(__name__)

BETAALTERMIJN_DAGEN = 30
STALE_AFTER = dt.timedelta(minutes=15)
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


# ---------------------------------------------------------------- arrangement data


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


# ---------------------------------------------------------------- herindelingen


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


# ---------------------------------------------------------------- billing


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


def _take_numbers(jaar: int, count: int) -> int:
    """Reserve ``count`` gapless numbers in ``jaar``'s series under a row lock; returns the
    number before the first one."""
    Nummerreeks.objects.get_or_create(jaar=jaar)
    reeks = Nummerreeks.objects.select_for_update().get(jaar=jaar)
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
            base = _take_numbers(factuurdatum.year, count)
            vervaldatum = factuurdatum + dt.timedelta(days=BETAALTERMIJN_DAGEN)
            factuur = connection.ops.quote_name(Factuur._meta.db_table)
            gemeente = connection.ops.quote_name(Gemeente._meta.db_table)
            with connection.cursor() as cursor:
                # Table names come from the models; every value is a bound parameter.
                cursor.execute(
                    f"UPDATE {factuur} SET status = %s, nummerjaar = %s, "  # noqa: S608
                    "volgnummer = %s + t.rn, factuurdatum = %s, vervaldatum = %s "
                    f"FROM (SELECT f.id AS fid, ROW_NUMBER() OVER (ORDER BY g.code) AS rn "
                    f"FROM {factuur} f JOIN {gemeente} g ON g.id = f.gemeente_id "
                    "WHERE f.run_id = %s AND f.status = %s) AS t "
                    f"WHERE {factuur}.id = t.fid",
                    [
                        Factuur.Status.UITGEGEVEN.value,
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
        first = format_nummer(factuurdatum.year, base + 1) if count else ""
        last = format_nummer(factuurdatum.year, base + count) if count else ""
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


# ---------------------------------------------------------------- corrections


@transaction.atomic
def correct_invoice(
    factuur: Factuur,
    reden: str,
    inwoners: int | None = None,
    volledig: bool = False,
    factuurdatum: dt.date | None = None,
    user=None,
) -> Factuur:
    """A credit note (or a supplementary invoice) that references ``factuur``: the whole amount
    (``volledig``) or the difference a corrected number of inhabitants makes."""
    problems = []
    factuurdatum = factuurdatum or clock.today()
    if factuur.soort != Factuur.Soort.FACTUUR or not factuur.uitgegeven:
        problems.append(Problem("factuur", "alleen een uitgegeven jaarfactuur wordt gecorrigeerd"))
    if not reden or not reden.strip():
        problems.append(Problem("reden", "een correctie heeft een reden"))
    elif len(reden.strip()) > REDEN_MAX:
        problems.append(Problem("reden", f"hooguit {REDEN_MAX} tekens"))
    check_xml_text(reden, field="reden", label="De reden", problems=problems)
    queries.check_factuurdatum(
        factuur.arrangement,
        factuurdatum,
        problems,
        label="De datum van de correctie",
        earliest=factuur.factuurdatum,
    )
    if volledig == (inwoners is not None):
        problems.append(Problem("inwoners", "geef het juiste aantal inwoners óf volledig"))
    elif inwoners is not None and not 0 <= inwoners <= 100_000_000:
        problems.append(Problem("inwoners", "tussen 0 en 100.000.000"))
    if problems:
        raise DomainError("De correctie is niet gemaakt.", problems)
    corrected_so_far = Factuur.objects.filter(verwijst_naar=factuur).aggregate(s=Sum("totaal"))[
        "s"
    ] or Decimal("0.00")
    current = factuur.totaal + corrected_so_far
    target = Decimal("0.00") if volledig else tarieven.invoice_total(inwoners, factuur.prijs)
    verschil = target - current
    if verschil == 0:
        raise DomainError(
            "De correctie is niet gemaakt.",
            [Problem("inwoners", "het bedrag verandert niet: er is niets te corrigeren")],
        )
    bud = {d.code: d.budget for d in Dienst.objects.filter(pk__in=factuur.regels.values("dienst"))}
    regels = tarieven.invoice_lines(verschil, bud, bud.keys())
    gemeente, abonnement = factuur.gemeente, factuur.abonnement
    if not gemeente.bestaat_op(factuurdatum):
        # Addressed to the successor that holds the subscription now.
        codes = rules.successors(gemeente.code, links(), factuurdatum)
        if len(codes) != 1:
            raise DomainError(
                "De correctie is niet gemaakt.",
                [
                    Problem(
                        "factuur",
                        f"{gemeente.naam} is opgedeeld; corrigeer per opvolger",
                        "conflict",
                    )
                ],
            )
        gemeente = Gemeente.objects.get(code=codes[0])
        abonnement = (
            Abonnement.objects.filter(arrangement=factuur.arrangement, gemeente=gemeente).first()
            or abonnement
        )
    base = _take_numbers(factuurdatum.year, 1)
    correctie = Factuur.objects.create(
        soort=Factuur.Soort.CREDITNOTA if verschil < 0 else Factuur.Soort.AANVULLEND,
        status=Factuur.Status.CONCEPT,
        arrangement=factuur.arrangement,
        jaar=factuur.jaar,
        gemeente=gemeente,
        abonnement=abonnement,
        nummerjaar=factuurdatum.year,
        volgnummer=base + 1,
        factuurdatum=factuurdatum,
        vervaldatum=factuurdatum + dt.timedelta(days=BETAALTERMIJN_DAGEN),
        inwoners=(inwoners - factuur.inwoners) if inwoners is not None else -factuur.inwoners,
        bronjaar=factuur.bronjaar,
        prijs=factuur.prijs,
        vrijgesteld=factuur.vrijgesteld,
        totaal=verschil,
        verwijst_naar=factuur,
        reden=reden.strip()[:300],
    )
    diensten = {d.code: d for d in Dienst.objects.filter(arrangement=factuur.arrangement)}
    Factuurregel.objects.bulk_create(
        Factuurregel(factuur=correctie, dienst=diensten[code], bedrag=bedrag)
        for code, bedrag in regels.items()
    )
    vastlegging.vastleggen(correctie)
    Factuur.objects.filter(pk=correctie.pk).update(status=Factuur.Status.UITGEGEVEN)
    correctie.refresh_from_db()
    # The correction settles with whoever holds the original's receivable now.
    holders = (
        Vordering.objects.filter(factuur=factuur)
        .values("gemeente_id")
        .annotate(open=Sum("bedrag"))
        .order_by("gemeente_id")
    )
    weights = {h["gemeente_id"]: h["open"] for h in holders if h["open"] > 0}
    if not weights:
        weights = {gemeente.pk: 1}
    parts = allocate(verschil, weights) if len(weights) > 1 else {next(iter(weights)): verschil}
    Vordering.objects.bulk_create(
        Vordering(
            factuur=correctie,
            gemeente_id=gemeente_id,
            bedrag=part,
            soort=Vordering.Soort.FACTUUR,
            datum=factuurdatum,
        )
        for gemeente_id, part in sorted(parts.items())
    )
    record(
        Actie.AANMAKEN,
        correctie,
        na={
            "soort": correctie.soort,
            "nummer": correctie.nummer,
            "verwijst_naar": factuur.nummer,
            "bedrag": verschil,
        },
        user=user,
        toelichting=f"{reden.strip()} ({format_euro(verschil)})"[:300],
    )
    return correctie


# ---------------------------------------------------------------- invoice details (e-invoices)


IMPORT_VERPLICHT = ["gemeentecode", "juridische_naam", "straat", "postcode", "plaats"]

IMPORT_KOLOMMEN = ["gemeentecode", *FACTUURGEGEVENS_VELDEN]


def import_factuurgegevens(data: bytes, bestandsnaam: str, user=None) -> tuple[int, int, int]:
    """Import municipalities' invoice details from CSV (header on line 1, columns
    ``IMPORT_KOLOMMEN``; comma or semicolon). All or nothing: any problem raises DomainError
    naming file, line and field, and nothing changes. A column left out keeps the stored value.
    Returns (created, updated, unchanged)."""
    problems: list[Problem] = []

    def problem(line, field, reason):
        problems.append(Problem(field, str(reason), "invalid", line, bestandsnaam))

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem(1, "bestand", "geen UTF-8-tekst")
        raise DomainError(f"{bestandsnaam}: niets gewijzigd", problems) from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in first else ",")
    header = [h.strip().lower() for h in next(reader, [])]
    for name in IMPORT_VERPLICHT:
        if name not in header:
            problem(1, name, f"kolom '{name}' ontbreekt")
    for name in header:
        if name not in IMPORT_KOLOMMEN:
            problem(1, name or "kolom", f"onbekende kolom '{name}'")
    if len(set(header)) != len(header):
        problem(1, "kolom", "een kolom staat er twee keer in")
    if problems:
        raise DomainError(f"{bestandsnaam}: niets gewijzigd", problems)
    idx = {name: i for i, name in enumerate(header)}
    gemeenten = {g.code: g for g in Gemeente.objects.all()}
    bestaand = {f.gemeente_id: f for f in Factuurgegevens.objects.select_related("gemeente")}
    rows = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            problem(line, "regel", f"{len(values)} velden, de kop heeft er {len(header)}")
            continue
        values = values + [""] * (len(header) - len(values))
        code = values[idx["gemeentecode"]].strip().upper()
        gemeente = gemeenten.get(code)
        if gemeente is None:
            problem(line, "gemeentecode", f"onbekende gemeentecode '{code}'")
            continue
        if code in seen:
            problem(line, "gemeentecode", f"{code} staat ook op regel {seen[code]}")
            continue
        seen[code] = line
        current = bestaand.get(gemeente.pk)
        obj = Factuurgegevens(gemeente=gemeente) if current is None else current
        voor = current.as_dict() if current is not None else None
        for name in FACTUURGEGEVENS_VELDEN:
            if name in idx:
                setattr(obj, name, values[idx[name]].strip())
        try:
            obj.full_clean(exclude=["gemeente", "bijgewerkt_door"], validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    problem(line, "regel" if field == "__all__" else field, message)
            continue
        rows.append((line, obj, voor))
    if not rows and not problems:
        problem(2, "regel", "het bestand bevat geen gegevens")
    if problems:
        raise DomainError(f"{bestandsnaam}: niets gewijzigd", problems)
    created = updated = unchanged = 0
    with transaction.atomic():
        for line, obj, voor in rows:
            na = obj.as_dict()
            if voor == na and not obj.voorbeeld:
                unchanged += 1
                continue
            obj.voorbeeld = False
            obj.bijgewerkt_door = user if getattr(user, "is_authenticated", False) else None
            obj.save()
            record(
                Actie.AANMAKEN if voor is None else Actie.WIJZIGEN,
                obj,
                voor=voor,
                na=na,
                user=user,
                toelichting=f"import {bestandsnaam}, regel {line}",
            )
            if voor is None:
                created += 1
            else:
                updated += 1
        record(
            Actie.IMPORTEREN,
            object_type="abonnementen.factuurgegevens",
            object_id="import",
            user=user,
            toelichting=(
                f"{bestandsnaam}: {created} nieuw, {updated} bijgewerkt, {unchanged} ongewijzigd"
            ),
        )
    return created, updated, unchanged


@transaction.atomic
def save_factuurgegevens(gegevens: Factuurgegevens, user=None) -> Factuurgegevens:
    """A municipality's invoice details as its contact entered them (the unsaved instance of a
    validated form): stored as real details (no longer an example), with who changed them, and
    in the audit trail with the values before."""
    current = (
        Factuurgegevens.objects.filter(pk=gegevens.pk).first() if gegevens.pk is not None else None
    )
    voor = current.as_dict() if current is not None else None
    gegevens.voorbeeld = False
    gegevens.bijgewerkt_door = authenticated(user)
    gegevens.save()
    record(
        Actie.WIJZIGEN if voor is not None else Actie.AANMAKEN,
        gegevens,
        voor=voor,
        na=gegevens.as_dict(),
        user=user,
        toelichting="factuurgegevens bijgewerkt (pagina)",
    )
    return gegevens
