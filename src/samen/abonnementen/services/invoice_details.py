"""Municipalities' invoice details for e-invoices: kept by a municipality on its page or
imported by the office from CSV (all or nothing)."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from samen.abonnementen.models import (
    Factuurgegevens,
)
from samen.abonnementen.models_ubl import FACTUURGEGEVENS_VELDEN
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.actors import authenticated
from samen.core.errors import DomainError, Problem
from samen.gemeenten.models import Gemeente

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
