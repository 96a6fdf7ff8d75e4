"""Reads of the interpreter service. Every read of client data (health data, GDPR art. 9) is
recorded in the audit trail (``Actie.LEZEN``): one row per object read, one per list."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404

from samen.accounts.models import Rol
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.gemeenten import queries as gemeenten_queries
from samen.gemeenten import rules
from samen.tolk import afrekening, geo, matching
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
)


def woongemeente_code(client: Client, on: dt.date | None = None) -> str:
    """The client's municipality of residence on a date: after a herindeling its successor
    (the first by code when a municipality was divided: the mediator then re-registers)."""
    on = on or clock.today()
    gemeente = client.gemeente
    if gemeente.geldig_tot is None or gemeente.geldig_tot > on:
        return gemeente.code
    codes = rules.successors(gemeente.code, gemeenten_queries.links(), on)
    return codes[0] if codes else gemeente.code


def _eigen_codes(code: str, on: dt.date) -> list[str]:
    """The registered municipality codes whose residents now belong to ``code``."""
    return [code, *rules.predecessors(code, gemeenten_queries.links(), on)]


def clienten(user, gemeente_code: str | None = None):
    """The clients a user may see: the mediator all (or one municipality's), a municipality
    contact its own residents (including those registered in its predecessors). Audited."""
    today = clock.today()
    qs = Client.objects.select_related("gemeente").order_by("nummer")
    if user.rol == Rol.GEMEENTE and not user.is_superuser:
        gemeente_code = user.gemeente.code
    if gemeente_code:
        codes = _eigen_codes(gemeente_code, today)
        candidates = list(qs.filter(gemeente__code__in=codes))
        result = [c for c in candidates if woongemeente_code(c, today) == gemeente_code]
    else:
        result = list(qs)
    record(
        Actie.LEZEN,
        object_type="tolk.client",
        object_id="lijst",
        user=user,
        toelichting=f"cliënten gelezen ({gemeente_code or 'alle'}, {len(result)})",
    )
    return result


def client(user, uuid) -> Client:
    obj = get_object_or_404(Client.objects.select_related("gemeente"), uuid=uuid)
    record(Actie.LEZEN, obj, user=user, toelichting="cliënt gelezen")
    return obj


def indicaties(user, client_obj: Client) -> list[Indicatie]:
    rows = list(
        client_obj.indicaties.order_by("-jaar", "domein").prefetch_related("meeruurverzoeken")
    )
    record(
        Actie.LEZEN,
        client_obj,
        user=user,
        toelichting=f"indicaties gelezen ({len(rows)})",
    )
    return rows


def tolk_van(user) -> Tolk | None:
    return Tolk.objects.filter(gebruiker=user).first() if user.is_authenticated else None


def agenda(user, tolk: Tolk, vanaf: dt.datetime) -> tuple[list[Opdracht], list[Aanbod]]:
    """An interpreter's own active assignments from a moment on, and its open offers."""
    opdrachten = list(
        tolk.opdrachten.filter(actief=True, eind__gt=vanaf)
        .select_related("aanvraag", "aanvraag__plaats")
        .order_by("begin")
    )
    aanbiedingen = list(
        tolk.aanbiedingen.filter(status=Aanbod.Status.OPEN)
        .select_related("aanvraag", "aanvraag__plaats")
        .order_by("aanvraag__begin")
    )
    record(
        Actie.LEZEN,
        tolk,
        user=user,
        toelichting=f"agenda gelezen ({len(opdrachten)} opdrachten, {len(aanbiedingen)} aanbod)",
    )
    return opdrachten, aanbiedingen


def dag(user, datum: dt.date):
    """The mediator's day: the day's requests with their state, and which are at risk (not
    assigned, starting within 24 hours)."""
    start = dt.datetime.combine(datum, dt.time.min, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1)
    rows = list(
        Aanvraag.objects.filter(begin__gte=start, begin__lt=end)
        .select_related("plaats", "client")
        .order_by("begin", "id")
    )
    now = clock.now()
    risico = [
        a
        for a in rows
        if a.status in (Aanvraag.Status.OPEN, Aanvraag.Status.AANGEBODEN)
        and a.begin - now < dt.timedelta(hours=24)
    ]
    record(
        Actie.LEZEN,
        object_type="tolk.aanvraag",
        object_id=f"dag:{datum.isoformat()}",
        user=user,
        toelichting=f"dagoverzicht gelezen ({len(rows)})",
    )
    return rows, risico


def eind(aanvraag: Aanvraag) -> dt.datetime:
    return aanvraag.begin + dt.timedelta(minutes=aanvraag.duur_minuten)


def kandidaten(aanvraag: Aanvraag) -> list[matching.Kandidaat]:
    """The interpreters as the matcher sees them, in three queries: the qualified active
    interpreters, their assignments overlapping the request, their hours this month."""
    begin, end = aanvraag.begin, eind(aanvraag)
    tolken = [
        t
        for t in Tolk.objects.filter(actief=True).values(
            "id", "kwalificaties", "woongemeente__code", "achterwacht"
        )
        if aanvraag.tolktype in (t["kwalificaties"] or [])
    ]
    ids = {t["id"] for t in tolken}
    bezet: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    # An assignment lasts at most a day: the window keeps the scan on the begin index.
    for tolk_id, b, e in Opdracht.objects.filter(
        actief=True, begin__lt=end, begin__gt=begin - dt.timedelta(days=1), eind__gt=begin
    ).values_list("tolk_id", "begin", "eind"):
        if tolk_id in ids:
            bezet.setdefault(tolk_id, []).append((b, e))
    maand_start = begin.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    belasting = {
        tolk_id: m
        for tolk_id, m in Opdracht.objects.filter(
            actief=True, begin__gte=maand_start, begin__lt=begin
        )
        .values("tolk_id")
        .annotate(m=Sum("minuten"))
        .values_list("tolk_id", "m")
        if tolk_id in ids
    }
    return [
        matching.Kandidaat(
            id=t["id"],
            kwalificaties=frozenset(t["kwalificaties"] or []),
            woongemeente=t["woongemeente__code"],
            achterwacht=t["achterwacht"],
            bezet=tuple(bezet.get(t["id"], ())),
            belasting_uren=(belasting.get(t["id"]) or 0) / 60,
        )
        for t in tolken
    ]


def voorstellen(
    aanvraag: Aanvraag, *, achterwacht: bool = False, limit: int | None = 10
) -> list[matching.Voorstel]:
    """The best interpreters for a request (the matching rules of ``matching.propose``)."""
    ks = kandidaten(aanvraag)
    distance: dict[str, float] = {}
    if not aanvraag.op_afstand and aanvraag.plaats_id:
        plaats = aanvraag.plaats.code
        for code in {k.woongemeente for k in ks}:
            km = geo.gemeente_distance_km(code, plaats)
            if km is not None:
                distance[code] = km
    verzoek = matching.Verzoek(
        tolktype=aanvraag.tolktype,
        begin=aanvraag.begin,
        eind=eind(aanvraag),
        plaats=None if aanvraag.op_afstand else aanvraag.plaats.code,
        op_afstand=aanvraag.op_afstand,
        voorkeur=frozenset(aanvraag.voorkeur_tolken.values_list("id", flat=True)),
    )
    return matching.propose(verzoek, ks, distance, achterwacht=achterwacht, limit=limit)


def tarieftabel(jaar: int) -> Tarieftabel | None:
    """The tariff table of a year: its latest version."""
    return Tarieftabel.objects.filter(jaar=jaar).order_by("-versie").first()


def regels(jaar: int, maand: int, gemeente_code: str | None = None) -> list[afrekening.Regel]:
    """The priced assignments of a month as statement lines (one query)."""
    start = dt.date(jaar, maand, 1)
    end = dt.date(jaar + (maand == 12), maand % 12 + 1, 1)
    qs = Opdracht.objects.filter(
        status=Opdracht.Status.UITGEVOERD, afgerond_op__gte=start, afgerond_op__lt=end
    )
    if gemeente_code:
        qs = qs.filter(aanvraag__betaler_gemeente__code=gemeente_code)
    return [
        afrekening.Regel(
            referentie=nummer,
            betaler=betaler,
            gemeente=code,
            domein=domein,
            maand=(jaar, maand),
            bedrag=bedrag,
        )
        for nummer, betaler, code, domein, bedrag in qs.values_list(
            "aanvraag__nummer",
            "aanvraag__betaler",
            "aanvraag__betaler_gemeente__code",
            "aanvraag__domein",
            "bedrag",
        ).order_by("aanvraag__nummer")
    ]


def overzichten(user, jaar: int, maand: int, gemeente_code: str | None = None):
    """The month's statements (a municipality contact: only its own). Audited."""
    if user.rol == Rol.GEMEENTE and not user.is_superuser:
        gemeente_code = user.gemeente.code
    result = afrekening.statements(regels(jaar, maand, gemeente_code))
    record(
        Actie.LEZEN,
        object_type="tolk.opdracht",
        object_id=f"overzicht:{jaar}-{maand:02d}:{gemeente_code or 'alle'}",
        user=user,
        toelichting="maandoverzicht gelezen",
    )
    return result


def open_aanvragen():
    return Aanvraag.objects.filter(
        Q(status=Aanvraag.Status.OPEN) | Q(status=Aanvraag.Status.AANGEBODEN)
    )


def betaler_voor(domein: str, participatiewet: bool) -> str:
    """The payer of a domain: the municipality only for its own domains (the Wmo living
    domain and work under the Participatiewet); UWV for other work, OCW for education."""
    if domein == Domein.LEEF or (domein == Domein.WERK and participatiewet):
        return Betaler.GEMEENTE
    return Betaler.UWV if domein == Domein.WERK else Betaler.OCW


def mag_besluiten(user, verzoek: Meeruurverzoek) -> bool:
    """The payer decides: a municipality only on its own domains for its own residents; the
    mediator's staff records the decision of the other payers."""
    if user.is_superuser:
        return True
    if verzoek.indicatie.betaler == Betaler.GEMEENTE:
        return (
            user.rol == Rol.GEMEENTE
            and user.gemeente is not None
            and user.gemeente.code == verzoek.gemeente_code
        )
    return user.rol == Rol.BEMIDDELAAR
