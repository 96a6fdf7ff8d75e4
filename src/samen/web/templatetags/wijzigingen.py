"""Audit and history rows as people read them: ``{{ w|wijziging_label:object_type }}`` gives a
changed field's Dutch label, ``{{ w.voor|wijziging_waarde:... }}`` its value in words, and
``{{ wijzigingen|zichtbare_wijzigingen }}`` leaves out the technical fields (ids, uuids).

A snapshot (samen.audit.services.snapshot) stores each field under its attname with a
JSON value; here that becomes "Label: voor → na" with the model field's verbose name, the
display value of a choice, "ja"/"nee", a date as a date, and a nested value (a factsheet) as
"Label: waarde; Label: waarde" instead of a Python dict.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django import template
from django.apps import apps
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
TECHNICAL = {"id", "uuid", "audit_id", "pk", "password", "wachtwoord"}
EMPTY = "—"


@functools.cache
def _fields() -> tuple[dict[tuple[str, str], object], dict[str, object]]:
    """(model label, attname) -> field, and attname -> the first model field of that name."""
    per_model: dict[tuple[str, str], object] = {}
    anywhere: dict[str, object] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            for name in {field.name, field.attname}:
                per_model[(model._meta.label_lower, name)] = field
                anywhere.setdefault(name, field)
    return per_model, anywhere


def _field(veld: str, object_type: str = ""):
    per_model, anywhere = _fields()
    return per_model.get((object_type, veld)) or anywhere.get(veld)


def _words(name: str) -> str:
    name = name.removesuffix("_id")
    return (name.replace("_", " ").strip() or name).capitalize()


def label(veld: str, object_type: str = "") -> str:
    field = _field(veld, object_type)
    if field is not None and getattr(field, "verbose_name", None):
        text = str(field.verbose_name)
        if text != veld.replace("_", " "):
            return text[:1].upper() + text[1:]
    return _words(veld)


def _is_technical(veld: str) -> bool:
    return veld in TECHNICAL or veld.endswith("_uuid")


def value(waarde, veld: str = "", object_type: str = "") -> str:
    """A stored value in words."""
    if waarde is None or waarde == "" or waarde == [] or waarde == {}:
        return EMPTY
    if isinstance(waarde, bool):
        return _("ja") if waarde else _("nee")
    if isinstance(waarde, dict):
        parts = [
            f"{label(k, object_type)}: {value(v, k, object_type)}"
            for k, v in waarde.items()
            if not _is_technical(str(k))
        ]
        return "; ".join(parts) or EMPTY
    if isinstance(waarde, list | tuple):
        return ", ".join(value(v, veld, object_type) for v in waarde)
    field = _field(veld, object_type) if veld else None
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices:
        for key, text in choices:
            if str(key) == str(waarde):
                return str(text)
    if isinstance(waarde, str):
        if UUID.match(waarde):
            return _("(een ander object)")
        try:
            if len(waarde) == 10:
                return date_format(dt.date.fromisoformat(waarde), "j F Y")
            if len(waarde) > 18 and waarde[10] == "T":
                return date_format(dt.datetime.fromisoformat(waarde), "j F Y H:i")
        except ValueError:
            pass
    return str(waarde)


@register.filter
def zichtbare_wijzigingen(wijzigingen):
    """The changes a person reads: not the technical ones (ids, uuids)."""
    return [w for w in wijzigingen or [] if not _is_technical(w.veld)]


@register.filter
def wijziging_label(w, object_type: str = "") -> str:
    return label(w.veld, object_type or "")


@register.filter
def wijziging_tekst(w, object_type: str = "") -> str:
    """ "Label: voor → na" of one change."""
    object_type = object_type or ""
    voor = value(w.voor, w.veld, object_type)
    na = value(w.na, w.veld, object_type)
    return f"{label(w.veld, object_type)}: {voor} → {na}"


@register.filter
def objectsoort(object_type: str) -> str:
    """``portfolio.voorziening`` as the model's Dutch name."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]
