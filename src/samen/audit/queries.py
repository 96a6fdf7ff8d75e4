"""Reading the audit trail: an object's history (shown on its page) and the programme office's
search over the whole trail (the /audit page and GET /api/v1/audit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from samen.audit.models import Actie, AuditRegel


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
