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

from django.http import HttpResponse, StreamingHttpResponse

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


def _dutch_number(value) -> str:
    """A number for a Dutch spreadsheet: decimal comma, no thousands separator (a spreadsheet
    reads "1250000,50" as a number; "1.250.000,50" would be text in some programs)."""
    if isinstance(value, float):
        value = Decimal(str(value))
    return str(value).replace(".", ",")


def _dutch_plain(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return _plain(value)


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence], dutch: bool = False):
    """The CSV document line by line (for streaming): a BOM first, ";" as separator. ``dutch``
    writes numbers with a decimal comma and dates as dd-mm-jjjj, for Dutch spreadsheets; the
    default keeps the machine notation (decimal point, ISO dates)."""

    class _Line:
        def write(self, text):
            return text

    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    plain = _dutch_plain if dutch else _plain
    yield "\ufeff" + writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        out = []
        for value in row:
            value = plain(value)
            if _is_number(value):
                out.append(_dutch_number(value) if dutch else str(value))
            else:
                out.append(neutralise(str(value)))
        yield writer.writerow(out)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence], dutch: bool = False) -> bytes:
    return "".join(csv_lines(headers, rows, dutch)).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    def text(value) -> str:
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))

    # Write-only mode: rows are streamed to the file as they come (constant memory, no
    # recomputation of the sheet's dimensions per row: 100,000 rows in a few seconds).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)

    header = []
    for h in headers:
        cell = WriteOnlyCell(sheet, value=text(h))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    # Plain values: a text never starts with "=" after ``neutralise`` (it gets a quote), so
    # openpyxl never writes it as a formula; no cell objects per value (several times faster).
    for row in rows:
        values = []
        for value in row:
            value = _plain(value)
            if _is_number(value):
                values.append(value)
            else:
                values.append(text(value))
        sheet.append(values)
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
    "csv-nl": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


#: The formats ``response`` writes; "csv-nl" is the CSV for Dutch spreadsheets (decimal commas,
#: dd-mm-jjjj), offered beside each machine CSV.
FORMATS = ("csv", "csv-nl", "xlsx", "json")
EXTENSIONS = {"csv": "csv", "csv-nl": "csv", "xlsx": "xlsx", "json": "json"}


class CsvStream(StreamingHttpResponse):
    """A CSV export streamed to the client in blocks of lines as the rows come (issue 17: the
    first bytes leave before the last row is read; memory stays flat). ``content`` still reads
    the whole document (joined once), for code and tests that look at it."""

    @property
    def content(self) -> bytes:
        if not hasattr(self, "_joined"):
            self._joined = b"".join(self.streaming_content)
            self.streaming_content = [self._joined]
        return self._joined


def _blocks(lines, size: int = 500):
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) >= size:
            yield "".join(block).encode("utf-8")
            block = []
    if block:
        yield "".join(block).encode("utf-8")


def response(
    fmt: str, filename: str, title: str, headers, rows
) -> HttpResponse | StreamingHttpResponse:
    if fmt in ("csv", "csv-nl"):
        result = CsvStream(
            _blocks(csv_lines(headers, rows, dutch=fmt == "csv-nl")),
            content_type=CONTENT_TYPES[fmt],
        )
        suffix = "-nl" if fmt == "csv-nl" else ""
        result["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.csv"'
        return result
    rows = list(rows)
    if fmt == "xlsx":
        body = to_xlsx(title, headers, rows)
    elif fmt == "json":
        body = to_json(headers, rows)
    else:
        raise ValueError(f"unknown export format: {fmt}")
    result = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
