"""Reading the audit trail: an object's history (shown on its page) and the programme office's
search over the whole trail (the /audit page and GET /api/v1/audit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from samen.audit.models import Actie, AuditRegel
from samen.core.dates import When, check_date, parse_date


def object_key(obj: models.Model) -> tuple[str, str]:
    """The (object_type, object_id) under which record() files an object."""
    return obj._meta.label_lower, str(getattr(obj, "audit_id", obj.pk))


@dataclass
class Wijziging:
    veld: str
    voor: object
    na: object


@dataclass
class HistorieRegel:
    tijdstip: dt.datetime
    wie: str
    kanaal: str
    actie: str
    toelichting: str
    wijzigingen: list[Wijziging]


def changes(regel: AuditRegel) -> list[Wijziging]:
    """The fields whose value differs before and after (every field of a creation)."""
    voor = regel.voor if isinstance(regel.voor, dict) else {}
    na = regel.na if isinstance(regel.na, dict) else {}
    return [
        Wijziging(veld, voor.get(veld), na.get(veld))
        for veld in sorted(set(voor) | set(na))
        if voor.get(veld) != na.get(veld)
    ]


def history(obj: models.Model, user=None, limit: int = 50) -> list[HistorieRegel]:
    """The changes of one object, newest first (reads are left out). The caller shows it only
    to those allowed to see the object; anonymous visitors (public objects only) get it
    without the names of the people who made the changes."""
    object_type, object_id = object_key(obj)
    regels = (
        AuditRegel.objects.filter(object_type=object_type, object_id=object_id)
        .exclude(actie=Actie.LEZEN)
        .order_by("-tijdstip", "-id")[:limit]
    )
    anoniem = user is None or not getattr(user, "is_authenticated", False)
    return [
        HistorieRegel(
            tijdstip=r.tijdstip,
            wie="" if anoniem else (r.gebruiker_naam or "systeem"),
            kanaal=r.get_kanaal_display(),
            actie=r.get_actie_display(),
            toelichting=r.toelichting,
            wijzigingen=changes(r),
        )
        for r in regels
    ]


FILTERS = ("objectType", "objectId", "gebruiker", "kanaal", "actie", "van", "tot")


class FilterError(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _date(field: str, value: str) -> dt.date:
    date = parse_date(value)
    if date is None:
        raise FilterError(field, "geen datum (JJJJ-MM-DD)")
    problems: list = []
    check_date(date, field=field, label="De datum", when=When.ANY, problems=problems)
    if problems:
        raise FilterError(field, problems[0].reason)
    return date


def search(params) -> models.QuerySet[AuditRegel]:
    """The trail filtered by object (type and id), person (user name), channel, action and
    period (van and tot inclusive, dates). Raises FilterError on a malformed filter."""
    qs = AuditRegel.objects.all().order_by("-tijdstip", "-id")
    if value := (params.get("objectType") or "").strip():
        qs = qs.filter(object_type=value.lower())
    if value := (params.get("objectId") or "").strip():
        qs = qs.filter(object_id=value)
    if value := (params.get("gebruiker") or "").strip():
        qs = qs.filter(gebruiker_naam__iexact=value)
    if value := (params.get("kanaal") or "").strip():
        if value not in {c for c, _ in AuditRegel._meta.get_field("kanaal").choices}:
            raise FilterError("kanaal", "onbekend kanaal")
        qs = qs.filter(kanaal=value)
    if value := (params.get("actie") or "").strip():
        if value not in Actie.values:
            raise FilterError("actie", "onbekende actie")
        qs = qs.filter(actie=value)
    tz = timezone.get_current_timezone()
    if value := (params.get("van") or "").strip():
        start = dt.datetime.combine(_date("van", value), dt.time.min, tzinfo=tz)
        qs = qs.filter(tijdstip__gte=start)
    if value := (params.get("tot") or "").strip():
        end = dt.datetime.combine(
            _date("tot", value) + dt.timedelta(days=1), dt.time.min, tzinfo=tz
        )
        qs = qs.filter(tijdstip__lt=end)
    return qs


EXPORT_HEADERS = [
    "tijdstip",
    "gebruiker",
    "kanaal",
    "actie",
    "objecttype",
    "object-id",
    "object",
    "voor",
    "na",
    "toelichting",
]


def export_rows(qs):
    import json

    for r in qs.iterator(chunk_size=2000):
        yield [
            r.tijdstip.isoformat(),
            r.gebruiker_naam,
            r.kanaal,
            r.actie,
            r.object_type,
            r.object_id,
            r.object_omschrijving,
            json.dumps(r.voor, ensure_ascii=False) if r.voor is not None else "",
            json.dumps(r.na, ensure_ascii=False) if r.na is not None else "",
            r.toelichting,
        ]
