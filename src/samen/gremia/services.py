"""State changes of the bodies: bodies, memberships and reglementen (programme office), meetings,
agendas, attendance and the besluitenlijst (the body's secretary). One transaction and one audit
record per change; every invalid input is collected and raised together."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max

from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.gremia import regels
from samen.gremia.models import (
    ONDERWERPEN,
    Aanwezigheid,
    Agendapunt,
    Besluitenlijstpunt,
    Functie,
    Gremium,
    Lidmaatschap,
    Quorumregel,
    Reglement,
    ReglementVersie,
    Vergadering,
)
from samen.gremia.queries import is_secretaris

MAX_PDF = 10 * 1024 * 1024


def _require_beheer(user, message: str) -> None:
    if user is None:
        return  # the system (demo loader, commands)
    if not allowed(user, "gremia.beheren"):
        raise DomainError(message, [Problem("rol", "alleen het programmabureau", "forbidden")], 403)


def _require_secretaris(user, gremium: Gremium, message: str) -> None:
    """The programme office or the secretary of ``gremium`` (on today's date)."""
    if user is None:
        return
    if allowed(user, "gremia.beheren"):
        return
    if allowed(user, "gremia.secretariaat") and is_secretaris(user, gremium):
        return
    raise DomainError(
        message,
        [Problem("rol", f"alleen de secretaris van {gremium.naam}", "forbidden")],
        403,
    )


def _text(data: dict, name: str, label: str, problems: list[Problem], max_length: int) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        problems.append(Problem(name, f"{label} is verplicht", "required"))
    elif len(value) > max_length:
        problems.append(Problem(name, f"{label} is langer dan {max_length} tekens", "too_long"))
    return value


# ---------------------------------------------------------------- bodies and members


@transaction.atomic
def create_gremium(data: dict, user=None) -> Gremium:
    message = "Het gremium is niet aangemaakt."
    _require_beheer(user, message)
    problems: list[Problem] = []
    naam = _text(data, "naam", "De naam", problems, 200)
    soort = data.get("soort")
    if soort not in Gremium.Soort.values:
        problems.append(Problem("soort", "kies een soort gremium", "invalid_choice"))
    parent = data.get("parent")
    if soort == Gremium.Soort.SUBCOMMISSIE and parent is None:
        problems.append(Problem("parent", "een subcommissie valt onder een gremium", "required"))
    if soort != Gremium.Soort.SUBCOMMISSIE and parent is not None:
        problems.append(Problem("parent", "alleen een subcommissie valt onder een gremium"))
    if naam and Gremium.objects.filter(naam__iexact=naam).exists():
        problems.append(Problem("naam", "er is al een gremium met deze naam", "duplicate"))
    ingesteld = data.get("ingesteld_op")
    if ingesteld is not None:
        check_date(ingesteld, field="ingesteld_op", label="De instellingsdatum", problems=problems)
    if problems:
        raise DomainError(message, problems)
    gremium = Gremium.objects.create(
        soort=soort,
        naam=naam,
        afkorting=str(data.get("afkorting") or "").strip()[:30],
        omschrijving=str(data.get("omschrijving") or "").strip(),
        parent=parent if soort == Gremium.Soort.SUBCOMMISSIE else None,
        ingesteld_op=ingesteld,
        voorbeeld=bool(data.get("voorbeeld", False)),
    )
    record(Actie.AANMAKEN, gremium, na=snapshot(gremium), user=user)
    return gremium


@transaction.atomic
def add_member(gremium: Gremium, data: dict, user=None) -> Lidmaatschap:
    """A seat from ``van`` (through ``tot``, optional) for a person with a function, from a
    municipality (that exists on ``van``) or an organisation."""
    message = "Het lid is niet toegevoegd."
    _require_beheer(user, message)
    problems: list[Problem] = []
    naam = _text(data, "naam", "De naam", problems, 200)
    functie = data.get("functie")
    if functie not in Functie.values:
        problems.append(Problem("functie", "kies een functie", "invalid_choice"))
    rol = data.get("rol") or Lidmaatschap.Rol.LID
    if rol not in Lidmaatschap.Rol.values:
        problems.append(Problem("rol", "kies een rol", "invalid_choice"))
    gemeente, organisatie = data.get("gemeente"), data.get("organisatie")
    if gemeente is not None and organisatie is not None:
        problems.append(Problem("organisatie", "een lid komt uit een gemeente of organisatie"))
    van = check_date(data.get("van"), field="van", label="De begindatum", problems=problems)
    tot = data.get("tot")
    if tot is not None:
        check_date(tot, field="tot", label="De einddatum", problems=problems, earliest=van)
    if gemeente is not None and van is not None and not gemeente.bestaat_op(van):
        problems.append(
            Problem("gemeente", f"de gemeente {gemeente.naam} bestond niet op {van:%d-%m-%Y}")
        )
    gebruiker = data.get("gebruiker")
    if problems:
        raise DomainError(message, problems)
    lid = Lidmaatschap.objects.create(
        gremium=gremium,
        naam=naam,
        functie=functie,
        gemeente=gemeente,
        organisatie=organisatie,
        rol=rol,
        van=van,
        tot=tot,
        gebruiker=gebruiker,
        toelichting=str(data.get("toelichting") or "").strip()[:300],
        voorbeeld=bool(data.get("voorbeeld", False)),
    )
    record(Actie.AANMAKEN, lid, na=snapshot(lid), user=user)
    return lid


@transaction.atomic
def end_membership(lid: Lidmaatschap, tot: dt.date, user=None) -> Lidmaatschap:
    message = "Het lidmaatschap is niet beëindigd."
    _require_beheer(user, message)
    lid = Lidmaatschap.objects.select_for_update().get(pk=lid.pk)
    if lid.tot is not None:
        raise Conflict(message, [Problem("tot", f"het lidmaatschap eindigde al op {lid.tot}")])
    problems: list[Problem] = []
    check_date(tot, field="tot", label="De einddatum", problems=problems, earliest=lid.van)
    if problems:
        raise DomainError(message, problems)
    voor = {"tot": None}
    lid.tot = tot
    lid.save(update_fields=["tot"])
    record(Actie.WIJZIGEN, lid, voor=voor, na={"tot": tot}, user=user)
    return lid


# ---------------------------------------------------------------- reglementen


def _quorum(data: dict, problems: list[Problem]) -> tuple[str, Decimal | None]:
    regel = data.get("quorumregel") or Quorumregel.GEEN
    if regel not in Quorumregel.values:
        problems.append(Problem("quorumregel", "kies een quorumregel", "invalid_choice"))
        return Quorumregel.GEEN, None
    raw = data.get("quorum_waarde")
    if regel in (Quorumregel.GEEN, Quorumregel.MEER_DAN_HELFT):
        return regel, None
    try:
        waarde = Decimal(str(raw).strip().replace(",", "."))
        if not waarde.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(Problem("quorum_waarde", "geef een getal", "invalid"))
        return regel, None
    if regel == Quorumregel.AANDEEL and waarde > 1:
        waarde = waarde / 100  # typed as a percentage
    try:
        regels.benodigd(regel, waarde, 1_000)
    except ValueError:
        problems.append(
            Problem(
                "quorum_waarde",
                "een aandeel ligt tussen 0 en 100%"
                if regel == Quorumregel.AANDEEL
                else "een aantal leden is een geheel getal van ten minste 1",
            )
        )
        return regel, None
    return regel, waarde.quantize(Decimal("0.0001"))


@transaction.atomic
def adopt_reglement(
    gremium: Gremium, titel: str, data: dict, user=None, reglement: Reglement | None = None
) -> ReglementVersie:
    """A new version of a reglement (a new reglement when none is given): text and/or PDF, the
    decision that adopted it, in force from ``geldig_van``, with its quorum rule."""
    message = "Het reglement is niet vastgelegd."
    _require_beheer(user, message)
    problems: list[Problem] = []
    titel = str(titel or "").strip()
    if reglement is None and not titel:
        problems.append(Problem("titel", "De titel is verplicht", "required"))
    geldig_van = check_date(
        data.get("geldig_van"), field="geldig_van", label="De ingangsdatum", problems=problems
    )
    tekst = str(data.get("tekst") or "").strip()
    inhoud: bytes | None = data.get("inhoud")
    if inhoud is not None:
        if len(inhoud) > MAX_PDF:
            problems.append(Problem("inhoud", "het bestand is groter dan 10 MB", "too_large"))
        elif not inhoud.startswith(b"%PDF-"):
            problems.append(Problem("inhoud", "het bestand is geen PDF", "invalid"))
    if not tekst and inhoud is None:
        problems.append(Problem("tekst", "geef de tekst of een PDF", "required"))
    regel, waarde = _quorum(data, problems)
    besluit = data.get("besluit")
    if reglement is None and titel:
        reglement = Reglement.objects.filter(gremium=gremium, titel__iexact=titel).first()
    if reglement is not None and reglement.gremium_id != gremium.pk:
        problems.append(Problem("reglement", "het reglement hoort bij een ander gremium"))
    if (
        reglement is not None
        and geldig_van is not None
        and ReglementVersie.objects.filter(reglement=reglement, geldig_van=geldig_van).exists()
    ):
        problems.append(
            Problem("geldig_van", "er is al een versie die op deze datum ingaat", "duplicate")
        )
    if problems:
        raise DomainError(message, problems)
    if reglement is None:
        reglement = Reglement.objects.create(gremium=gremium, titel=titel[:200])
        record(Actie.AANMAKEN, reglement, na=snapshot(reglement), user=user)
    versie_nr = (
        ReglementVersie.objects.filter(reglement=reglement).aggregate(m=Max("versie"))["m"] or 0
    ) + 1
    versie = ReglementVersie.objects.create(
        reglement=reglement,
        versie=versie_nr,
        tekst=tekst,
        bestandsnaam=str(data.get("bestandsnaam") or "")[:200] if inhoud is not None else "",
        inhoud=inhoud,
        grootte=len(inhoud) if inhoud is not None else 0,
        sha256=hashlib.sha256(inhoud).hexdigest() if inhoud is not None else "",
        besluit=besluit,
        geldig_van=geldig_van,
        quorumregel=regel,
        quorum_waarde=waarde,
    )
    record(
        Actie.AANMAKEN,
        versie,
        na={k: v for k, v in snapshot(versie).items() if k != "inhoud"},
        user=user,
    )
    return versie


# ---------------------------------------------------------------- meetings


@transaction.atomic
def plan_meeting(gremium: Gremium, data: dict, user=None) -> Vergadering:
    message = "De vergadering is niet vastgelegd."
    _require_secretaris(user, gremium, message)
    problems: list[Problem] = []
    datum = check_date(data.get("datum"), field="datum", label="De datum", problems=problems)
    soort = data.get("soort") or Vergadering.Soort.REGULIER
    if soort not in Vergadering.Soort.values:
        problems.append(Problem("soort", "kies een soort vergadering", "invalid_choice"))
    if gremium.opgeheven_op is not None and datum is not None and datum >= gremium.opgeheven_op:
        problems.append(Problem("datum", f"{gremium.naam} is opgeheven"))
    if problems:
        raise DomainError(message, problems)
    vergadering = Vergadering.objects.create(
        gremium=gremium,
        datum=datum,
        aanvang=data.get("aanvang"),
        locatie=str(data.get("locatie") or "").strip()[:200],
        soort=soort,
        voorbeeld=bool(data.get("voorbeeld", False)),
    )
    record(Actie.AANMAKEN, vergadering, na=snapshot(vergadering), user=user)
    return vergadering


_OVERGANGEN = {
    Vergadering.Status.GEPLAND: {Vergadering.Status.GEHOUDEN, Vergadering.Status.GEANNULEERD},
    Vergadering.Status.GEHOUDEN: set(),
    Vergadering.Status.GEANNULEERD: set(),
}


@transaction.atomic
def set_status(vergadering: Vergadering, status: str, user=None) -> Vergadering:
    """gepland → gehouden (not before its date) or geannuleerd."""
    message = "De status van de vergadering is niet gewijzigd."
    _require_secretaris(user, vergadering.gremium, message)
    vergadering = Vergadering.objects.select_for_update().get(pk=vergadering.pk)
    if status not in Vergadering.Status.values:
        raise DomainError(message, [Problem("status", "kies een status", "invalid_choice")])
    if status not in _OVERGANGEN[vergadering.status]:
        raise Conflict(
            message,
            [Problem("status", f"de vergadering is al {vergadering.get_status_display()}")],
        )
    from samen.core import clock

    if status == Vergadering.Status.GEHOUDEN and vergadering.datum > clock.today():
        raise DomainError(message, [Problem("status", "de vergadering is nog niet geweest")])
    voor = {"status": vergadering.status}
    vergadering.status = status
    vergadering.save(update_fields=["status"])
    record(Actie.WIJZIGEN, vergadering, voor=voor, na={"status": status}, user=user)
    return vergadering


def _check_open(vergadering: Vergadering, message: str) -> None:
    if vergadering.status == Vergadering.Status.GEANNULEERD:
        raise Conflict(message, [Problem("vergadering", "de vergadering is geannuleerd")])
    if vergadering.besluitenlijst_vastgesteld_op is not None:
        raise Conflict(message, [Problem("vergadering", "de besluitenlijst is al vastgesteld")])


@transaction.atomic
def add_agenda_item(vergadering: Vergadering, data: dict, user=None) -> Agendapunt:
    """An agenda item, optionally treating one object (``onderwerp_soort`` + ``onderwerp``)."""
    message = "Het agendapunt is niet toegevoegd."
    _require_secretaris(user, vergadering.gremium, message)
    vergadering = Vergadering.objects.select_for_update().get(pk=vergadering.pk)
    _check_open(vergadering, message)
    problems: list[Problem] = []
    titel = _text(data, "titel", "De titel", problems, 300)
    refs = {naam: data[naam] for naam in ONDERWERPEN if data.get(naam) is not None}
    if len(refs) > 1:
        problems.append(Problem("onderwerp", "een agendapunt behandelt hoogstens één onderwerp"))
    if problems:
        raise DomainError(message, problems)
    volgorde = data.get("volgorde") or (
        (Agendapunt.objects.filter(vergadering=vergadering).aggregate(m=Max("volgorde"))["m"] or 0)
        + 1
    )
    if Agendapunt.objects.filter(vergadering=vergadering, volgorde=volgorde).exists():
        raise Conflict(message, [Problem("volgorde", f"er is al een agendapunt {volgorde}")])
    punt = Agendapunt.objects.create(
        vergadering=vergadering,
        volgorde=volgorde,
        titel=titel,
        toelichting=str(data.get("toelichting") or "").strip(),
        **refs,
    )
    record(Actie.AANMAKEN, punt, na=snapshot(punt), user=user)
    return punt


@transaction.atomic
def record_attendance(vergadering: Vergadering, statussen: dict, user=None) -> list[Aanwezigheid]:
    """Attendance per membership (``{lidmaatschap: status}``); only members of the body on the
    meeting's date. Replaces what was recorded before for those members."""
    message = "De aanwezigheid is niet vastgelegd."
    _require_secretaris(user, vergadering.gremium, message)
    vergadering = Vergadering.objects.select_for_update().get(pk=vergadering.pk)
    if vergadering.status == Vergadering.Status.GEANNULEERD:
        raise Conflict(message, [Problem("vergadering", "de vergadering is geannuleerd")])
    problems: list[Problem] = []
    for lid, status in statussen.items():
        if lid.gremium_id != vergadering.gremium_id or not lid.actief_op(vergadering.datum):
            problems.append(
                Problem(
                    f"lid {lid.uuid}",
                    f"{lid.naam} was op {vergadering.datum:%d-%m-%Y} geen lid van "
                    f"{vergadering.gremium.naam}",
                )
            )
        if status not in Aanwezigheid.Status.values:
            problems.append(Problem(f"lid {lid.uuid}", "kies aanwezig, afgemeld of afwezig"))
    if problems:
        raise DomainError(message, problems)
    bestaand = {
        a.lidmaatschap_id: a
        for a in Aanwezigheid.objects.filter(vergadering=vergadering, lidmaatschap__in=statussen)
    }
    voor, na, rows = {}, {}, []
    for lid, status in statussen.items():
        rij = bestaand.get(lid.pk)
        if rij is None:
            rij = Aanwezigheid.objects.create(
                vergadering=vergadering, lidmaatschap=lid, status=status
            )
        elif rij.status != status:
            voor[lid.naam] = rij.status
            rij.status = status
            rij.save(update_fields=["status"])
        else:
            rows.append(rij)
            continue
        na[lid.naam] = status
        rows.append(rij)
    if na:
        record(
            Actie.WIJZIGEN,
            vergadering,
            voor=voor,
            na=na,
            user=user,
            toelichting="aanwezigheid vastgelegd",
        )
    return rows


@transaction.atomic
def add_decision_entry(vergadering: Vergadering, data: dict, user=None) -> Besluitenlijstpunt:
    message = "Het besluit is niet op de besluitenlijst gezet."
    _require_secretaris(user, vergadering.gremium, message)
    vergadering = Vergadering.objects.select_for_update().get(pk=vergadering.pk)
    _check_open(vergadering, message)
    problems: list[Problem] = []
    tekst = _text(data, "tekst", "De tekst van het besluit", problems, 5000)
    agendapunt = data.get("agendapunt")
    if agendapunt is not None and agendapunt.vergadering_id != vergadering.pk:
        problems.append(Problem("agendapunt", "het agendapunt hoort bij een andere vergadering"))
    besluit = data.get("besluit")
    if besluit is not None and besluit.vergadering_id not in (None, vergadering.pk):
        problems.append(Problem("besluit", "dat besluit is in een andere vergadering genomen"))
    if problems:
        raise DomainError(message, problems)
    volgorde = (
        Besluitenlijstpunt.objects.filter(vergadering=vergadering).aggregate(m=Max("volgorde"))["m"]
        or 0
    ) + 1
    punt = Besluitenlijstpunt.objects.create(
        vergadering=vergadering,
        volgorde=volgorde,
        agendapunt=agendapunt,
        tekst=tekst,
        besluit=besluit,
    )
    record(Actie.AANMAKEN, punt, na=snapshot(punt), user=user)
    return punt


@transaction.atomic
def adopt_decision_list(vergadering: Vergadering, datum: dt.date, user=None) -> Vergadering:
    """The besluitenlijst is adopted (after the meeting was held); then it no longer changes."""
    message = "De besluitenlijst is niet vastgesteld."
    _require_secretaris(user, vergadering.gremium, message)
    vergadering = Vergadering.objects.select_for_update().get(pk=vergadering.pk)
    _check_open(vergadering, message)
    if vergadering.status != Vergadering.Status.GEHOUDEN:
        raise Conflict(message, [Problem("status", "de vergadering is nog niet gehouden")])
    problems: list[Problem] = []
    check_date(
        datum,
        field="datum",
        label="De datum van vaststelling",
        when=When.PAST,
        problems=problems,
        earliest=vergadering.datum,
    )
    if problems:
        raise DomainError(message, problems)
    vergadering.besluitenlijst_vastgesteld_op = datum
    vergadering.save(update_fields=["besluitenlijst_vastgesteld_op"])
    record(
        Actie.WIJZIGEN,
        vergadering,
        voor={"besluitenlijst_vastgesteld_op": None},
        na={"besluitenlijst_vastgesteld_op": datum},
        user=user,
    )
    return vergadering


__all__ = [
    "add_agenda_item",
    "add_decision_entry",
    "add_member",
    "adopt_decision_list",
    "adopt_reglement",
    "create_gremium",
    "end_membership",
    "plan_meeting",
    "record_attendance",
    "set_status",
]
