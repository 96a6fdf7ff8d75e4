"""Exports of tables as CSV, XLSX and JSON, safe against formula injection.

A text cell starting with = + - @ (or a tab / carriage return) is prefixed with a single quote
so spreadsheet programs show it as text; numbers stay numbers (negative amounts included).
XLSX cells cannot hold most control characters (XML 1.0), so those are dropped there (before the
formula check, so dropping one never exposes a formula).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _is_number(value) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        out = []
        for value in row:
            value = _plain(value)
            if _is_number(value):
                out.append(str(value))
            else:
                out.append(neutralise(str(value)))
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    def text(value) -> str:
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([text(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for value in row:
            value = _plain(value)
            if _is_number(value):
                values.append(value)
            else:
                values.append(text(value))
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_json(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    records = []
    for row in rows:
        record = {}
        for key, value in zip(headers, row, strict=True):
            value = _plain(value)
            record[key] = str(value) if isinstance(value, Decimal) else value
        records.append(record)
    return json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8")


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def response(fmt: str, filename: str, title: str, headers, rows) -> HttpResponse:
    rows = list(rows)
    if fmt == "csv":
        body = to_csv(headers, rows)
    elif fmt == "xlsx":
        body = to_xlsx(title, headers, rows)
    elif fmt == "json":
        body = to_json(headers, rows)
    else:
        raise ValueError(f"unknown export format: {fmt}")
    result = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
