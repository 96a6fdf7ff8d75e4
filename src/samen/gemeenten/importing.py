"""Parsing and validating CBS population files (pure: no database access here).

Two layouts are recognised by their header:
- ``samen``: the layout shipped with the project (jaar, gemeentecode, gemeentenaam,
  provincienaam, provinciecode, inwoners_1jan, bron);
- ``statline-37259``: the StatLine export of table 37259ENG (three rows per region for the sexes;
  only T001038 and GM regions are kept; region codes may be padded with spaces).
Every problem is reported with the physical line number (header = line 1) and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from samen.core.errors import Problem

CODE_RE = re.compile(r"^GM[0-9]{4}$")
PERIOD_RE = re.compile(r"^([0-9]{4})JJ00$")
YEAR_RE = re.compile(r"^[0-9]{4}$")
FIRST_YEAR = 1900  # a four-digit year before this is a typing error, not a CBS figure
MAX_COUNT = 2_147_483_647  # the largest count the database column holds (on both databases)

SAMEN_COLUMNS = [
    "jaar",
    "gemeentecode",
    "gemeentenaam",
    "provincienaam",
    "provinciecode",
    "inwoners_1jan",
    "bron",
]
STATLINE_COLUMNS = ["Sex", "Regions", "Periods", "PopulationOn1January_1"]
STATLINE_TOTAL = "T001038"
STATLINE_SOURCE = "CBS 37259ENG PopulationOn1January"


@dataclass
class Row:
    line: int
    jaar: int
    code: str
    aantal: int
    bron: str
    naam: str = ""


@dataclass
class Parsed:
    bestandsnaam: str
    formaat: str
    sha256: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    regels: int = 0

    def problem(self, line: int | None, name: str, reason: str, code: str = "invalid") -> None:
        self.problems.append(Problem(name, reason, code, line, self.bestandsnaam))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _count(text: str) -> int | None:
    value = text.strip()
    if not re.fullmatch(r"-?[0-9]+", value):
        return None
    return int(value)


def parse(data: bytes, bestandsnaam: str) -> Parsed:
    parsed = Parsed(bestandsnaam, "onbekend", hashlib.sha256(data).hexdigest())
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        parsed.problem(1, "kopregel", "het bestand is leeg", "required")
        return parsed
    if "PopulationOn1January_1" in header or "Regions" in header:
        parsed.formaat = "statline-37259"
        required = STATLINE_COLUMNS
    else:
        parsed.formaat = "samen"
        required = SAMEN_COLUMNS
    missing = [name for name in required if name not in header]
    for name in missing:
        parsed.problem(1, name, f"kolom '{name}' ontbreekt", "required")
    if missing:
        return parsed
    index = {name: header.index(name) for name in header}
    seen: dict[tuple[str, int], int] = {}

    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        parsed.regels += 1
        if len(values) < len(header):
            parsed.problem(
                line, header[len(values)], f"te weinig velden ({len(values)} van {len(header)})"
            )
            continue

        def get(name: str, _values: list[str] = values) -> str:
            return _values[index[name]].strip()

        if parsed.formaat == "statline-37259":
            if get("Sex") != STATLINE_TOTAL:
                continue
            region = get("Regions")
            if not region.startswith("GM"):
                continue  # country, parts of the country, provinces, COROP regions
            code_field, count_field = "Regions", "PopulationOn1January_1"
            match = PERIOD_RE.match(get("Periods"))
            if not match or int(match.group(1)) < FIRST_YEAR:
                parsed.problem(line, "Periods", f"onbekende periode '{get('Periods')}'")
                continue
            jaar = int(match.group(1))
            bron = STATLINE_SOURCE
            naam = values[index["Regions Label"]].strip() if "Regions Label" in index else ""
        else:
            region = get("gemeentecode")
            code_field, count_field = "gemeentecode", "inwoners_1jan"
            if not YEAR_RE.match(get("jaar")) or int(get("jaar")) < FIRST_YEAR:
                parsed.problem(line, "jaar", f"geen jaartal: '{get('jaar')}'")
                continue
            jaar = int(get("jaar"))
            bron = get("bron") or "CBS"
            naam = get("gemeentenaam")
        ok = True
        if not CODE_RE.match(region):
            parsed.problem(line, code_field, f"ongeldige gemeentecode '{region}' (verwacht GM0000)")
            ok = False
        raw_count = get(count_field)
        aantal = _count(raw_count)
        if aantal is None:
            parsed.problem(line, count_field, f"geen geheel getal: '{raw_count}'")
            ok = False
        elif aantal < 0:
            parsed.problem(line, count_field, f"negatief aantal inwoners: {aantal}")
            ok = False
        elif aantal > MAX_COUNT:
            parsed.problem(line, count_field, f"te groot aantal inwoners: {aantal}")
            ok = False
        if not ok or aantal is None:
            continue
        key = (region, jaar)
        if key in seen:
            parsed.problem(
                line,
                code_field,
                f"dubbele regel: {region} voor {jaar} staat ook op regel {seen[key]}",
                "duplicate",
            )
            continue
        seen[key] = line
        parsed.rows.append(Row(line, jaar, region, aantal, bron, naam))
    if not parsed.rows and not parsed.problems:
        parsed.problem(None, "inhoud", "geen inwonertallen van gemeenten gevonden", "required")
    return parsed
