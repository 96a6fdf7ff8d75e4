"""Set-based matching of a bank statement (issue 17): the same outcome as matching its entries
one at a time (``statements._match_per_payment``, kept as the oracle of the tests), in a
constant number of SQL statements per statement instead of about ten per payment.

1. Read: the invoices named by the entries' payment references, their accounts (family, ledger,
   lines, what was paid on each line), and the payments the reversals name, each in one query
   (chunked for long lists).
2. Plan, in Python: the entries in file order against an in-memory copy of those accounts, so a
   second payment on the same invoice in the same file sees the first one's booking, a reversal
   sees a payment of the same file, and so on (``queries.holders``/``queries.follow`` and the
   core's total-preserving ``allocate``, exactly as the per-payment path).
3. Write: payments, payment lines and ledger entries with ``bulk_create``, the reversed
   originals with one UPDATE."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur, Factuurregel, Vordering
from samen.core.errors import Problem
from samen.core.money import ZERO, allocate, format_euro
from samen.inning import afschriften, queries
from samen.inning.models import Bankafschrift, Betaling, Betalingsregel

CHUNK = 2000  # ids per IN list (SQLite's variable limit; PostgreSQL plans them the same)


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)] or []


@dataclass
class _Account:
    """An invoice's account in memory: its ledger rows (as ``queries.ledger_rows``), its lines
    (as ``queries.line_state`` reads them) and what was paid per service on the root's lines."""

    root: Factuur
    ids: list[int]
    rows: list[tuple] = field(default_factory=list)
    regels: list[tuple] = field(default_factory=list)  # (pk, factuur_id, dienst_id, bedrag)
    paid: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    def line_state(self) -> dict[int, queries.Regelstand]:
        lines = {
            dienst_id: queries.Regelstand(pk, dienst_id, ZERO, ZERO)
            for pk, factuur_id, dienst_id, _bedrag in self.regels
            if factuur_id == self.root.pk
        }
        for _pk, _factuur_id, dienst_id, bedrag in self.regels:
            if dienst_id in lines:
                lines[dienst_id].gefactureerd += bedrag
        for dienst_id, bedrag in self.paid.items():
            lines[dienst_id].betaald += bedrag
        return lines


def _ledger_entries(
    rows: list[tuple], amounts: dict[int, Decimal], datum: dt.date, soort: str
) -> list[tuple]:
    """Pure: the ledger entries (municipality, amount, kind, date) that ``matching._book_ledger``
    books for ``amounts`` on ``datum``, with the correcting transfer pairs."""
    _final, moves = queries.follow(rows, amounts, datum)
    entries = [(g, part, soort, datum) for g, part in sorted(amounts.items()) if part]
    for when, van, naar, part in moves:
        entries.append((van, -part, Vordering.Soort.OVERDRACHT, when))
        entries.append((naar, part, Vordering.Soort.OVERDRACHT, when))
    return entries


@dataclass
class _Original:
    """A payment a reversal may name: from the database or from earlier in this file."""

    order: tuple  # (boekdatum, 0, id) for stored ones, (boekdatum, 1, position) for new ones
    betaling: Betaling
    regels: list[tuple]  # (factuurregel_id, dienst_id, bedrag)
    stored: bool


class _Plan:
    def __init__(self, stmt: Bankafschrift, filename: str, voorbeeld: bool):
        self.stmt = stmt
        self.filename = filename
        self.voorbeeld = voorbeeld
        self.betalingen: list[Betaling] = []
        self.regels: list[tuple[Betaling, int, int, Decimal, dt.date]] = []
        self.ledger: list[tuple[int, int, Decimal, str, dt.date]] = []  # (root, g, bedrag, ...)
        self.reversed_stored: list[int] = []
        self.links: list[tuple[Betaling, Betaling]] = []  # (reversal, original of this file)


def _refs(text: str) -> list[str]:
    return sorted({k for k in afschriften.kenmerken(text) if kenmerk_mod.is_valid(k)})


def _load_invoices(
    triples: set[tuple[int, int, int]],
) -> dict[tuple[int, int, int], Factuur]:
    """The issued invoices the references name, by (year, series code, number)."""
    found: dict[tuple[int, int, int], Factuur] = {}
    by_year: dict[int, set[int]] = defaultdict(set)
    for jaar, _code, nummer in triples:
        by_year[jaar].add(nummer)
    for jaar, nummers in sorted(by_year.items()):
        for chunk in _chunks(sorted(nummers)):
            for f in (
                Factuur.objects.select_related("verwijst_naar")
                .filter(nummerjaar=jaar, volgnummer__in=chunk, status=Factuur.Status.UITGEGEVEN)
                .order_by("pk")
            ):
                key = (f.nummerjaar, kenmerk_mod.series_code(f.reeks), f.volgnummer)
                if key in triples:
                    found.setdefault(key, f)
    return found


def _load_accounts(roots: dict[int, Factuur]) -> dict[int, _Account]:
    """The accounts of ``roots`` in four queries per chunk: family, ledger, lines, paid."""
    accounts = {pk: _Account(root, [pk]) for pk, root in roots.items()}
    owner: dict[int, int] = {pk: pk for pk in roots}
    for chunk in _chunks(sorted(roots)):
        for pk, parent in (
            Factuur.objects.filter(verwijst_naar_id__in=chunk)
            .order_by("nummerjaar", "volgnummer", "id")
            .values_list("pk", "verwijst_naar_id")
        ):
            accounts[parent].ids.append(pk)
            owner[pk] = parent
    family = sorted(owner)
    for chunk in _chunks(family):
        for factuur_id, *row in (
            Vordering.objects.filter(factuur_id__in=chunk)
            .order_by()
            .values_list("factuur_id", "gemeente_id", "bedrag", "datum", "soort", "herindeling_id")
        ):
            accounts[owner[factuur_id]].rows.append(tuple(row))
        for row in (
            Factuurregel.objects.filter(factuur_id__in=chunk)
            .order_by()
            .values_list("pk", "factuur_id", "dienst_id", "bedrag")
        ):
            accounts[owner[row[1]]].regels.append(row)
    for chunk in _chunks(sorted(roots)):
        for root_id, dienst_id, bedrag in (
            Betalingsregel.objects.filter(factuurregel__factuur_id__in=chunk)
            .order_by()
            .values_list("factuurregel__factuur_id", "dienst_id", "bedrag")
        ):
            accounts[root_id].paid[dienst_id] += bedrag
    return accounts


def _load_originals(e2e: set[str]) -> dict[str, list[_Original]]:
    found: dict[str, list[_Original]] = defaultdict(list)
    stored: list[Betaling] = []
    for chunk in _chunks(sorted(e2e - {""})):
        stored.extend(
            Betaling.objects.select_related("factuur__verwijst_naar")
            .filter(soort=Betaling.Soort.BETALING, eind_tot_eind__in=chunk)
            .order_by()
        )
    regels: dict[int, list[tuple]] = defaultdict(list)
    matched = [b.pk for b in stored if b.status == Betaling.Status.GEKOPPELD]
    for chunk in _chunks(matched):
        for betaling_id, *row in Betalingsregel.objects.filter(betaling_id__in=chunk).values_list(
            "betaling_id", "factuurregel_id", "dienst_id", "bedrag"
        ):
            regels[betaling_id].append(tuple(row))
    for b in stored:
        found[b.eind_tot_eind].append(_Original((b.boekdatum, 0, b.pk), b, regels[b.pk], True))
    return found


def match_entries(
    stmt: Bankafschrift,
    afschrift: afschriften.Afschrift,
    filename: str,
    voorbeeld: bool,
    result,
    problems: list[Problem],
) -> None:
    """Match and book the entries of ``afschrift`` (read into ``stmt``): counts and messages
    into ``result``, errors into ``problems`` (the caller raises them, so nothing is kept)."""
    transacties = afschrift.transacties
    known: set[str] = set()
    for chunk in _chunks([t.bankreferentie for t in transacties]):
        known.update(
            Betaling.objects.filter(bankreferentie__in=chunk).values_list(
                "bankreferentie", flat=True
            )
        )
    refs = {id(t): _refs(t.omschrijving) for t in transacties if not t.terugboeking}
    triples = {kenmerk_mod.parse(r[0]) for r in refs.values() if len(r) == 1}
    invoices = _load_invoices({t for t in triples if t is not None})
    originals = _load_originals({t.eind_tot_eind for t in transacties if t.terugboeking})
    roots = _invoices_roots(invoices)
    # one matcher per invoice: the accounts matched on, locked in one statement, in pk order
    for chunk in _chunks(sorted(roots)):
        list(Factuur.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values("pk"))
    for candidates in originals.values():
        for o in candidates:
            if o.betaling.status == Betaling.Status.GEKOPPELD and o.betaling.factuur_id:
                roots.setdefault(o.betaling.factuur_id, o.betaling.factuur)
    accounts = _load_accounts(roots)

    plan = _Plan(stmt, filename, voorbeeld)
    seen: set[str] = set()
    for position, t in enumerate(transacties):
        if t.bankreferentie in seen:
            problems.append(
                Problem(
                    "bankreferentie",
                    f"{t.positie}: {t.bankreferentie} komt twee keer voor",
                    "unique",
                    file=filename,
                )
            )
            continue
        seen.add(t.bankreferentie)
        if t.bankreferentie in known:
            result.overgeslagen += 1
            result.meldingen.append(f"{t.positie}: {t.bankreferentie} was al geboekt")
            continue
        common = {
            "bankafschrift": stmt,
            "positie": t.positie,
            "bankreferentie": t.bankreferentie,
            "eind_tot_eind": t.eind_tot_eind,
            "boekdatum": t.boekdatum,
            "kenmerk": t.omschrijving,
            "tegenrekening": t.tegenrekening,
            "naam": t.naam,
            "voorbeeld": voorbeeld,
            "geregistreerd_door": stmt.ingelezen_door,
        }
        if t.terugboeking:
            candidates = originals.get(t.eind_tot_eind) if t.eind_tot_eind else None
            original = max(candidates, key=lambda o: o.order) if candidates else None
            if original is None:
                problems.append(
                    Problem(
                        "EndToEndId",
                        f"{t.positie}: terugboeking van een onbekende betaling ({t.eind_tot_eind})",
                        "unknown",
                        file=filename,
                    )
                )
                continue
            b = original.betaling
            if b.status == Betaling.Status.TERUGGEBOEKT:
                problems.append(
                    Problem(
                        "EndToEndId",
                        f"{t.positie}: betaling {b.bankreferentie} is al teruggeboekt",
                        "conflict",
                        file=filename,
                    )
                )
                continue
            if b.bedrag != t.bedrag:
                problems.append(
                    Problem(
                        "Amt",
                        f"{t.positie}: terugboeking van {format_euro(t.bedrag)}, "
                        f"de betaling was {format_euro(b.bedrag)}",
                        file=filename,
                    )
                )
                continue
            _plan_reversal(plan, accounts, original, common)
            result.teruggeboekt += 1
            continue
        betaling = Betaling(status=Betaling.Status.ONGEMATCHT, bedrag=t.bedrag, **common)
        plan.betalingen.append(betaling)
        reden = _plan_match(plan, accounts, invoices, betaling, refs[id(t)])
        if reden:
            betaling.status = Betaling.Status.ONGEMATCHT
            betaling.reden = reden[:300]
            result.ongematcht += 1
            result.meldingen.append(f"{t.positie}: niet gekoppeld: {reden}")
        else:
            result.gekoppeld += 1
        if t.eind_tot_eind:
            originals.setdefault(t.eind_tot_eind, []).append(
                _Original((t.boekdatum, 1, position), betaling, betaling._regels, False)
            )
    if problems:
        return
    _write(plan, accounts)


def _invoices_roots(invoices: dict[tuple[int, int, int], Factuur]) -> dict[int, Factuur]:
    return {
        queries.root_of(f).pk: queries.root_of(f)
        for f in invoices.values()
        if f.soort != Factuur.Soort.CREDITNOTA
    }


def _plan_match(
    plan: _Plan,
    accounts: dict[int, _Account],
    invoices: dict[tuple[int, int, int], Factuur],
    betaling: Betaling,
    refs: list[str],
) -> str:
    """``matching._match`` against the accounts in memory."""
    betaling._regels = []
    if not refs:
        return "geen geldig betalingskenmerk in de omschrijving"
    if len(refs) > 1:
        return "meer dan één betalingskenmerk: " + ", ".join(refs)
    factuur = invoices.get(kenmerk_mod.parse(refs[0]))
    if factuur is None:
        return f"onbekend betalingskenmerk {refs[0]}"
    betaling.factuur = factuur
    if factuur.soort == Factuur.Soort.CREDITNOTA:
        return f"kenmerk van creditnota {factuur.nummer}"
    root = queries.root_of(factuur)
    account = accounts[root.pk]
    open_ = sum(queries.holders(account.rows).values(), ZERO)
    if open_ <= 0:
        return f"factuur {root.nummer} is al betaald"
    if betaling.bedrag > open_:
        return f"meer dan het openstaande bedrag {format_euro(open_)} van factuur {root.nummer}"
    _plan_book(plan, account, betaling)
    return ""


def _plan_book(plan: _Plan, account: _Account, betaling: Betaling) -> None:
    """``matching._book`` against the account in memory."""
    lines = account.line_state()
    weights = {d: max(s.open, ZERO) for d, s in lines.items()}
    if not any(weights.values()):
        weights = {d: s.gefactureerd for d, s in lines.items() if s.gefactureerd > 0}
    parts = allocate(betaling.bedrag, weights)
    for d, part in sorted(parts.items()):
        if part:
            regel = (lines[d].factuurregel_id, d, part)
            betaling._regels.append(regel)
            plan.regels.append((betaling, *regel, betaling.boekdatum))
            account.paid[d] += part
    rows = account.rows
    then = {g: v for g, v in queries.holders(rows, betaling.boekdatum).items() if v > 0}
    if not then:  # paid before the invoice was booked: whoever holds it now
        then = {g: v for g, v in queries.holders(rows).items() if v > 0}
    split = (
        allocate(betaling.bedrag, then) if len(then) > 1 else {next(iter(then)): betaling.bedrag}
    )
    _plan_ledger(
        plan,
        account,
        {g: -part for g, part in split.items() if part},
        betaling.boekdatum,
        Vordering.Soort.BETALING,
    )
    betaling.status = Betaling.Status.GEKOPPELD
    betaling.factuur = account.root
    betaling.gemeente_id = max(then, key=lambda g: (then[g], -g))
    betaling.reden = ""
    betaling.verdeling = {str(g): str(part) for g, part in sorted(split.items()) if part}


def _plan_ledger(
    plan: _Plan, account: _Account, amounts: dict[int, Decimal], datum: dt.date, soort: str
) -> None:
    entries = _ledger_entries(account.rows, amounts, datum, soort)
    for g, bedrag, kind, when in entries:
        plan.ledger.append((account.root.pk, g, bedrag, kind, when))
        account.rows.append((g, bedrag, when, kind, None))


def _plan_reversal(
    plan: _Plan, accounts: dict[int, _Account], original: _Original, common: dict
) -> None:
    """``matching._reverse`` against the accounts in memory."""
    b = original.betaling
    reversal = Betaling(
        soort=Betaling.Soort.TERUGBOEKING,
        status=Betaling.Status.VERWERKT,
        factuur_id=b.factuur_id,
        gemeente_id=b.gemeente_id,
        bedrag=-b.bedrag,
        **common,
    )
    reversal._regels = []
    if original.stored:
        reversal.origineel_id = b.pk
    else:
        plan.links.append((reversal, b))
    plan.betalingen.append(reversal)
    if b.status == Betaling.Status.GEKOPPELD:
        account = accounts[b.factuur_id]
        for factuurregel_id, dienst_id, bedrag in original.regels:
            plan.regels.append((reversal, factuurregel_id, dienst_id, -bedrag, reversal.boekdatum))
            account.paid[dienst_id] -= bedrag
        booked = {int(g): Decimal(bedrag) for g, bedrag in b.verdeling.items()}
        there, _moves = queries.follow(account.rows, booked, b.boekdatum, until=reversal.boekdatum)
        _plan_ledger(
            plan,
            account,
            {g: amount for g, amount in there.items() if amount},
            reversal.boekdatum,
            Vordering.Soort.TERUGBOEKING,
        )
    b.status = Betaling.Status.TERUGGEBOEKT
    if original.stored:
        plan.reversed_stored.append(b.pk)


def _write(plan: _Plan, accounts: dict[int, _Account]) -> None:
    """Payments, their lines and the ledger entries in bulk; the reversed originals in one
    UPDATE (per chunk)."""
    # in file order (so ids follow the file, as one at a time); a reversal of a payment of
    # this file waits for its original's id (the database checks that a reversal names one)
    links = {id(reversal): original for reversal, original in plan.links}
    pending: list[Betaling] = []
    waiting: set[int] = set()
    for betaling in plan.betalingen:
        original = links.get(id(betaling))
        if original is not None and id(original) in waiting:
            Betaling.objects.bulk_create(pending, batch_size=1000)
            pending, waiting = [], set()
        if original is not None:
            betaling.origineel_id = original.pk
        pending.append(betaling)
        waiting.add(id(betaling))
    Betaling.objects.bulk_create(pending, batch_size=1000)
    Betalingsregel.objects.bulk_create(
        (
            Betalingsregel(
                betaling_id=betaling.pk,
                factuurregel_id=factuurregel_id,
                dienst_id=dienst_id,
                bedrag=bedrag,
                boekdatum=boekdatum,
            )
            for betaling, factuurregel_id, dienst_id, bedrag, boekdatum in plan.regels
        ),
        batch_size=1000,
    )
    Vordering.objects.bulk_create(
        (
            Vordering(factuur_id=root, gemeente_id=g, bedrag=bedrag, soort=soort, datum=datum)
            for root, g, bedrag, soort, datum in plan.ledger
        ),
        batch_size=1000,
    )
    for chunk in _chunks(plan.reversed_stored):
        Betaling.objects.filter(pk__in=chunk).update(status=Betaling.Status.TERUGGEBOEKT)
