"""State changes of the providers' accountability: submit a document (a new version replaces
one not yet adopted), adopt or reject it with a published decision (soort vaststelling), ask and
answer questions, and record the members' renewal decision (soort verlenging) that the
arrangement follows. One transaction each, every problem listed, every change audited.

``user=None`` is the system (the demo loader); a user must hold the permission of the step."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from samen.aanbieders.bestanden import clean_filename
from samen.aanbieders.models import (
    MAX_GROOTTE,
    Antwoord,
    Verantwoordingsdocument,
    Verlenging,
    Vraag,
)
from samen.abonnementen.models import Arrangement, Dienst
from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core import clock
from samen.core.actors import authenticated, label
from samen.core.dates import When, check_date, require_date
from samen.core.errors import Conflict, DomainError, Problem

PDF_MAGIC = b"%PDF-"


def _require(user, permission: str, message: str, what: str) -> None:
    if user is None:
        return  # the system
    if not allowed(user, permission):
        raise DomainError(message, [Problem("rol", what, "forbidden")], 403)


def _new_decision(
    soort: str, titel: str, vastgesteld: bool, datum, toelichting, user, door, vergadering=None
):
    from samen.besluiten.models import Besluit
    from samen.besluiten.services import _next_number

    return Besluit.objects.create(
        soort=soort,
        nummer=_next_number(datum),
        titel=titel[:200],
        uitkomst=Besluit.Uitkomst.VASTGESTELD if vastgesteld else Besluit.Uitkomst.AFGEWEZEN,
        toelichting=toelichting or "",
        datum=datum,
        genomen_door=door,
        gebruiker=authenticated(user),
        vergadering=vergadering,
    )


# ---------------------------------------------------------------- documents


@transaction.atomic
def submit_document(
    arrangement: Arrangement,
    jaar,
    soort: str,
    bestandsnaam: str,
    inhoud: bytes,
    user=None,
    aanbieder=None,
    voorbeeld: bool = False,
) -> Verantwoordingsdocument:
    """A provider submits its annual plan, budget or annual accounts for a year of an
    arrangement (PDF, at most 5 MB). A document not yet adopted is replaced by a new version."""
    message = "Het document is niet ingediend."
    _require(user, "aanbieders.indienen", message, "alleen een aanbieder dient documenten in")
    if user is not None:
        aanbieder = user.organisatie if user.rol == Rol.AANBIEDER else aanbieder
    problems: list[Problem] = []
    if aanbieder is None:
        raise DomainError(
            message, [Problem("aanbieder", "uw account hoort niet bij een organisatie")], 403
        )
    if not Dienst.objects.filter(arrangement=arrangement, aanbieder=aanbieder).exists():
        raise DomainError(
            message,
            [
                Problem(
                    "arrangement",
                    f"{aanbieder} levert geen dienst in het arrangement {arrangement}",
                    "forbidden",
                )
            ],
            403,
        )
    try:
        jaar = int(jaar)
    except (TypeError, ValueError):
        problems.append(Problem("jaar", f"geen jaar: {jaar!r}"))
        jaar = None
    if jaar is not None and not arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
        problems.append(
            Problem(
                "jaar",
                f"buiten de looptijd van het arrangement ({arrangement.looptijd})",
                "out_of_range",
            )
        )
    if soort not in Verantwoordingsdocument.Soort.values:
        problems.append(
            Problem(
                "soort",
                f"kies uit {', '.join(Verantwoordingsdocument.Soort.values)}",
                "invalid_choice",
            )
        )
    naam = clean_filename(bestandsnaam)
    inhoud = bytes(inhoud or b"")
    status = 400
    if not inhoud:
        problems.append(Problem("bestand", "leeg bestand", "required", file=naam))
    elif len(inhoud) > MAX_GROOTTE:
        problems.append(Problem("bestand", "groter dan 5 MB", "too_large", file=naam))
        status = 413
    elif not inhoud.startswith(PDF_MAGIC):
        problems.append(
            Problem("bestand", "geen PDF (begint niet met %PDF-)", "not_pdf", file=naam)
        )
    if problems:
        raise DomainError(message, problems, status)
    current = (
        Verantwoordingsdocument.objects.select_for_update()
        .filter(arrangement=arrangement, aanbieder=aanbieder, jaar=jaar, soort=soort, actueel=True)
        .defer("inhoud")
        .first()
    )
    if current is not None and current.status == Verantwoordingsdocument.Status.VASTGESTELD:
        raise Conflict(
            message,
            [Problem("soort", f"de {current.get_soort_display()} {jaar} is al vastgesteld")],
        )
    versie = (
        Verantwoordingsdocument.objects.filter(
            arrangement=arrangement, aanbieder=aanbieder, jaar=jaar, soort=soort
        ).aggregate(m=Max("versie"))["m"]
        or 0
    ) + 1
    if current is not None:
        Verantwoordingsdocument.objects.filter(pk=current.pk).update(actueel=False)
        record(
            Actie.WIJZIGEN,
            current,
            voor={"actueel": True},
            na={"actueel": False},
            user=user,
            toelichting=f"vervangen door versie {versie}",
        )
    document = Verantwoordingsdocument.objects.create(
        arrangement=arrangement,
        aanbieder=aanbieder,
        jaar=jaar,
        soort=soort,
        versie=versie,
        bestandsnaam=naam,
        inhoud=inhoud,
        grootte=len(inhoud),
        sha256=hashlib.sha256(inhoud).hexdigest(),
        ingediend_door=authenticated(user),
        ingediend_door_naam=label(user) or "systeem",
        ingediend_op=timezone.now(),
        voorbeeld=voorbeeld,
    )
    record(
        Actie.AANMAKEN,
        document,
        na={
            **snapshot(
                document,
                ["arrangement_id", "aanbieder_id", "jaar", "soort", "versie", "bestandsnaam"],
            ),
            "sha256": document.sha256,
            "grootte": document.grootte,
        },
        user=user,
    )
    return document


@transaction.atomic
def decide_document(
    document: Verantwoordingsdocument,
    vastgesteld: bool,
    datum: dt.date | None = None,
    toelichting: str = "",
    user=None,
    vergadering=None,
) -> Verantwoordingsdocument:
    """The committee adopts or rejects the current version with a published decision (soort
    vaststelling). Once adopted the document is published to the municipalities.
    ``vergadering``: the committee meeting it was decided in (optional; body and date checked)."""
    from samen.besluiten.models import Soort

    message = "Over het document is niet besloten."
    _require(user, "aanbieders.vaststellen", message, "alleen de commissie stelt vast")
    document = (
        Verantwoordingsdocument.objects.select_for_update().defer("inhoud").get(pk=document.pk)
    )
    if not document.actueel:
        raise Conflict(message, [Problem("document", "er is een nieuwere versie ingediend")])
    if document.status != Verantwoordingsdocument.Status.INGEDIEND:
        raise Conflict(
            message,
            [Problem("document", f"over dit document is al besloten ({document.status})")],
        )
    if not vastgesteld and not str(toelichting or "").strip():
        raise DomainError(
            message, [Problem("toelichting", "geef bij afwijzen een toelichting", "required")]
        )
    datum = datum or clock.today()
    require_date(
        datum,
        message=message,
        field="datum",
        label="De besluitdatum",
        when=When.PAST,
    )
    if vergadering is not None:
        from samen.gremia.queries import check_vergadering

        problems: list[Problem] = []
        check_vergadering(vergadering, "vaststelling", datum, problems)
        if problems:
            raise DomainError(message, problems)
    besluit = _new_decision(
        Soort.VASTSTELLING,
        f"Vaststelling {document.get_soort_display()} {document.jaar} {document.aanbieder} "
        f"({document.arrangement})",
        vastgesteld,
        datum,
        toelichting,
        user,
        label(user) or "VNG-commissie",
        vergadering=vergadering,
    )
    voor = {"status": document.status}
    document.status = (
        Verantwoordingsdocument.Status.VASTGESTELD
        if vastgesteld
        else Verantwoordingsdocument.Status.AFGEWEZEN
    )
    document.besluit = besluit
    document.vergadering = vergadering
    document.gepubliceerd_op = timezone.now() if vastgesteld else None
    document.save(update_fields=["status", "besluit", "vergadering", "gepubliceerd_op"])
    record(
        Actie.WIJZIGEN,
        document,
        voor=voor,
        na={
            "status": document.status,
            "besluit": besluit.nummer,
            "gepubliceerd_op": document.gepubliceerd_op,
            **({"vergadering": str(vergadering)} if vergadering is not None else {}),
        },
        user=user,
    )
    return document


# ---------------------------------------------------------------- questions


@transaction.atomic
def ask_question(
    document: Verantwoordingsdocument, tekst: str, user=None, gemeente=None, voorbeeld=False
) -> Vraag:
    """A municipality asks the provider a question about an adopted document."""
    message = "De vraag is niet gesteld."
    _require(user, "aanbieders.vragen.stellen", message, "alleen een gemeente stelt vragen")
    if user is not None:
        gemeente = user.gemeente
    document = Verantwoordingsdocument.objects.defer("inhoud").get(pk=document.pk)
    problems = []
    if gemeente is None:
        raise DomainError(message, [Problem("gemeente", "geen gemeente")], 403)
    if document.status != Verantwoordingsdocument.Status.VASTGESTELD:
        problems.append(Problem("document", "het document is (nog) niet vastgesteld"))
    if not str(tekst or "").strip():
        problems.append(Problem("tekst", "verplicht", "required"))
    elif len(tekst) > 5000:
        problems.append(Problem("tekst", "hooguit 5000 tekens"))
    if problems:
        raise DomainError(message, problems)
    vraag = Vraag.objects.create(
        document=document,
        gemeente=gemeente,
        tekst=tekst.strip(),
        gesteld_door=authenticated(user),
        gesteld_door_naam=label(user),
        gesteld_op=timezone.now(),
        voorbeeld=voorbeeld,
    )
    record(
        Actie.AANMAKEN,
        vraag,
        na={"document": document.uuid, "gemeente": gemeente.code, "tekst": vraag.tekst},
        user=user,
    )
    return vraag


@transaction.atomic
def answer_question(vraag: Vraag, tekst: str, user=None) -> Antwoord:
    """The provider of the document answers a question."""
    message = "Het antwoord is niet opgeslagen."
    _require(user, "aanbieders.vragen.beantwoorden", message, "alleen de aanbieder antwoordt")
    if user is not None and not (
        user.is_superuser or user.organisatie_id == vraag.document.aanbieder_id
    ):
        raise DomainError(
            message,
            [Problem("vraag", "de vraag gaat over een document van een andere aanbieder")],
            403,
        )
    if not str(tekst or "").strip():
        raise DomainError(message, [Problem("tekst", "verplicht", "required")])
    if len(tekst) > 10000:
        raise DomainError(message, [Problem("tekst", "hooguit 10000 tekens")])
    antwoord = Antwoord.objects.create(
        vraag=vraag,
        tekst=tekst.strip(),
        door=authenticated(user),
        door_naam=label(user) or str(vraag.document.aanbieder),
        op=timezone.now(),
    )
    record(Actie.AANMAKEN, antwoord, na={"vraag": vraag.uuid, "tekst": antwoord.tekst}, user=user)
    return antwoord


# ---------------------------------------------------------------- renewal


@transaction.atomic
def record_renewal(
    arrangement: Arrangement,
    datum: dt.date,
    verlengd: bool,
    nieuw_laatste_jaar=None,
    toelichting: str = "",
    user=None,
    voorbeeld: bool = False,
) -> Verlenging:
    """A decision on continuing an arrangement, as a published decision (soort verlenging).
    Extended: the arrangement's last year becomes the new one; not extended: it ends as planned.
    The members' meeting applies its vote through this (samen.ledenvergadering); called
    directly it records a decision taken outside Samen, so the reason (``toelichting``: where
    and when it was taken) is required. No page or API endpoint calls it."""
    from samen.besluiten.models import Soort

    message = "Het verlengingsbesluit is niet vastgelegd."
    _require(user, "aanbieders.verlenging", message, "alleen het programmabureau legt dit vast")
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    problems: list[Problem] = []
    toelichting = (toelichting or "").strip()
    if not toelichting:
        problems.append(
            Problem(
                "toelichting",
                "verplicht: waar en wanneer het besluit buiten Samen is genomen",
                "required",
            )
        )
    if not isinstance(datum, dt.date):
        problems.append(Problem("datum", "verplicht: een datum", "required"))
        raise DomainError(message, problems)
    check_date(datum, field="datum", label="De besluitdatum", when=When.PAST, problems=problems)
    if datum.year > arrangement.laatste_jaar:
        problems.append(
            Problem(
                "datum",
                f"het arrangement is al geëindigd (laatste jaar {arrangement.laatste_jaar})",
                "ended",
            )
        )
    if verlengd:
        try:
            nieuw = int(nieuw_laatste_jaar)
        except (TypeError, ValueError):
            nieuw = None
            problems.append(
                Problem("nieuw_laatste_jaar", "verplicht bij verlenging: een jaar", "required")
            )
        if nieuw is not None and nieuw <= arrangement.laatste_jaar:
            problems.append(
                Problem(
                    "nieuw_laatste_jaar",
                    f"moet na het huidige laatste jaar ({arrangement.laatste_jaar}) liggen",
                )
            )
        elif nieuw is not None and nieuw > arrangement.laatste_jaar + 20:
            problems.append(Problem("nieuw_laatste_jaar", "hooguit 20 jaar verder"))
    else:
        nieuw = None
        if nieuw_laatste_jaar not in (None, ""):
            problems.append(
                Problem("nieuw_laatste_jaar", "alleen bij verlenging een nieuw laatste jaar")
            )
    if problems:
        raise DomainError(message, problems)
    oud = arrangement.laatste_jaar
    titel = (
        f"Verlenging {arrangement} tot en met {nieuw}"
        if verlengd
        else f"Geen verlenging {arrangement}: eindigt na {oud}"
    )
    besluit = _new_decision(
        Soort.VERLENGING,
        titel,
        True,
        datum,
        toelichting,
        user,
        "Algemene ledenvergadering VNG" + (f" (vastgelegd door {label(user)})" if user else ""),
    )
    verlenging = Verlenging.objects.create(
        arrangement=arrangement,
        besluit=besluit,
        datum=datum,
        verlengd=bool(verlengd),
        oud_laatste_jaar=oud,
        nieuw_laatste_jaar=nieuw,
        toelichting=toelichting or "",
        vastgelegd_door=authenticated(user),
        voorbeeld=voorbeeld,
    )
    record(
        Actie.AANMAKEN,
        verlenging,
        na={
            "arrangement": arrangement.uuid,
            "besluit": besluit.nummer,
            "verlengd": verlenging.verlengd,
            "nieuw_laatste_jaar": nieuw,
        },
        user=user,
    )
    if verlengd:
        Arrangement.objects.filter(pk=arrangement.pk).update(laatste_jaar=nieuw)
        record(
            Actie.WIJZIGEN,
            arrangement,
            voor={"laatste_jaar": oud},
            na={"laatste_jaar": nieuw, "besluit": besluit.nummer},
            user=user,
            toelichting="verlengd bij besluit " + besluit.nummer,
        )
    else:
        record(
            Actie.OVERIG,
            arrangement,
            voor={"laatste_jaar": oud},
            na={"laatste_jaar": oud, "besluit": besluit.nummer},
            user=user,
            toelichting=f"niet verlengd bij besluit {besluit.nummer}: eindigt na {oud}",
        )
    arrangement.refresh_from_db()
    return verlenging
