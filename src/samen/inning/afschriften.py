"""Reading bank statements: CAMT.053 (camt.053.001.02) and a simple bank CSV. Pure module (no
Django): it turns a file into an ``Afschrift`` with its transactions, or raises a DomainError
whose problems name the file, the line or entry and the field.

CAMT.053 is parsed with the standard library's expat parser, safely: a document type
declaration or entity declaration is refused (no external entities, no entity expansion), as
defusedxml does. One statement (``Stmt``) per file. Per entry (``Ntry``) only booked entries
(``Sts`` BOOK) count; a batch entry (several ``TxDtls``) gives one transaction per ``TxDtls``
with its amount from ``AmtDtls/TxAmt/Amt`` (they must add up to the entry's amount). The bank
reference of a transaction is ``TxDtls/Refs/AcctSvcrRef``, else the entry's ``AcctSvcrRef``
(followed by ``/n`` for the n-th transaction of a batch). A reversal is an entry with
``RvslInd`` true (a debit that reverses an earlier credit); it names the credit it reverses by
its ``EndToEndId``. Other debits (money going out) are not payments and are skipped.

The bank CSV layout (UTF-8, ``;``-separated, one header row, every row of one statement)::

    rekening;afschrift;boekdatum;bankreferentie;eindtoeindid;bijaf;bedrag;terugboeking;\
        tegenrekening;naam;omschrijving
    NL91ABNA0417164300;2018-001;2018-01-15;B18011500001;E2E-1;bij;1234,56;nee;\
        NL20INGB0001234567;Gemeente X;Factuur 2017-000001 kenmerk 3201700000000012

(one line each; broken here for width).

``boekdatum`` is JJJJ-MM-DD; ``bijaf`` is ``bij`` (credit) or ``af`` (debit); ``bedrag`` is
positive with a decimal comma or point and at most two decimals ("1234,56", "1234.56", "1234");
thousands may be grouped with dots only before a decimal comma ("1.234,56"). Anything else
("1,234.56" read the English way, "1.234" that could be either) is refused; ``terugboeking``
is ``ja`` for a reversal (then ``eindtoeindid`` names the credit it reverses), else ``nee`` or
empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, TreeBuilder  # noqa: S405 - parsed with expat below
from xml.parsers import expat

from samen.core.errors import DomainError, Problem
from samen.core.money import MoneyError, format_euro, parse_amount

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
MAX_BYTES = 20 * 1024 * 1024
KENMERK = re.compile(r"(?<!\d)(\d(?:\s?\d){15})(?!\d)")
# The bank CSV's amounts: a decimal comma or point with at most two decimals, or dots grouping
# thousands before a decimal comma.
CSV_BEDRAG = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
CSV_BEDRAG_GROEP = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d{1,2}$")


@dataclass
class Transactie:
    positie: str
    bankreferentie: str
    eind_tot_eind: str
    boekdatum: dt.date
    bedrag: Decimal  # positive
    credit: bool
    terugboeking: bool
    omschrijving: str = ""
    tegenrekening: str = ""
    naam: str = ""


@dataclass
class Afschrift:
    bestandsnaam: str
    formaat: str
    identificatie: str
    rekening: str
    datum: dt.date | None
    transacties: list[Transactie] = field(default_factory=list)
    overgeslagen: int = 0  # debits that are not reversals, entries not booked


def kenmerken(text: str) -> list[str]:
    """The 16-digit payment references in a remittance text (spaces inside allowed)."""
    return [m.group(1).replace(" ", "") for m in KENMERK.finditer(text or "")]


def detect(data: bytes, filename: str) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or filename.lower().endswith(".xml"):
        return "camt053"
    return "csv"


def parse(data: bytes, filename: str) -> Afschrift:
    if len(data) > MAX_BYTES:
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [Problem("bestand", "groter dan 20 MB", file=filename)],
        )
    if detect(data, filename) == "camt053":
        return parse_camt053(data, filename)
    return parse_csv(data, filename)


# ---------------------------------------------------------------- CAMT.053


class _Refused(Exception):
    pass


def _safe_xml(data: bytes, filename: str) -> Element:
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*args):
        raise _Refused("een DOCTYPE- of ENTITY-declaratie is niet toegestaan")

    def start(tag, attrs):
        builder.start("{" + tag if "}" in tag else tag, attrs)

    def end(tag):
        builder.end("{" + tag if "}" in tag else tag)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [Problem("bestand", str(exc), "unsafe", file=filename)],
        ) from None
    except expat.ExpatError as exc:
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [
                Problem(
                    "bestand",
                    f"geen geldige XML: {expat.ErrorString(exc.code)} (kolom {exc.offset + 1})",
                    "malformed",
                    line=exc.lineno,
                    file=filename,
                )
            ],
        ) from None
    return builder.close()


def _q(path: str) -> str:
    return "/".join(f"{{{NS}}}{part}" for part in path.split("/"))


def _text(el: Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(_q(path))
    return (found.text or "").strip() if found is not None else ""


CAMT_BEDRAG = re.compile(r"^\d{1,18}(?:\.\d{1,5})?$")  # xs:decimal, as ISO 20022 writes it


def _amount(text: str) -> Decimal | None:
    if not CAMT_BEDRAG.match(text or ""):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    return value


def _csv_amount(text: str) -> Decimal | None:
    """The CSV's notations (see the module's docstring), read by the one amount parser."""
    if not (CSV_BEDRAG_GROEP.match(text) or CSV_BEDRAG.match(text)):
        return None
    try:
        value = parse_amount(text)
    except MoneyError:
        return None
    return value if value > 0 else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_camt053(data: bytes, filename: str) -> Afschrift:
    root = _safe_xml(data, filename)
    problems: list[Problem] = []

    def fail(name, reason, where=None):
        problems.append(Problem(name, f"{where}: {reason}" if where else reason, file=filename))

    if root.tag != f"{{{NS}}}Document":
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [Problem("Document", f"geen camt.053.001.02-bericht (namespace {NS})", file=filename)],
        )
    stmts = root.findall(_q("BkToCstmrStmt/Stmt"))
    if len(stmts) != 1:
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [
                Problem(
                    "Stmt",
                    f"precies één afschrift per bestand, gevonden: {len(stmts)}",
                    file=filename,
                )
            ],
        )
    stmt = stmts[0]
    ident = _text(stmt, "Id")
    iban = _text(stmt, "Acct/Id/IBAN").replace(" ", "").upper()
    if not ident:
        fail("Stmt/Id", "ontbreekt")
    if not iban:
        fail("Stmt/Acct/Id/IBAN", "ontbreekt")
    created = _text(stmt, "CreDtTm")
    afschrift = Afschrift(filename, "camt053", ident, iban, _date(created) if created else None)
    for n, ntry in enumerate(stmt.findall(_q("Ntry")), start=1):
        where = f"Ntry {n}"
        sts = _text(ntry, "Sts")
        if sts and sts != "BOOK":
            afschrift.overgeslagen += 1
            continue
        cd = _text(ntry, "CdtDbtInd")
        reversal = _text(ntry, "RvslInd").lower() in {"true", "1"}
        if cd not in {"CRDT", "DBIT"}:
            fail("CdtDbtInd", f"CRDT of DBIT verwacht, niet {cd!r}", where)
            continue
        if cd == "DBIT" and not reversal or cd == "CRDT" and reversal:
            afschrift.overgeslagen += 1  # money going out, or a reversed debit: not a payment
            continue
        amt_el = ntry.find(_q("Amt"))
        total = _amount(amt_el.text.strip() if amt_el is not None and amt_el.text else "")
        if total is None:
            fail("Amt", "geen geldig positief bedrag in centen", where)
            continue
        if amt_el.get("Ccy", "EUR") != "EUR":
            fail("Amt", f"valuta {amt_el.get('Ccy')!r}: alleen EUR", where)
            continue
        booked = _date(_text(ntry, "BookgDt/Dt") or _text(ntry, "BookgDt/DtTm"))
        if booked is None:
            fail("BookgDt", "geen geldige boekdatum", where)
            continue
        entry_ref = _text(ntry, "AcctSvcrRef")
        details = ntry.findall(_q("NtryDtls/TxDtls"))
        if not details:
            details = [None]
        batch = len(details) > 1
        som = Decimal("0.00")
        for t, tx in enumerate(details, start=1):
            tw = f"{where}, TxDtls {t}" if tx is not None else where
            ref = _text(tx, "Refs/AcctSvcrRef")
            if not ref and entry_ref:
                ref = f"{entry_ref}/{t}" if batch else entry_ref
            if not ref:
                fail("AcctSvcrRef", "geen bankreferentie", tw)
                continue
            if batch or tx is not None and tx.find(_q("AmtDtls/TxAmt/Amt")) is not None:
                raw = _text(tx, "AmtDtls/TxAmt/Amt") or _text(tx, "Amt")
                amount = _amount(raw)
                if amount is None:
                    fail("AmtDtls/TxAmt/Amt", "geen geldig positief bedrag", tw)
                    continue
            else:
                amount = total
            som += amount
            e2e = _text(tx, "Refs/EndToEndId")
            if e2e == "NOTPROVIDED":
                e2e = ""
            ustrd = " ".join(
                (u.text or "").strip()
                for u in (tx.findall(_q("RmtInf/Ustrd")) if tx is not None else [])
            )
            strd = _text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
            omschrijving = " ".join(p for p in (strd, ustrd) if p) or _text(ntry, "AddtlNtryInf")
            party = "Dbtr" if cd == "CRDT" else "Cdtr"
            afschrift.transacties.append(
                Transactie(
                    positie=tw,
                    bankreferentie=ref,
                    eind_tot_eind=e2e,
                    boekdatum=booked,
                    bedrag=amount,
                    credit=cd == "CRDT",
                    terugboeking=reversal,
                    omschrijving=omschrijving[:500],
                    tegenrekening=_text(tx, f"RltdPties/{party}Acct/Id/IBAN")[:34],
                    naam=_text(tx, f"RltdPties/{party}/Nm")[:200],
                )
            )
            if reversal and not e2e:
                fail("EndToEndId", "een terugboeking noemt de EndToEndId van de betaling", tw)
        if batch and som != total and not problems:
            fail(
                "Amt",
                f"de transacties tellen op tot {format_euro(som)}, de post is {format_euro(total)}",
                where,
            )
    if problems:
        raise DomainError("Het bankafschrift is niet ingelezen.", problems)
    return afschrift


# ---------------------------------------------------------------- CSV

KOLOMMEN = [
    "rekening",
    "afschrift",
    "boekdatum",
    "bankreferentie",
    "eindtoeindid",
    "bijaf",
    "bedrag",
    "terugboeking",
    "tegenrekening",
    "naam",
    "omschrijving",
]


def parse_csv(data: bytes, filename: str) -> Afschrift:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [Problem("bestand", f"geen UTF-8 (byte {exc.start})", "encoding", file=filename)],
        ) from None
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [k for k in KOLOMMEN if k not in header]
    if missing:
        raise DomainError(
            "Het bankafschrift is niet ingelezen.",
            [
                Problem(
                    "kolommen", f"ontbreekt: {', '.join(missing)}", "missing", line=1, file=filename
                )
            ],
        )
    col = {k: header.index(k) for k in KOLOMMEN}
    problems: list[Problem] = []
    afschrift = Afschrift(filename, "csv", "", "", None)
    for lineno, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(Problem("regel", "te weinig kolommen", line=lineno, file=filename))
            continue
        v = {k: row[i].strip() for k, i in col.items()}

        def bad(name, reason, lineno=lineno):
            problems.append(Problem(name, reason, line=lineno, file=filename))

        rekening = v["rekening"].replace(" ", "").upper()
        if not afschrift.identificatie:
            afschrift.identificatie, afschrift.rekening = v["afschrift"], rekening
        elif (v["afschrift"], rekening) != (afschrift.identificatie, afschrift.rekening):
            bad("afschrift", "alle regels horen bij één afschrift van één rekening")
        if not v["afschrift"]:
            bad("afschrift", "ontbreekt")
        if not rekening:
            bad("rekening", "ontbreekt")
        datum = _date(v["boekdatum"]) if len(v["boekdatum"]) == 10 else None
        if datum is None:
            bad("boekdatum", f"geen datum JJJJ-MM-DD: {v['boekdatum']!r}")
        bedrag = _csv_amount(v["bedrag"])
        if bedrag is None:
            bad("bedrag", f"geen geldig positief bedrag: {v['bedrag']!r}")
        if v["bijaf"].lower() not in {"bij", "af"}:
            bad("bijaf", f"'bij' of 'af', niet {v['bijaf']!r}")
        if v["terugboeking"].lower() not in {"", "ja", "nee"}:
            bad("terugboeking", f"'ja' of 'nee', niet {v['terugboeking']!r}")
        if not v["bankreferentie"]:
            bad("bankreferentie", "ontbreekt")
        credit = v["bijaf"].lower() == "bij"
        reversal = v["terugboeking"].lower() == "ja"
        if reversal and credit:
            bad("terugboeking", "een terugboeking is een afschrijving ('af')")
        if reversal and not v["eindtoeindid"]:
            bad("eindtoeindid", "een terugboeking noemt de end-to-end-id van de betaling")
        if datum is None or bedrag is None:
            continue
        afschrift.datum = max(afschrift.datum or datum, datum)
        if not credit and not reversal:
            afschrift.overgeslagen += 1
            continue
        afschrift.transacties.append(
            Transactie(
                positie=f"regel {lineno}",
                bankreferentie=v["bankreferentie"],
                eind_tot_eind=v["eindtoeindid"],
                boekdatum=datum,
                bedrag=bedrag,
                credit=credit,
                terugboeking=reversal,
                omschrijving=v["omschrijving"][:500],
                tegenrekening=v["tegenrekening"].replace(" ", "")[:34],
                naam=v["naam"][:200],
            )
        )
    if not afschrift.identificatie and not problems:
        problems.append(Problem("bestand", "geen transacties", "empty", file=filename))
    if problems:
        raise DomainError("Het bankafschrift is niet ingelezen.", problems)
    return afschrift
