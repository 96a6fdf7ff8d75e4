"""State changes of the interpreter service: one transaction and one audit row each."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from samen.accounts.models import Rol
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core import clock
from samen.core.dates import PLATFORM_YEARS, When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.gemeenten.models import Gemeente
from samen.tolk import afrekening, queries
from samen.tolk.models import (
    Aanbod,
    Aanvraag,
    Betaler,
    Client,
    Domein,
    Indicatie,
    Meeruurverzoek,
    Opdracht,
    Tarieftabel,
    Tolk,
    Tolktype,
)

MAX_UREN = Decimal("2000")
MAX_DUUR_MINUTEN = 12 * 60


def _raise(problems: list[Problem], message: str) -> None:
    if problems:
        raise DomainError(message, problems)


def _check_tolktypen(tolktypen, problems: list[Problem], field: str = "tolktypen") -> list[str]:
    values = list(tolktypen or [])
    if not values:
        problems.append(Problem(field, "Kies ten minste één tolktype."))
    for value in values:
        if value not in Tolktype.values:
            problems.append(Problem(field, f"Onbekend tolktype: {value}."))
    return sorted(set(values))


@transaction.atomic
def inschrijven(
    gemeente: Gemeente, tolktypen, ingeschreven_op: dt.date, *, voorbeeld: bool = False
) -> Client:
    """Register a client under a fresh pseudonymous number (never a BSN)."""
    problems: list[Problem] = []
    types = _check_tolktypen(tolktypen, problems)
    check_date(ingeschreven_op, field="ingeschreven_op", label="inschrijfdatum", problems=problems)
    if gemeente.geldig_tot is not None and gemeente.geldig_tot <= ingeschreven_op:
        problems.append(Problem("gemeente", "Deze gemeente bestaat niet meer op die datum."))
    _raise(problems, "De cliënt kan niet worden ingeschreven.")
    while True:
        nummer = f"TV-{secrets.token_hex(4).upper()}"
        if not Client.objects.filter(nummer=nummer).exists():
            break
    client = Client.objects.create(
        nummer=nummer,
        gemeente=gemeente,
        tolktypen=types,
        ingeschreven_op=ingeschreven_op,
        voorbeeld=voorbeeld,
    )
    record(Actie.AANMAKEN, client, na=snapshot(client))
    return client


@transaction.atomic
def uitschrijven(client: Client, datum: dt.date) -> Client:
    problems: list[Problem] = []
    check_date(
        datum,
        field="uitgeschreven_op",
        label="uitschrijfdatum",
        problems=problems,
        earliest=client.ingeschreven_op,
    )
    _raise(problems, "De cliënt kan niet worden uitgeschreven.")
    voor = snapshot(client)
    client.uitgeschreven_op = datum
    client.save(update_fields=["uitgeschreven_op"])
    record(Actie.WIJZIGEN, client, voor=voor, na=snapshot(client))
    return client


@transaction.atomic
def indicatie_toekennen(
    client: Client, domein: str, jaar: int, uren, *, participatiewet: bool = False
) -> Indicatie:
    problems: list[Problem] = []
    if domein not in Domein.values:
        problems.append(Problem("domein", "Onbekend domein."))
    if participatiewet and domein != Domein.WERK:
        problems.append(Problem("participatiewet", "De Participatiewet geldt alleen voor werk."))
    if not isinstance(jaar, int) or jaar not in PLATFORM_YEARS:
        problems.append(Problem("jaar", "Dit jaar valt buiten het bereik van het platform."))
    uren = _uren(uren, "uren_toegekend", problems)
    if (
        Client.objects.filter(pk=client.pk).exists()
        and client.indicaties.filter(domein=domein, jaar=jaar).exists()
    ):
        problems.append(Problem("domein", "Er is al een indicatie voor dit domein en jaar."))
    _raise(problems, "De indicatie kan niet worden vastgelegd.")
    indicatie = Indicatie.objects.create(
        client=client,
        domein=domein,
        participatiewet=participatiewet,
        jaar=jaar,
        betaler=queries.betaler_voor(domein, participatiewet),
        uren_toegekend=uren,
    )
    record(Actie.AANMAKEN, indicatie, na=snapshot(indicatie))
    return indicatie


def _uren(value, field: str, problems: list[Problem]) -> Decimal:
    try:
        uren = Decimal(str(value))
    except Exception:
        problems.append(Problem(field, "Geef een aantal uren."))
        return Decimal(0)
    if (
        not uren.is_finite()
        or uren < 0
        or uren > MAX_UREN
        or uren != uren.quantize(Decimal("0.01"))
    ):
        problems.append(Problem(field, f"Geef 0 tot {MAX_UREN} uur, op twee decimalen."))
        return Decimal(0)
    return uren


@transaction.atomic
def meeruren_aanvragen(indicatie: Indicatie, uren, motivering: str) -> Meeruurverzoek:
    problems: list[Problem] = []
    uren = _uren(uren, "uren", problems)
    if uren == 0 and not any(p.name == "uren" for p in problems):
        problems.append(Problem("uren", "Vraag ten minste 0,01 uur aan."))
    if not (motivering or "").strip():
        problems.append(Problem("motivering", "Geef een motivering."))
    _raise(problems, "Het verzoek om meer uren kan niet worden ingediend.")
    verzoek = Meeruurverzoek.objects.create(
        indicatie=indicatie, uren=uren, motivering=motivering.strip(), ingediend_op=clock.today()
    )
    record(Actie.AANMAKEN, verzoek, na=snapshot(verzoek))
    return verzoek


@transaction.atomic
def meeruren_besluiten(user, verzoek: Meeruurverzoek, toekennen: bool, toelichting: str = ""):
    verzoek = (
        Meeruurverzoek.objects.select_for_update().select_related("indicatie").get(pk=verzoek.pk)
    )
    if not queries.mag_besluiten(user, verzoek):
        raise DomainError(
            "Alleen de betaler van dit domein besluit over meer uren.",
            [Problem("betaler", "U bent niet de betaler van dit domein.", "forbidden")],
            403,
        )
    if verzoek.status != Meeruurverzoek.Status.INGEDIEND:
        raise Conflict("Over dit verzoek is al besloten.")
    voor = snapshot(verzoek)
    verzoek.status = (
        Meeruurverzoek.Status.TOEGEKEND if toekennen else Meeruurverzoek.Status.AFGEWEZEN
    )
    verzoek.besloten_op = clock.today()
    verzoek.besloten_door = user
    verzoek.toelichting = toelichting
    verzoek.save()
    if toekennen:
        indicatie = Indicatie.objects.select_for_update().get(pk=verzoek.indicatie_id)
        ivoor = snapshot(indicatie)
        indicatie.uren_toegekend += verzoek.uren
        indicatie.save(update_fields=["uren_toegekend"])
        record(
            Actie.WIJZIGEN,
            indicatie,
            voor=ivoor,
            na=snapshot(indicatie),
            user=user,
            toelichting="meer uren toegekend",
        )
    record(Actie.WIJZIGEN, verzoek, voor=voor, na=snapshot(verzoek), user=user)
    return verzoek


@transaction.atomic
def tolk_vastleggen(
    naam: str,
    kwalificaties,
    woongemeente: Gemeente,
    *,
    gebruiker=None,
    achterwacht=False,
    voorbeeld=False,
) -> Tolk:
    problems: list[Problem] = []
    types = _check_tolktypen(kwalificaties, problems, "kwalificaties")
    if not (naam or "").strip():
        problems.append(Problem("naam", "Geef een naam."))
    if gebruiker is not None and gebruiker.rol != Rol.TOLK:
        problems.append(Problem("gebruiker", "Alleen een gebruiker met de rol tolk."))
    _raise(problems, "De tolk kan niet worden vastgelegd.")
    tolk = Tolk.objects.create(
        naam=naam.strip(),
        kwalificaties=types,
        woongemeente=woongemeente,
        gebruiker=gebruiker,
        achterwacht=achterwacht,
        voorbeeld=voorbeeld,
    )
    record(Actie.AANMAKEN, tolk, na=snapshot(tolk))
    return tolk


def _nummer() -> str:
    while True:
        nummer = f"A-{secrets.token_hex(4).upper()}"
        if not Aanvraag.objects.filter(nummer=nummer).exists():
            return nummer


@transaction.atomic
def aanvragen(
    client: Client,
    *,
    domein: str,
    tolktype: str,
    begin: dt.datetime,
    duur_minuten: int,
    plaats: Gemeente | None = None,
    op_afstand: bool = False,
    urgentie: str = "gepland",
    voorkeur: list[Tolk] | tuple = (),
    voorbeeld: bool = False,
) -> Aanvraag:
    """A request of a client, drawn on the entitlement of its domain and year."""
    from samen.tolk.models import Urgentie

    problems: list[Problem] = []
    if domein not in Domein.values:
        problems.append(Problem("domein", "Onbekend domein."))
    if tolktype not in Tolktype.values:
        problems.append(Problem("tolktype", "Onbekend tolktype."))
    if urgentie not in Urgentie.values:
        problems.append(Problem("urgentie", "Onbekende urgentie."))
    if not isinstance(begin, dt.datetime) or begin.tzinfo is None:
        problems.append(Problem("begin", "Geef een begintijd met datum."))
    else:
        check_date(begin.date(), field="begin", label="datum", when=When.ANY, problems=problems)
    if not isinstance(duur_minuten, int) or not (15 <= duur_minuten <= MAX_DUUR_MINUTEN):
        problems.append(
            Problem("duur_minuten", f"Geef een duur van 15 tot {MAX_DUUR_MINUTEN} minuten.")
        )
    if not op_afstand and plaats is None:
        problems.append(
            Problem("plaats", "Geef de gemeente waar getolkt wordt, of kies op afstand.")
        )
    indicatie = None
    if not problems:
        indicatie = client.indicaties.filter(domein=domein, jaar=begin.year).first()
        if indicatie is None:
            problems.append(
                Problem("domein", "De cliënt heeft geen indicatie voor dit domein en jaar.")
            )
        elif indicatie.uren_over < Decimal(duur_minuten) / 60:
            problems.append(
                Problem("duur_minuten", "Er zijn niet genoeg uren over in de indicatie.")
            )
    _raise(problems, "De aanvraag kan niet worden ingediend.")
    betaler_gemeente = None
    if indicatie.betaler == Betaler.GEMEENTE:
        betaler_gemeente = Gemeente.objects.get(
            code=queries.woongemeente_code(client, begin.date())
        )
    aanvraag = Aanvraag.objects.create(
        nummer=_nummer(),
        client=client,
        indicatie=indicatie,
        domein=domein,
        betaler=indicatie.betaler,
        betaler_gemeente=betaler_gemeente,
        tolktype=tolktype,
        begin=begin,
        duur_minuten=duur_minuten,
        op_afstand=op_afstand,
        plaats=None if op_afstand else plaats,
        urgentie=urgentie,
        ingediend_op=clock.now(),
        voorbeeld=voorbeeld,
    )
    if voorkeur:
        aanvraag.voorkeur_tolken.set(voorkeur)
    record(Actie.AANMAKEN, aanvraag, na=snapshot(aanvraag))
    return aanvraag


@transaction.atomic
def aanbieden(aanvraag: Aanvraag, *, aantal: int = 5, achterwacht: bool = False) -> list[Aanbod]:
    """Offer the request to the best matching interpreters (not those offered before)."""
    aanvraag = Aanvraag.objects.select_for_update().get(pk=aanvraag.pk)
    if aanvraag.status not in (Aanvraag.Status.OPEN, Aanvraag.Status.AANGEBODEN):
        raise Conflict("Deze aanvraag staat niet meer open.")
    eerder = set(aanvraag.aanbiedingen.values_list("tolk_id", flat=True))
    voorstellen = [
        v
        for v in queries.voorstellen(aanvraag, achterwacht=achterwacht, limit=None)
        if v.tolk_id not in eerder
    ][:aantal]
    now = clock.now()
    nieuw = [Aanbod(aanvraag=aanvraag, tolk_id=v.tolk_id, verstuurd_op=now) for v in voorstellen]
    Aanbod.objects.bulk_create(nieuw)
    if nieuw:
        voor = snapshot(aanvraag, ["status"])
        aanvraag.status = Aanvraag.Status.AANGEBODEN
        aanvraag.save(update_fields=["status"])
        record(
            Actie.WIJZIGEN,
            aanvraag,
            voor=voor,
            na=snapshot(aanvraag, ["status"]),
            toelichting=f"aangeboden aan {len(nieuw)} tolken",
        )
    return nieuw


def accepteren(aanbod: Aanbod, user=None) -> Opdracht:
    """The interpreter accepts an offer: the first acceptance wins. An overlapping assignment of
    the same interpreter is refused by the database itself (exclusion constraint / trigger)."""
    try:
        return _accepteren(aanbod, user)
    except IntegrityError as exc:
        raise Conflict(
            "De tolk heeft op dat moment al een opdracht.",
            [Problem("tolk", "Dubbele boeking geweigerd.", "overlap")],
        ) from exc


@transaction.atomic
def _accepteren(aanbod: Aanbod, user) -> Opdracht:
    aanvraag = Aanvraag.objects.select_for_update().get(pk=aanbod.aanvraag_id)
    aanbod = Aanbod.objects.select_related("tolk").get(pk=aanbod.pk)
    if (
        user is not None
        and not user.is_superuser
        and user.rol == Rol.TOLK
        and aanbod.tolk.gebruiker_id != user.pk
    ):
        raise DomainError("Dit aanbod is niet voor u.", [], 403)
    if aanbod.status != Aanbod.Status.OPEN or aanvraag.status != Aanvraag.Status.AANGEBODEN:
        raise Conflict("Dit aanbod is niet meer open: een andere tolk was eerder.")
    opdracht = Opdracht.objects.create(
        aanvraag=aanvraag,
        tolk=aanbod.tolk,
        begin=aanvraag.begin,
        eind=queries.eind(aanvraag),
        minuten=aanvraag.duur_minuten,
    )
    Aanbod.objects.filter(pk=aanbod.pk).update(status=Aanbod.Status.GEACCEPTEERD)
    aanvraag.aanbiedingen.filter(status=Aanbod.Status.OPEN).exclude(pk=aanbod.pk).update(
        status=Aanbod.Status.VERVALLEN
    )
    aanvraag.status = Aanvraag.Status.TOEGEWEZEN
    aanvraag.save(update_fields=["status"])
    record(Actie.AANMAKEN, opdracht, na=snapshot(opdracht), user=user)
    return opdracht


@transaction.atomic
def annuleren(opdracht: Opdracht, reden: str = "") -> Opdracht:
    """Cancel an assignment: the interpreter is free again, the request open again."""
    opdracht = Opdracht.objects.select_for_update().get(pk=opdracht.pk)
    if opdracht.status != Opdracht.Status.GEPLAND:
        raise Conflict("Alleen een geplande opdracht kan worden geannuleerd.")
    voor = snapshot(opdracht)
    opdracht.actief = False
    opdracht.status = Opdracht.Status.GEANNULEERD
    opdracht.save(update_fields=["actief", "status"])
    Aanvraag.objects.filter(pk=opdracht.aanvraag_id).update(status=Aanvraag.Status.OPEN)
    record(Actie.WIJZIGEN, opdracht, voor=voor, na=snapshot(opdracht), toelichting=reden)
    return opdracht


@transaction.atomic
def tarieftabel_vaststellen(jaar: int, uurtarief, reisuurtarief, kilometertarief) -> Tarieftabel:
    """A new version of a year's tariff table (earlier versions stay, for what they priced)."""
    problems: list[Problem] = []
    values = {}
    for name, value in (
        ("uurtarief", uurtarief),
        ("reisuurtarief", reisuurtarief),
        ("kilometertarief", kilometertarief),
    ):
        try:
            amount = Decimal(str(value))
            if not amount.is_finite() or amount < 0 or amount > 10000:
                raise ValueError
            values[name] = amount
        except Exception:
            problems.append(Problem(name, "Geef een bedrag van 0 tot 10.000."))
    if not isinstance(jaar, int) or jaar not in PLATFORM_YEARS:
        problems.append(Problem("jaar", "Dit jaar valt buiten het bereik van het platform."))
    _raise(problems, "De tarieftabel kan niet worden vastgesteld.")
    laatste = Tarieftabel.objects.select_for_update().filter(jaar=jaar).order_by("-versie").first()
    tabel = Tarieftabel.objects.create(
        jaar=jaar,
        versie=(laatste.versie + 1 if laatste else 1),
        vastgesteld_op=clock.today(),
        **values,
    )
    record(Actie.AANMAKEN, tabel, na=snapshot(tabel))
    return tabel


@transaction.atomic
def afronden(
    opdracht: Opdracht,
    *,
    uren,
    reistijd_minuten: int = 0,
    reisafstand_km=0,
    datum: dt.date | None = None,
) -> Opdracht:
    """Record a completed assignment and price it by the tariff table of its year."""
    opdracht = Opdracht.objects.select_for_update().select_related("aanvraag").get(pk=opdracht.pk)
    problems: list[Problem] = []
    if opdracht.status != Opdracht.Status.GEPLAND:
        raise Conflict("Deze opdracht is al afgerond of geannuleerd.")
    uren = _uren(uren, "uren", problems)
    if uren > 24:
        problems.append(Problem("uren", "Geef ten hoogste 24 uur."))
    if not isinstance(reistijd_minuten, int) or not 0 <= reistijd_minuten <= 24 * 60:
        problems.append(Problem("reistijd_minuten", "Geef 0 tot 1440 minuten reistijd."))
    try:
        km = Decimal(str(reisafstand_km)).quantize(Decimal("0.1"))
        if km < 0 or km > 2000:
            raise ValueError
    except Exception:
        km = Decimal(0)
        problems.append(Problem("reisafstand_km", "Geef 0 tot 2.000 km."))
    datum = datum or opdracht.begin.date()
    check_date(
        datum,
        field="datum",
        label="datum",
        when=When.PAST,
        problems=problems,
        earliest=opdracht.begin.date(),
    )
    tabel = queries.tarieftabel(opdracht.begin.year)
    if tabel is None:
        problems.append(Problem("tarief", f"Er is geen tarieftabel voor {opdracht.begin.year}."))
    _raise(problems, "De opdracht kan niet worden afgerond.")
    voor = snapshot(opdracht)
    opdracht.uren = uren
    opdracht.reistijd_minuten = reistijd_minuten
    opdracht.reisafstand_km = km
    opdracht.tarief = tabel
    opdracht.bedrag = afrekening.price(
        uren,
        reistijd_minuten,
        km,
        afrekening.Tarief(tabel.uurtarief, tabel.reisuurtarief, tabel.kilometertarief),
    )
    opdracht.status = Opdracht.Status.UITGEVOERD
    opdracht.afgerond_op = datum
    opdracht.save()
    Aanvraag.objects.filter(pk=opdracht.aanvraag_id).update(status=Aanvraag.Status.UITGEVOERD)
    if opdracht.aanvraag.indicatie_id:
        indicatie = Indicatie.objects.select_for_update().get(pk=opdracht.aanvraag.indicatie_id)
        indicatie.uren_gebruikt += uren
        indicatie.save(update_fields=["uren_gebruikt"])
    record(Actie.WIJZIGEN, opdracht, voor=voor, na=snapshot(opdracht))
    return opdracht


def _bewaartermijnen() -> dict[str, int]:
    """Retention periods in days (settings, with defaults)."""
    return {
        "client": settings.TOLK_BEWAARTERMIJN_CLIENT_DAGEN,
        "voorkeuren": settings.TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN,
    }


@transaction.atomic
def opschonen(today: dt.date | None = None) -> dict[str, int]:
    """Delete what has passed its retention period: clients unregistered longer ago than
    ``TOLK_BEWAARTERMIJN_CLIENT_DAGEN`` (with their entitlements and extra-hours requests;
    their requests keep only the reference, payer and figures needed for settlement), and the
    preferences of requests that ended longer ago than ``TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN``.
    Each deletion is audited."""
    today = today or clock.today()
    termijn = _bewaartermijnen()
    grens = today - dt.timedelta(days=termijn["client"])
    verlopen = list(
        Client.objects.filter(uitgeschreven_op__isnull=False, uitgeschreven_op__lt=grens)
    )
    for client in verlopen:
        record(
            Actie.VERWIJDEREN, client, voor=snapshot(client), toelichting="bewaartermijn verlopen"
        )
        client.delete()
    voorkeur_grens = dt.datetime.combine(
        today - dt.timedelta(days=termijn["voorkeuren"]), dt.time.min, tzinfo=dt.UTC
    )
    Through = Aanvraag.voorkeur_tolken.through
    oud = Through.objects.filter(aanvraag__begin__lt=voorkeur_grens)
    ids = sorted(set(oud.values_list("aanvraag_id", flat=True)))
    for aanvraag in Aanvraag.objects.filter(pk__in=ids):
        record(Actie.VERWIJDEREN, aanvraag, toelichting="voorkeuren verwijderd (bewaartermijn)")
    oud.delete()
    return {"clienten": len(verlopen), "voorkeuren": len(ids)}
