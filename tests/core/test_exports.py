"""Exports: the Dutch-spreadsheet CSV beside the machine CSV; XLSX in write-only mode."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

from samen.core import exports


def test_machine_csv_keeps_decimal_points_and_iso_dates():
    body = exports.to_csv(["a", "b"], [[Decimal("1250000.50"), dt.date(2018, 1, 31)]])
    assert body.decode("utf-8-sig") == "a;b\r\n1250000.50;2018-01-31\r\n"


def test_dutch_csv_has_decimal_commas_and_dutch_dates():
    body = exports.to_csv(["a", "b"], [[Decimal("1250000.50"), dt.date(2018, 1, 31)]], dutch=True)
    assert body.decode("utf-8-sig") == "a;b\r\n1250000,50;31-01-2018\r\n"


def test_dutch_csv_still_neutralises_formulas():
    body = exports.to_csv(["a"], [["=1+1"]], dutch=True)
    assert "'=1+1" in body.decode("utf-8-sig")


def test_csv_nl_response_names_the_file():
    response = exports.response("csv-nl", "facturen", "Facturen", ["a"], [[Decimal("1.5")]])
    assert response["Content-Disposition"] == 'attachment; filename="facturen-nl.csv"'
    assert response.content.decode("utf-8-sig") == "a\r\n1,5\r\n"


def test_xlsx_of_100000_rows_within_ten_seconds():
    from openpyxl import load_workbook

    rows = ([i, f"gemeente {i}", Decimal("12.34"), "=danger"] for i in range(100_000))
    started = time.process_time()  # the work itself, not the neighbours' load
    body = exports.to_xlsx("Test", ["n", "naam", "bedrag", "tekst"], rows)
    elapsed = time.process_time() - started
    assert elapsed < 10, elapsed
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    values = list(sheet.iter_rows(min_row=1, max_row=3, values_only=True))
    assert values[0] == ("n", "naam", "bedrag", "tekst")
    assert values[1][0] == 0 and values[1][3] == "'=danger"
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 100_001
