"""How a payment is matched and booked (used by the statements and the payments by hand).

Matching. A payment is matched on the payment reference in its description and on its amount,
against the invoice's *account*: the yearly (or supplementary) invoice together with the
credit notes and supplementary invoices that point to it. Its open amount is the sum of the
receivables ledger over that account (whoever holds it: after a herindeling the successor).
- amount = open amount: matched; amount < open amount: a partial payment, matched;
- amount > open amount, open amount zero (already paid), no or an unknown reference, the
  reference of a credit note: not matched, it waits in the list of unmatched items for a person
  who matches it by hand (up to the open amount) or marks it to be paid back.
A matched payment is divided over the invoice's lines by the total-preserving allocation with
the open amount per line as weights (``Betalingsregel``), and the ledger gets an entry of soort
*betaling* (negative) for the municipality that holds the receivable.

Credit notes. A credit note settles against the same invoice's open amount (its ledger entry
lowers the account's open amount, so a later payment is matched against the lower amount and
divided over the lowered lines). When the invoice was paid already, so that the account's open
amount turns negative, the office refunds the difference: the distribution run settles such
credit notes first with a refund (a ``Betaling`` of soort *terugbetaling*, negative, divided
over the lines that were paid more than is now invoiced) and a ledger entry of soort
*terugboeking*; the negative payment lines are passed on in the next period, so that a
provider's afdracht of that period is lower or negative.

Reversals. A bank reversal of a matched payment undoes its allocation with new lines and ledger
entries (soort *terugboeking*) that point to the original; of an unmatched payment it closes the
item; of a payment that is not known it is an error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from samen.abonnementen import kenmerk as kenmerk_mod
from samen.abonnementen.models import Factuur, Vordering
from samen.core.money import ZERO, allocate, format_euro
from samen.inning import afschriften, queries
from samen.inning.models import (
    Betaling,
    Betalingsregel,
)


def _book_ledger(
    root: Factuur, rows: list[tuple], amounts: dict[int, Decimal], datum: dt.date, soort: str
) -> None:
    """Book ``amounts`` (signed) on ``datum`` for the municipalities that held the receivable on
    that date, and when it was moved on by a herindeling after that date (booked before this
    entry arrived), a correcting transfer pair per move, on the herindeling's date: so that the
    predecessor's and the successor's balances are both right."""
    _final, moves = queries.follow(rows, amounts, datum)
    entries = [
        Vordering(factuur=root, gemeente_id=g, bedrag=part, soort=soort, datum=datum)
        for g, part in sorted(amounts.items())
        if part
    ]
    for when, van, naar, part in moves:
        entries.append(
            Vordering(
                factuur=root,
                gemeente_id=van,
                bedrag=-part,
                soort=Vordering.Soort.OVERDRACHT,
                datum=when,
            )
        )
        entries.append(
            Vordering(
                factuur=root,
                gemeente_id=naar,
                bedrag=part,
                soort=Vordering.Soort.OVERDRACHT,
                datum=when,
            )
        )
    Vordering.objects.bulk_create(entries)


def _book(
    betaling: Betaling,
    root: Factuur,
    user=None,
    rows: list[tuple] | None = None,
    ids: list[int] | None = None,
) -> None:
    """Allocate a (positive) payment over the open lines and book it in the ledger for whoever
    held the receivable on the payment's date (``rows``, ``ids``: the account's ledger and
    family when the caller has just read them)."""
    if ids is None:
        ids = queries.family_ids(root)
    lines = queries.line_state(root, ids)
    weights = {d: max(s.open, ZERO) for d, s in lines.items()}
    if not any(weights.values()):
        weights = {d: s.gefactureerd for d, s in lines.items() if s.gefactureerd > 0}
    parts = allocate(betaling.bedrag, weights)
    Betalingsregel.objects.bulk_create(
        Betalingsregel(
            betaling=betaling,
            factuurregel_id=lines[d].factuurregel_id,
            dienst_id=d,
            bedrag=part,
            boekdatum=betaling.boekdatum,
        )
        for d, part in sorted(parts.items())
        if part
    )
    if rows is None:
        rows = queries.ledger_rows(ids)
    then = {g: v for g, v in queries.holders(rows, betaling.boekdatum).items() if v > 0}
    if not then:  # paid before the invoice was booked: whoever holds it now
        then = {g: v for g, v in queries.holders(rows).items() if v > 0}
    split = (
        allocate(betaling.bedrag, then) if len(then) > 1 else {next(iter(then)): betaling.bedrag}
    )
    _book_ledger(
        root,
        rows,
        {g: -part for g, part in split.items() if part},
        betaling.boekdatum,
        Vordering.Soort.BETALING,
    )
    betaling.status = Betaling.Status.GEKOPPELD
    betaling.factuur = root
    betaling.gemeente_id = max(then, key=lambda g: (then[g], -g))
    betaling.reden = ""
    betaling.verdeling = {str(g): str(part) for g, part in sorted(split.items()) if part}
    betaling.save(update_fields=["status", "factuur", "gemeente", "reden", "verdeling"])


def _match(betaling: Betaling) -> str:
    """Try to match a new payment; returns the reason it stays unmatched ('' when matched)."""
    refs = sorted({k for k in afschriften.kenmerken(betaling.kenmerk) if kenmerk_mod.is_valid(k)})
    if not refs:
        return "geen geldig betalingskenmerk in de omschrijving"
    if len(refs) > 1:
        return "meer dan één betalingskenmerk: " + ", ".join(refs)
    jaar, code, nummer = kenmerk_mod.parse(refs[0])
    factuur = next(
        (
            f
            for f in Factuur.objects.select_related("verwijst_naar")
            .filter(nummerjaar=jaar, volgnummer=nummer, status=Factuur.Status.UITGEGEVEN)
            .order_by("pk")
            if kenmerk_mod.series_code(f.reeks) == code
        ),
        None,
    )
    if factuur is None:
        return f"onbekend betalingskenmerk {refs[0]}"
    betaling.factuur = factuur
    if factuur.soort == Factuur.Soort.CREDITNOTA:
        return f"kenmerk van creditnota {factuur.nummer}"
    root = queries.root_of(factuur)
    # one matcher per invoice
    list(Factuur.objects.select_for_update().filter(pk=root.pk).order_by().values_list("pk"))
    ids = queries.family_ids(root)
    rows = queries.ledger_rows(ids)
    open_ = sum(queries.holders(rows).values(), ZERO)
    if open_ <= 0:
        return f"factuur {root.nummer} is al betaald"
    if betaling.bedrag > open_:
        return f"meer dan het openstaande bedrag {format_euro(open_)} van factuur {root.nummer}"
    _book(betaling, root, rows=rows, ids=ids)
    return ""


def _new_payment(**kwargs) -> tuple[Betaling, str]:
    betaling = Betaling(status=Betaling.Status.ONGEMATCHT, **kwargs)
    betaling.save()
    reden = _match(betaling)
    if reden:
        betaling.status = Betaling.Status.ONGEMATCHT
        betaling.reden = reden[:300]
        betaling.save(update_fields=["status", "reden", "factuur"])
    return betaling, reden


def _reverse(original: Betaling, **kwargs) -> Betaling:
    """Book a bank reversal of ``original``."""
    reversal = Betaling.objects.create(
        soort=Betaling.Soort.TERUGBOEKING,
        status=Betaling.Status.VERWERKT,
        origineel=original,
        factuur=original.factuur,
        gemeente=original.gemeente,
        bedrag=-original.bedrag,
        **kwargs,
    )
    if original.status == Betaling.Status.GEKOPPELD:
        Betalingsregel.objects.bulk_create(
            Betalingsregel(
                betaling=reversal,
                factuurregel_id=r.factuurregel_id,
                dienst_id=r.dienst_id,
                bedrag=-r.bedrag,
                boekdatum=reversal.boekdatum,
            )
            for r in original.regels.all()
        )
        # back to whoever holds the receivable on the reversal's date (the booking followed
        # through the herindelingen since the payment), moved on by later ones
        root = original.factuur
        rows = queries.ledger_rows(queries.family_ids(root))
        booked = {int(g): Decimal(bedrag) for g, bedrag in original.verdeling.items()}
        there, _moves = queries.follow(rows, booked, original.boekdatum, until=reversal.boekdatum)
        _book_ledger(
            root,
            rows,
            {g: amount for g, amount in there.items() if amount},
            reversal.boekdatum,
            Vordering.Soort.TERUGBOEKING,
        )
    original.status = Betaling.Status.TERUGGEBOEKT
    original.save(update_fields=["status"])
    return reversal
