"""State changes of agreements and their signing: one transaction each, audited.

``record_step`` appends a municipality's next step (forward only; a correction is a new row
that says so); where the agreement says billing follows signing, a decline ends the
municipality's subscription and credits an invoice already issued, through the services of
samen.abonnementen. ``apply_herindelingen`` gives a successor its own status, starting at the
least advanced of its predecessors', flagged for its contact to confirm."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction

from samen.aanbieders.bestanden import clean_filename
from samen.abonnementen import services as abonnementen
from samen.abonnementen.models import Abonnement, Factuur
from samen.accounts.models import Rol
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.text import check_xml_text
from samen.gemeenten.models import Gemeente, Herindeling, Overgang
from samen.overeenkomsten import campagne
from samen.overeenkomsten.models import (
    Drempel,
    Herinnering,
    Ondertekening,
    Overeenkomst,
    Stap,
    Status,
)

PDF_MAGIC = b"%PDF-"
MAX_GROOTTE = 5 * 1024 * 1024
TEKST_MAX = 500


def _check_pdf(naam: str, inhoud: bytes | None, problems: list[Problem], field: str) -> None:
    if not inhoud:
        return
    if len(inhoud) > MAX_GROOTTE:
        problems.append(Problem(field, "groter dan 5 MB", "too_large"))
    elif not bytes(inhoud).startswith(PDF_MAGIC):
        problems.append(Problem(field, "geen PDF (begint niet met %PDF-)", "not_pdf"))
    if not naam:
        problems.append(Problem(field, "een bestand heeft een naam", "required"))


def _text(value: str, field: str, label: str, problems: list[Problem], limit: int = TEKST_MAX):
    value = (value or "").strip()
    if len(value) > limit:
        problems.append(Problem(field, f"hooguit {limit} tekens", "max_length"))
    check_xml_text(value, field=field, label=label, problems=problems)
    return value


@transaction.atomic
def create_agreement(
    *,
    titel: str,
    partijen: str,
    start: dt.date,
    deadline: dt.date,
    arrangement=None,
    voorziening=None,
    besluit=None,
    omschrijving: str = "",
    drempel_soort: str = Drempel.GEEN,
    drempel_waarde: Decimal | None = None,
    facturering_volgt: bool = False,
    bestandsnaam: str = "",
    inhoud: bytes | None = None,
    vervangt: Overeenkomst | None = None,
    voorbeeld: bool = False,
    user=None,
) -> Overeenkomst:
    """A new agreement, or a new version of one (``vervangt``): its signings carry over."""
    problems: list[Problem] = []
    titel = _text(titel, "titel", "De titel", problems, 200)
    if not titel:
        problems.append(Problem("titel", "een overeenkomst heeft een titel", "required"))
    partijen = _text(partijen, "partijen", "De partijen", problems, 2000)
    if not partijen:
        problems.append(Problem("partijen", "noem de partijen", "required"))
    check_date(start, field="start", label="Het begin", problems=problems)
    check_date(deadline, field="deadline", label="De deadline", problems=problems)
    if start and deadline and deadline < start:
        problems.append(Problem("deadline", "de deadline ligt vóór het begin"))
    if arrangement is not None and voorziening is not None:
        problems.append(Problem("voorziening", "een arrangement óf een voorziening"))
    if drempel_soort not in Drempel.values:
        problems.append(Problem("drempel_soort", f"kies uit {', '.join(Drempel.values)}"))
    elif drempel_soort != Drempel.GEEN and (
        drempel_waarde is None or not Decimal(0) < drempel_waarde <= Decimal(100)
    ):
        problems.append(Problem("drempel_waarde", "een percentage boven 0 en hooguit 100"))
    elif drempel_soort == Drempel.BUDGET and arrangement is None:
        problems.append(Problem("drempel_soort", "budgetdekking kan alleen bij een arrangement"))
    if facturering_volgt and arrangement is None:
        problems.append(Problem("facturering_volgt", "facturering volgt alleen een arrangement"))
    naam = clean_filename(bestandsnaam) if bestandsnaam else ""
    _check_pdf(naam, inhoud, problems, "document")
    if vervangt is not None and hasattr(vervangt, "vervangen_door"):
        problems.append(Problem("vervangt", "deze versie is al vervangen", "conflict"))
    if problems:
        raise DomainError("De overeenkomst is niet aangemaakt.", problems)
    overeenkomst = Overeenkomst.objects.create(
        titel=titel,
        versie=(vervangt.versie + 1) if vervangt else 1,
        vervangt=vervangt,
        omschrijving=omschrijving,
        partijen=partijen,
        arrangement=arrangement,
        voorziening=voorziening,
        besluit=besluit,
        start=start,
        deadline=deadline,
        drempel_soort=drempel_soort,
        drempel_waarde=drempel_waarde if drempel_soort != Drempel.GEEN else None,
        facturering_volgt=facturering_volgt,
        bestandsnaam=naam,
        inhoud=bytes(inhoud) if inhoud else None,
        sha256=hashlib.sha256(inhoud).hexdigest() if inhoud else "",
        voorbeeld=voorbeeld,
    )
    record(
        Actie.AANMAKEN,
        overeenkomst,
        na={"titel": titel, "versie": overeenkomst.versie, "deadline": deadline},
        user=user,
    )
    return overeenkomst


def _signing_of(overeenkomst: Overeenkomst, gemeente: Gemeente, datum: dt.date) -> Ondertekening:
    ondertekening, _ = Ondertekening.objects.select_for_update().get_or_create(
        overeenkomst=overeenkomst,
        gemeente=gemeente,
        defaults={"sinds": datum, "status": Status.NIET_GESTART},
    )
    return ondertekening


@transaction.atomic
def record_step(
    overeenkomst: Overeenkomst,
    gemeente: Gemeente,
    status: str,
    *,
    datum: dt.date | None = None,
    getekend_door: str = "",
    besluitreferentie: str = "",
    reden: str = "",
    bestandsnaam: str = "",
    inhoud: bytes | None = None,
    correctie: bool = False,
    user=None,
) -> Stap:
    """The municipality's next step on ``datum`` (today when empty). Forward only: college,
    council, signed (date, who, the local decision's reference, the signed PDF) or declined
    (reason); a correction sets any other status, with its reason. Confirming a status taken
    over at a herindeling records it again."""
    datum = datum or clock.today()
    problems: list[Problem] = []
    if status not in Status.values:
        problems.append(Problem("status", f"kies uit {', '.join(Status.values)}", "invalid_choice"))
    check_date(datum, field="datum", label="De datum", when=When.PAST, problems=problems)
    getekend_door = _text(getekend_door, "getekend_door", "Getekend door", problems, 200)
    besluitreferentie = _text(besluitreferentie, "besluitreferentie", "Het kenmerk", problems, 200)
    reden = _text(reden, "reden", "De reden", problems)
    naam = clean_filename(bestandsnaam) if bestandsnaam else ""
    _check_pdf(naam, inhoud, problems, "document")
    if status == Status.GETEKEND:
        if not getekend_door:
            problems.append(Problem("getekend_door", "wie heeft getekend?", "required"))
        if not besluitreferentie:
            problems.append(
                Problem("besluitreferentie", "het kenmerk van het lokale besluit", "required")
            )
    if status == Status.AFGEWEZEN and not reden:
        problems.append(Problem("reden", "een afwijzing heeft een reden", "required"))
    if correctie and not reden:
        problems.append(Problem("reden", "een correctie heeft een reden", "required"))
    if not gemeente.bestaat_op(datum):
        problems.append(
            Problem("gemeente", f"{gemeente.naam} bestaat niet op {datum:%d-%m-%Y}", "not_found")
        )
    if datum < overeenkomst.start:
        problems.append(
            Problem("datum", f"vóór het begin van de campagne ({overeenkomst.start:%d-%m-%Y})")
        )
    if problems:
        raise DomainError("De stap is niet vastgelegd.", problems)
    ondertekening = _signing_of(overeenkomst, gemeente, datum)
    voor = {"status": ondertekening.status, "sinds": ondertekening.sinds}
    bevestiging = ondertekening.te_bevestigen and status == ondertekening.status and not correctie
    if not bevestiging and not campagne.may_follow(ondertekening.status, status, correctie):
        raise Conflict(
            "De stap is niet vastgelegd.",
            [
                Problem(
                    "status",
                    f"van '{ondertekening.get_status_display()}' naar "
                    f"'{Status(status).label}' kan alleen als correctie"
                    if not correctie
                    else "de status verandert niet",
                    "conflict",
                )
            ],
        )
    if datum < ondertekening.sinds and ondertekening.stappen.exists():
        raise Conflict(
            "De stap is niet vastgelegd.",
            [Problem("datum", f"vóór de vorige stap ({ondertekening.sinds:%d-%m-%Y})", "conflict")],
        )
    namens = user is not None and getattr(user, "rol", "") != Rol.GEMEENTE
    stap = Stap.objects.create(
        ondertekening=ondertekening,
        status=status,
        datum=datum,
        getekend_door=getekend_door,
        besluitreferentie=besluitreferentie,
        reden=reden,
        bestandsnaam=naam,
        inhoud=bytes(inhoud) if inhoud else None,
        sha256=hashlib.sha256(inhoud).hexdigest() if inhoud else "",
        correctie=correctie,
        namens=namens,
        vastgelegd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    ondertekening.status = status
    ondertekening.sinds = datum
    ondertekening.te_bevestigen = False
    ondertekening.save(update_fields=["status", "sinds", "te_bevestigen"])
    toelichting = "correctie" if correctie else ("bevestigd" if bevestiging else "")
    if namens:
        toelichting = (toelichting + "; " if toelichting else "") + "namens de gemeente"
    record(
        Actie.WIJZIGEN,
        ondertekening,
        voor=voor,
        na={
            "status": status,
            "datum": datum,
            "getekend_door": getekend_door,
            "besluitreferentie": besluitreferentie,
            "reden": reden,
            "document": stap.sha256,
        },
        user=user,
        toelichting=toelichting,
    )
    if overeenkomst.facturering_volgt and overeenkomst.arrangement_id:
        if status == Status.AFGEWEZEN:
            _stop_billing(overeenkomst, gemeente, datum, reden, user)
        elif voor["status"] == Status.AFGEWEZEN:
            _resume_billing(overeenkomst, gemeente, datum, user)
    return stap


def _stop_billing(overeenkomst, gemeente, datum: dt.date, reden: str, user) -> None:
    """A decline: yearly invoices already issued for the years from the decline's year are
    credited in full (``abonnementen.services.correct_invoice``) and the subscription ends, so
    that the billing run skips the municipality from the first year not yet invoiced."""
    arrangement = overeenkomst.arrangement
    abonnement = Abonnement.objects.filter(arrangement=arrangement, gemeente=gemeente).first()
    if abonnement is None:
        return
    gefactureerd = set()
    for factuur in Factuur.objects.filter(
        abonnement=abonnement,
        soort=Factuur.Soort.FACTUUR,
        status=Factuur.Status.UITGEGEVEN,
        jaar__gte=datum.year,
    ).order_by("jaar"):
        gefactureerd.add(factuur.jaar)
        credited = sum(
            (c.totaal for c in Factuur.objects.filter(verwijst_naar=factuur)), Decimal(0)
        )
        if factuur.totaal + credited == 0:
            continue
        abonnementen.correct_invoice(
            factuur,
            f"Overeenkomst niet getekend: {reden}"[:300],
            volledig=True,
            factuurdatum=max(clock.today(), factuur.factuurdatum),
            user=user,
        )
    laatste_jaar = datum.year if datum.year in gefactureerd else datum.year - 1
    abonnementen.end_subscription(
        abonnement, dt.date(laatste_jaar, 12, 31), f"afgewezen: {overeenkomst}", user
    )


def _resume_billing(overeenkomst, gemeente, datum: dt.date, user) -> None:
    """A decline corrected: the municipality is subscribed again from the next year."""
    arrangement = overeenkomst.arrangement
    if Abonnement.objects.filter(arrangement=arrangement, gemeente=gemeente).exists():
        return
    van = max(dt.date(arrangement.eerste_jaar, 1, 1), dt.date(datum.year + 1, 1, 1))
    if van.year > arrangement.laatste_jaar:
        return
    abonnementen.subscribe(arrangement, gemeente, van, user=user)


@transaction.atomic
def apply_herindelingen(overeenkomst: Overeenkomst, tot_en_met: dt.date | None = None, user=None):
    """From a herindeling's date the successor has its own signing, starting at the least
    advanced of its predecessors' statuses on the day before (its own included when it existed
    before), flagged for its contact to confirm. Idempotent; returns the number created."""
    tot_en_met = tot_en_met or clock.today()
    overgangen = (
        Overgang.objects.filter(
            herindeling__datum__gt=overeenkomst.start, herindeling__datum__lte=tot_en_met
        )
        .select_related("herindeling", "opvolger", "voorganger")
        .order_by("herindeling__datum", "opvolger__code", "voorganger__code")
    )
    groups: dict[tuple[int, int], list[Overgang]] = {}
    for o in overgangen:
        groups.setdefault((o.herindeling_id, o.opvolger_id), []).append(o)
    created = 0
    for group in groups.values():
        herindeling: Herindeling = group[0].herindeling
        opvolger = group[0].opvolger
        datum = herindeling.datum
        existing = Ondertekening.objects.filter(
            overeenkomst=overeenkomst, gemeente=opvolger
        ).first()
        if existing is not None and (
            existing.herindeling_id == herindeling.pk
            or existing.stappen.filter(datum__gte=datum).exists()
        ):
            continue
        dag_ervoor = datum - dt.timedelta(days=1)
        bronnen = [o.voorganger for o in group]
        if opvolger.bestaat_op(dag_ervoor):
            bronnen.append(opvolger)
        history: dict[int, list[tuple[dt.date, str]]] = {}
        for gemeente_id, when, status in (
            Stap.objects.filter(
                ondertekening__overeenkomst=overeenkomst,
                ondertekening__gemeente__in=bronnen,
            )
            .order_by("datum", "id")
            .values_list("ondertekening__gemeente_id", "datum", "status")
        ):
            history.setdefault(gemeente_id, []).append((when, status))
        statuses = {g.pk: campagne.status_on(history.get(g.pk, []), dag_ervoor) for g in bronnen}
        start = campagne.least_advanced(statuses.values())
        ondertekening = existing or Ondertekening.objects.create(
            overeenkomst=overeenkomst, gemeente=opvolger, sinds=datum
        )
        voor = {"status": ondertekening.status} if existing else None
        namen = ", ".join(sorted(g.naam for g in bronnen))
        Stap.objects.create(
            ondertekening=ondertekening,
            status=start,
            datum=datum,
            reden=f"overgenomen bij herindeling van {namen}"[:500],
            overgenomen=True,
        )
        ondertekening.status = start
        ondertekening.sinds = datum
        ondertekening.te_bevestigen = True
        ondertekening.herindeling = herindeling
        ondertekening.save()
        record(
            Actie.AANMAKEN if existing is None else Actie.WIJZIGEN,
            ondertekening,
            voor=voor,
            na={
                "status": start,
                "datum": datum,
                "voorgangers": {g.code: statuses[g.pk] for g in bronnen},
            },
            user=user,
            toelichting=f"herindeling {datum:%d-%m-%Y}: te bevestigen",
        )
        created += 1
    return created


@transaction.atomic
def send_reminder(overeenkomst: Overeenkomst, tekst: str, user=None) -> Herinnering:
    """A reminder to the contacts of every municipality that has not signed (nor declined);
    samen.meldingen sends it (formal) and records each e-mail."""
    from samen.overeenkomsten import queries

    problems: list[Problem] = []
    tekst = _text(tekst, "tekst", "De tekst", problems, 5000)
    if not tekst:
        problems.append(Problem("tekst", "een herinnering heeft een tekst", "required"))
    if problems:
        raise DomainError("De herinnering is niet verstuurd.", problems)
    ids = queries.not_signed_ids(overeenkomst)
    if not ids:
        raise Conflict("Er is niemand om te herinneren: alle gemeenten hebben besloten.")
    herinnering = Herinnering.objects.create(
        overeenkomst=overeenkomst,
        tekst=tekst,
        verstuurd_door=user if getattr(user, "is_authenticated", False) else None,
    )
    herinnering.gemeenten.set(ids)
    record(
        Actie.AANMAKEN,
        herinnering,
        na={"gemeenten": len(ids), "tekst": tekst[:200]},
        user=user,
        toelichting=str(overeenkomst),
    )
    return herinnering
