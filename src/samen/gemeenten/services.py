"""State changes of the municipality register. Each function is one transaction and audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction
from django.utils import timezone

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.errors import DomainError
from samen.gemeenten import importing, queries
from samen.gemeenten.models import (
    CbsImport,
    Gemeente,
    Herindeling,
    Inwonertal,
    Overgang,
    Provincie,
)

DATA = resources.files("samen.gemeenten") / "data"
POPULATION_FILE = "gemeenten_inwoners_1jan_2012_2024.csv"
HERINDELING_FILE = "gemeentelijke_herindelingen_2013_2023.csv"


@dataclass
class ImportResult:
    bestandsnaam: str
    formaat: str
    jaren: list[int]
    regels: int
    aangemaakt: int = 0
    gewijzigd: int = 0
    ongewijzigd: int = 0
    al_geimporteerd: bool = False
    waarschuwingen: list[str] = field(default_factory=list)

    @property
    def veranderd(self) -> bool:
        return bool(self.aangemaakt or self.gewijzigd)

    def summary(self) -> str:
        if self.al_geimporteerd:
            return f"{self.bestandsnaam}: dit bestand is al eerder geïmporteerd; niets gewijzigd."
        if not self.veranderd:
            return (
                f"{self.bestandsnaam}: alle {self.ongewijzigd} inwonertallen waren al bekend; "
                "niets gewijzigd."
            )
        jaren = ", ".join(str(j) for j in self.jaren)
        return (
            f"{self.bestandsnaam} ({self.formaat}, {jaren}): {self.aangemaakt} nieuw, "
            f"{self.gewijzigd} gewijzigd, {self.ongewijzigd} ongewijzigd."
        )


def import_cbs(data: bytes, bestandsnaam: str, user=None) -> ImportResult:
    """Import population figures from a CBS file: all or nothing.

    Raises DomainError listing every problem (file, line, field) and changes nothing then.
    Importing the same content again changes nothing and says so.
    """
    parsed = importing.parse(data, bestandsnaam)
    jaren = sorted({row.jaar for row in parsed.rows})
    veld = "Regions" if parsed.formaat == "statline-37259" else "gemeentecode"
    with transaction.atomic():
        # The rows that parsed are checked against the register as well, so a refusal lists
        # every problem in the file at once, in line order.
        codes = {row.code for row in parsed.rows}
        gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=codes)}
        for row in parsed.rows:
            gemeente = gemeenten.get(row.code)
            if gemeente is None:
                parsed.problem(row.line, veld, f"onbekende gemeente {row.code}", "unknown")
            elif not gemeente.bestaat_op(dt.date(row.jaar, 1, 1)):
                parsed.problem(
                    row.line,
                    veld,
                    f"gemeente {row.code} ({gemeente.naam}) bestond niet op 1 januari {row.jaar}",
                    "unknown",
                )
        if parsed.problems:
            problems = sorted(parsed.problems, key=lambda p: p.line or 0)
            raise DomainError(f"{bestandsnaam}: import geweigerd, niets gewijzigd", problems)
        existing = {
            (code, jaar): (pk, aantal)
            for pk, code, jaar, aantal in Inwonertal.objects.filter(
                gemeente__code__in=codes, jaar__in=jaren
            ).values_list("pk", "gemeente__code", "jaar", "aantal")
        }
        result = ImportResult(bestandsnaam, parsed.formaat, jaren, parsed.regels)
        new_rows = []
        changed = []
        for row in parsed.rows:
            current = existing.get((row.code, row.jaar))
            if current is None:
                new_rows.append(
                    Inwonertal(
                        gemeente=gemeenten[row.code],
                        jaar=row.jaar,
                        aantal=row.aantal,
                        bron=row.bron,
                    )
                )
            elif current[1] != row.aantal:
                changed.append((row, current))
            else:
                result.ongewijzigd += 1
        known = CbsImport.objects.filter(sha256=parsed.sha256)
        if not new_rows and not changed and known.exists():
            # The same file again, and the register still holds its figures.
            result.al_geimporteerd = True
            return result
        for row, (pk, aantal) in changed:
            Inwonertal.objects.filter(pk=pk).update(aantal=row.aantal, bron=row.bron)
            record(
                Actie.WIJZIGEN,
                object_type="gemeenten.inwonertal",
                object_id=f"{row.code}/{row.jaar}",
                object_omschrijving=f"{gemeenten[row.code].naam} 1-1-{row.jaar}",
                voor={"aantal": aantal},
                na={"aantal": row.aantal, "bron": row.bron},
                user=user,
                toelichting=f"CBS-import {bestandsnaam}, regel {row.line}",
            )
        result.gewijzigd = len(changed)
        Inwonertal.objects.bulk_create(new_rows, batch_size=1000)
        result.aangemaakt = len(new_rows)
        log_values = {
            "bestandsnaam": bestandsnaam[:255],
            "formaat": parsed.formaat,
            "jaren": jaren,
            "regels": parsed.regels,
            "aangemaakt": result.aangemaakt,
            "gewijzigd": result.gewijzigd,
        }
        if known.exists():
            # Imported before, but the figures have changed since: this import restored them.
            known.update(geimporteerd_op=timezone.now(), **log_values)
            log = known.get()
        else:
            log = CbsImport.objects.create(sha256=parsed.sha256, **log_values)
        record(
            Actie.IMPORTEREN,
            log,
            na={
                "jaren": jaren,
                "aangemaakt": result.aangemaakt,
                "gewijzigd": result.gewijzigd,
                "ongewijzigd": result.ongewijzigd,
            },
            user=user,
            toelichting=result.summary(),
        )
        for jaar in jaren:
            bestaand = Gemeente.objects.op(dt.date(jaar, 1, 1)).count()
            aanwezig = Inwonertal.objects.filter(jaar=jaar).count()
            if aanwezig < bestaand:
                result.waarschuwingen.append(
                    f"{jaar}: voor {bestaand - aanwezig} van de {bestaand} gemeenten ontbreekt "
                    "nog een inwonertal."
                )
        return result


# --- loading the shipped register ------------------------------------------------------------

SOORT = {"new": "new", "absorb": "absorb", "rename": "rename"}


def _read_csv(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _herindeling_groups(rows: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Group links into herindelingen: links on one date that share a municipality."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        a = f"{row['ingangsdatum']}/{row['oude_code']}"
        b = f"{row['ingangsdatum']}/{row['nieuwe_code']}"
        parent[find(a)] = find(b)
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(find(f"{row['ingangsdatum']}/{row['nieuwe_code']}"), []).append(row)
    return sorted(groups.values(), key=lambda g: (g[0]["ingangsdatum"], g[0]["nieuwe_code"]))


def _soort(group: list[dict[str, str]]) -> str:
    olds = [row["oude_code"] for row in group]
    if any(olds.count(code) > 1 for code in olds):
        return Herindeling.Soort.SPLITSING
    if all(row["soort"] == "rename" for row in group):
        return Herindeling.Soort.NAAMSWIJZIGING
    if any(row["soort"] == "new" for row in group):
        return Herindeling.Soort.SAMENVOEGING
    return Herindeling.Soort.TOEVOEGING


def _omschrijving(group: list[dict[str, str]], soort: str) -> str:
    olds = sorted({row["oude_naam"] for row in group})
    news = sorted({row["nieuwe_naam"] for row in group})
    if soort == Herindeling.Soort.SPLITSING:
        return f"{', '.join(olds)} verdeeld over {', '.join(news)}"
    if soort == Herindeling.Soort.NAAMSWIJZIGING:
        return f"{olds[0]} heet voortaan {news[0]}"
    if soort == Herindeling.Soort.TOEVOEGING:
        return f"{', '.join(olds)} opgegaan in {', '.join(news)}"
    return f"{', '.join(olds)} samengevoegd tot {', '.join(news)}"


@transaction.atomic
def load_register(user=None) -> str:
    """Load the shipped CBS register (municipalities, provinces, herindelingen, population
    2012–2024) in one transaction. Idempotent: a second run with the same files does nothing."""
    digest = queries.shipped_data_hash(DATA, (POPULATION_FILE, HERINDELING_FILE))
    if CbsImport.objects.filter(sha256=digest).exists():
        return "Het gemeenteregister is al geladen; niets gewijzigd."
    population = _read_csv(POPULATION_FILE)
    links = _read_csv(HERINDELING_FILE)

    provincies = {}
    for row in population:
        provincies[row["provinciecode"]] = row["provincienaam"]
    prov_objs = {}
    for code, naam in sorted(provincies.items()):
        prov_objs[code], _ = Provincie.objects.update_or_create(code=code, defaults={"naam": naam})

    latest: dict[str, dict[str, str]] = {}
    years: dict[str, list[int]] = {}
    for row in population:
        latest[row["gemeentecode"]] = row  # rows are in year order
        years.setdefault(row["gemeentecode"], []).append(int(row["jaar"]))
    first_year = min(int(row["jaar"]) for row in population)
    start: dict[str, dt.date] = {}
    end: dict[str, dt.date] = {}
    for row in links:
        datum = dt.date.fromisoformat(row["ingangsdatum"])
        if row["soort"] in ("new", "rename"):
            start[row["nieuwe_code"]] = datum
        # a predecessor ends when it no longer appears as a municipality afterwards
        if row["oude_code"] != row["nieuwe_code"]:
            end[row["oude_code"]] = datum
    gemeenten = {}
    for code, row in sorted(latest.items()):
        van = start.get(code)
        if van is None and min(years[code]) > first_year:
            van = dt.date(min(years[code]), 1, 1)
        gemeente, created = Gemeente.objects.update_or_create(
            code=code,
            defaults={
                "naam": row["gemeentenaam"],
                "provincie": prov_objs[row["provinciecode"]],
                "geldig_van": van,
                "geldig_tot": end.get(code),
            },
        )
        gemeenten[code] = gemeente
        if created:
            record(Actie.AANMAKEN, gemeente, na={"code": code, "naam": gemeente.naam}, user=user)

    # Herindelingen already in the register are kept as they are; a new release of the data
    # adds its new ones (links are known by date, predecessor and successor).
    bestaand = {
        (datum.isoformat(), voorganger, opvolger): herindeling_id
        for datum, voorganger, opvolger, herindeling_id in Overgang.objects.values_list(
            "herindeling__datum", "voorganger__code", "opvolger__code", "herindeling_id"
        )
    }
    for group in _herindeling_groups(links):
        keys = [(row["ingangsdatum"], row["oude_code"], row["nieuwe_code"]) for row in group]
        nieuw = [row for row, key in zip(group, keys, strict=True) if key not in bestaand]
        if not nieuw:
            continue
        known = [bestaand[key] for key in keys if key in bestaand]
        if known:
            herindeling = Herindeling.objects.get(pk=known[0])
        else:
            soort = _soort(group)
            herindeling = Herindeling.objects.create(
                datum=dt.date.fromisoformat(group[0]["ingangsdatum"]),
                soort=soort,
                omschrijving=_omschrijving(group, soort)[:300],
            )
            record(Actie.AANMAKEN, herindeling, na={"soort": soort}, user=user)
        Overgang.objects.bulk_create(
            Overgang(
                herindeling=herindeling,
                voorganger=gemeenten[row["oude_code"]],
                opvolger=gemeenten[row["nieuwe_code"]],
                deel=Overgang.Deel.GEHEEL if row["deel"] == "whole" else Overgang.Deel.DEEL,
                inwoners_overgegaan=int(row["inwoners_overgegaan"]),
                toelichting=row["toelichting_inwoners"][:300],
            )
            for row in nieuw
        )

    result = import_cbs((DATA / POPULATION_FILE).read_bytes(), POPULATION_FILE, user=user)
    CbsImport.objects.get_or_create(
        sha256=digest,
        defaults={"bestandsnaam": "register (gemeenten + herindelingen)", "formaat": "register"},
    )
    return "Gemeenteregister geladen. " + result.summary()
