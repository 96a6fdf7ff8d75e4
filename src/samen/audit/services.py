"""The one function every service calls to record a change (or a read of sensitive data).

``recorded`` is sent with every new row once its transaction has committed (never for a change
that is rolled back): ``sender=AuditRegel, regel=<the row>, obj=<the object or None>``. The
notifications (samen.meldingen) listen to it; a failing receiver is logged and never undoes or
breaks the change."""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import uuid
from functools import partial
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

from samen.audit.context import current_channel, current_user
from samen.audit.models import Actie, AuditRegel, Kanaal

logger = logging.getLogger(__name__)

#: Sent after commit with every new audit row: ``regel`` (the AuditRegel), ``obj`` (the object).
recorded = Signal()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of a model instance's concrete fields, ready for the trail."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def record(
    actie: str,
    obj: models.Model | None = None,
    *,
    voor: dict | None = None,
    na: dict | None = None,
    user=None,
    kanaal: str | None = None,
    toelichting: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    object_omschrijving: str | None = None,
) -> AuditRegel:
    """Record who did what, when, through which channel, to which object, before and after."""
    if actie not in Actie.values:
        raise ValueError(f"unknown audit action: {actie}")
    user = user if user is not None else current_user()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    kanaal = kanaal or current_channel() or Kanaal.SYSTEEM
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "audit_id", obj.pk))
        object_omschrijving = object_omschrijving or str(obj)[:255]
    regel = AuditRegel.objects.create(
        gebruiker=user,
        gebruiker_naam=(user.get_username() if user is not None else ""),
        kanaal=kanaal,
        actie=actie,
        object_type=object_type or "",
        object_id=object_id or "",
        object_omschrijving=(object_omschrijving or "")[:255],
        voor=_jsonable(voor) if voor is not None else None,
        na=_jsonable(na) if na is not None else None,
        toelichting=toelichting,
    )
    if recorded.has_listeners(AuditRegel):
        transaction.on_commit(partial(_announce, regel, obj), robust=True)
    return regel


def _announce(regel: AuditRegel, obj: models.Model | None) -> None:
    """Tell the receivers of ``recorded`` about a committed row; a receiver's error is logged."""
    for receiver, result in recorded.send_robust(sender=AuditRegel, regel=regel, obj=obj):
        if isinstance(result, Exception):
            logger.error(
                "receiver %r of audit.recorded failed for %s",
                receiver,
                regel,
                exc_info=(type(result), result, result.__traceback__),
            )
