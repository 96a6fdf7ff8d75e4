"""Bulk upload of implementation statuses (programme office): all or nothing, every problem
with its physical line number and field. Layout (header on line 1):
gemeentecode,voorziening,status,datum,gepland_op
where voorziening is the UUID or the exact name; gepland_op only for status gepland."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.db import transaction

from samen.core import clock
from samen.core.dates import When, check_date, parse_date
from samen.core.errors import DomainError, Problem
from samen.deelnames import services
from samen.deelnames.models import Deelname, Status
from samen.portfolio.models import Voorziening

COLUMNS = ["gemeentecode", "voorziening", "status", "datum"]
CODE_RE = re.compile(r"^GM[0-9]{4}$")


def _date(value: str):
    """JJJJ-MM-DD (or DD-MM-JJJJ), ASCII digits only; None otherwise."""
    return parse_date(value)


@transaction.atomic
def import_statuses(data: bytes, bestandsnaam: str, user=None, today: dt.date | None = None):
    """Returns (updated, unchanged); raises DomainError and changes nothing on any problem.

    Each row replays history: its date must not lie after today (the day of the import), and
    the row is then checked as if it was entered on its own date (``clock.replaying``), so a
    planned date must not lie before the row's date; a row that repeats the status the
    participation already has changes nothing and counts as unchanged."""
    problems: list[Problem] = []
    today = today or clock.today()

    def problem(line, field, reason):
        problems.append(Problem(field, reason, "invalid", line, bestandsnaam))

    text = data.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in first else ",")
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    for name in missing:
        problem(1, name, f"kolom '{name}' ontbreekt")
    if missing:
        raise DomainError(f"{bestandsnaam}: niets gewijzigd", problems)
    idx = {name: header.index(name) for name in header}
    voorzieningen = {str(v.uuid): v for v in Voorziening.objects.all()}
    voorzieningen.update({v.naam: v for v in voorzieningen.copy().values()})
    rows = []
    seen: dict = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        values = values + [""] * (len(header) - len(values))

        def get(name, _values=values):
            return _values[idx[name]].strip() if name in idx else ""

        code, naam, status = get("gemeentecode").upper(), get("voorziening"), get("status")
        datum, gepland = (
            _date(get("datum")),
            _date(get("gepland_op")) if get("gepland_op") else None,
        )
        ok = True
        if not CODE_RE.match(code):
            problem(line, "gemeentecode", f"ongeldige gemeentecode '{code}'")
            ok = False
        v = voorzieningen.get(naam)
        if v is None:
            problem(line, "voorziening", f"onbekende voorziening '{naam}'")
            ok = False
        if status not in Status.values:
            problem(line, "status", f"onbekende status '{status}'")
            ok = False
        if datum is None:
            problem(line, "datum", f"geen geldige datum '{get('datum')}' (JJJJ-MM-DD)")
            ok = False
        else:
            found: list[Problem] = []
            check_date(
                datum,
                field="datum",
                label="De datum",
                when=When.PAST,
                problems=found,
                today=today,
            )
            for p in found:
                problem(line, p.name, p.reason)
                ok = False
        if get("gepland_op") and gepland is None:
            problem(line, "gepland_op", "geen geldige datum")
            ok = False
        elif gepland is not None and datum is not None:
            found = []
            check_date(
                gepland,
                field="gepland_op",
                label="De geplande datum",
                when=When.PLANNED,
                problems=found,
                today=min(datum, today),  # as entered on the row's date
            )
            for p in found:
                problem(line, p.name, p.reason)
                ok = False
        if not ok:
            continue
        key = (code, v.pk)
        if key in seen:
            problem(line, "gemeentecode", f"dubbele regel: ook op regel {seen[key]}")
            continue
        seen[key] = line
        deelname = (
            Deelname.objects.filter(gemeente__code=code, voorziening=v, tot__isnull=True)
            .select_related("gemeente")
            .first()
        )
        if deelname is None:
            problem(line, "gemeentecode", f"{code} neemt niet deel aan {v.naam}")
            continue
        rows.append((line, deelname, status, datum, gepland))
    if problems:
        raise DomainError(f"{bestandsnaam}: niets gewijzigd", problems)
    updated = unchanged = 0
    for line, deelname, status, datum, gepland in rows:
        last = deelname.statussen.order_by("-datum", "-id").first()
        if last and last.status == status and last.datum == datum:
            unchanged += 1
            continue
        try:
            with clock.replaying(datum):
                result = services.update_status(
                    deelname,
                    status,
                    datum,
                    user=user,
                    gepland_op=gepland,
                    toelichting=f"bulkupload {bestandsnaam}, regel {line}",
                )
        except DomainError as error:
            for p in error.problems:
                problem(line, "gepland_op" if p.name == "geplandOp" else p.name, p.reason)
        else:
            if result.gewijzigd:
                updated += 1
            else:
                unchanged += 1
    if problems:
        raise DomainError(f"{bestandsnaam}: niets gewijzigd", problems)
    return updated, unchanged
