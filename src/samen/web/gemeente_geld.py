"""The money of one municipality, for its page: what is public (its fund contribution per year,
what it was invoiced per arrangement and year: inhabitants x price, as each arrangement's public
reconciliation already implies) and what only its own contacts and the staff who may see
invoices see (each invoice with its open amount and paid/open status, reminders, support
requests, the adopted provider documents of its arrangements).

Reads only, over the other apps' models; a constant number of queries whatever the number of
invoices or years. Amounts are summed as Decimal in Python (SQLite would sum floats)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from samen.aanbieders.models import Verantwoordingsdocument
from samen.abonnementen.models import Abonnement, Factuur
from samen.abonnementen.queries import open_accounts
from samen.accounts.permissions import allowed
from samen.core.money import ZERO, euro
from samen.deelnames.models import Ondersteuningsverzoek
from samen.fonds.models import Bijdrage
from samen.gemeenten.models import Gemeente
from samen.inning.models import Herinnering

#: A toelichting that starts like this marks a contribution as example data (the demo's years
#: after 2018; the model has no flag of its own).
VOORBEELD_PREFIXES = ("voorbeeld",)


def may_see_private(user, gemeente: Gemeente) -> bool:
    """Its own contacts (role gemeente of this municipality) and the staff who may see every
    invoice; a contact of another municipality only the public part."""
    return allowed(user, "facturen.bekijken.eigen", gemeente)


# ---------------------------------------------------------------- the public part


@dataclass
class Bijdragejaar:
    jaar: int
    fonds: str
    inwoners: int
    bronjaar: int
    bedrag: Decimal
    toelichting: str

    @property
    def voorbeeld(self) -> bool:
        return self.toelichting.strip().lower().startswith(VOORBEELD_PREFIXES)


@dataclass
class Gefactureerd:
    """What one arrangement invoiced this municipality in one year (all issued documents)."""

    jaar: int
    arrangement: str
    arrangement_uuid: object
    inwoners: int | None  # of the yearly invoice
    prijs: Decimal | None  # per inhabitant, of the yearly invoice
    jaarfactuur: Decimal  # the yearly invoice
    correcties: Decimal  # credit notes and supplementary invoices
    voorbeeld: bool

    @property
    def totaal(self) -> Decimal:
        return self.jaarfactuur + self.correcties


def contributions(gemeente: Gemeente) -> list[Bijdragejaar]:
    """Its fund contribution per year (one query)."""
    rows = (
        Bijdrage.objects.filter(gemeente=gemeente)
        .values_list(
            "regeling__jaar",
            "regeling__fonds__naam",
            "inwoners",
            "regeling__bronjaar",
            "bedrag",
            "regeling__toelichting",
        )
        .order_by("regeling__jaar", "regeling__fonds__naam")
    )
    return [Bijdragejaar(*row) for row in rows]


def invoiced(gemeente: Gemeente) -> list[Gefactureerd]:
    """Per year and arrangement what was invoiced to it: inhabitants x price of the yearly
    invoice, and the corrections (one query)."""
    rows = (
        Factuur.objects.filter(gemeente=gemeente, status=Factuur.Status.UITGEGEVEN)
        .values_list(
            "jaar",
            "arrangement__naam",
            "arrangement__uuid",
            "arrangement__voorbeeld",
            "soort",
            "inwoners",
            "prijs",
            "totaal",
        )
        .order_by("jaar", "arrangement__naam", "id")
    )
    result: dict[tuple, Gefactureerd] = {}
    for jaar, naam, uuid, voorbeeld, soort, inwoners, prijs, totaal in rows:
        row = result.get((jaar, uuid))
        if row is None:
            row = result[(jaar, uuid)] = Gefactureerd(
                jaar, naam, uuid, None, None, ZERO, ZERO, voorbeeld
            )
        if soort == Factuur.Soort.FACTUUR:
            row.inwoners, row.prijs, row.jaarfactuur = inwoners, prijs, row.jaarfactuur + totaal
        else:
            row.correcties += totaal
    return list(result.values())


@dataclass
class Jaar:
    jaar: int
    bijdragen: list[Bijdragejaar] = field(default_factory=list)
    gefactureerd: list[Gefactureerd] = field(default_factory=list)

    @property
    def bijdrage(self) -> Decimal:
        return sum((b.bedrag for b in self.bijdragen), ZERO)

    @property
    def facturen(self) -> Decimal:
        return sum((g.totaal for g in self.gefactureerd), ZERO)

    @property
    def totaal(self) -> Decimal:
        return self.bijdrage + self.facturen


def per_year(bijdragen: list[Bijdragejaar], gefactureerd: list[Gefactureerd]) -> list[Jaar]:
    jaren: dict[int, Jaar] = {}
    for b in bijdragen:
        jaren.setdefault(b.jaar, Jaar(b.jaar)).bijdragen.append(b)
    for g in gefactureerd:
        jaren.setdefault(g.jaar, Jaar(g.jaar)).gefactureerd.append(g)
    return [jaren[j] for j in sorted(jaren)]


def public_rows(bijdragen: list[Bijdragejaar], gefactureerd: list[Gefactureerd]):
    """The public export: one row per contribution and per invoiced arrangement-year."""
    headers = [
        "jaar",
        "soort",
        "omschrijving",
        "inwoners",
        "prijs per inwoner",
        "bedrag",
        "voorbeeldgegevens",
    ]
    rows = [
        [b.jaar, "fondsbijdrage", b.fonds, b.inwoners, "", b.bedrag, "ja" if b.voorbeeld else ""]
        for b in bijdragen
    ] + [
        [
            g.jaar,
            "gefactureerd",
            g.arrangement,
            g.inwoners if g.inwoners is not None else "",
            g.prijs if g.prijs is not None else "",
            g.totaal,
            "ja" if g.voorbeeld else "",
        ]
        for g in gefactureerd
    ]
    rows.sort(key=lambda r: (r[0], r[1] != "fondsbijdrage", r[2]))
    return headers, rows


# ---------------------------------------------------------------- the private part


@dataclass
class Rekening:
    """A yearly invoice with its corrections, as one account, and what is open on it for this
    municipality."""

    factuur: Factuur
    documenten: list[Factuur]
    totaal: Decimal
    open: Decimal
    herinneringen: list[Herinnering]

    @property
    def status(self) -> str:
        if self.open > 0:
            return _("open")
        if self.open < 0:
            return _("te veel betaald")
        return _("betaald")

    @property
    def betaald(self) -> bool:
        return self.open <= 0


def accounts(gemeente: Gemeente) -> list[Rekening]:
    """Its invoices (and those of predecessors whose receivables it now holds) as accounts, with
    the open amount for this municipality and the reminders sent (three queries)."""
    documenten = list(
        Factuur.objects.filter(status=Factuur.Status.UITGEGEVEN)
        .filter(
            Q(gemeente=gemeente)
            | Q(vorderingen__gemeente=gemeente)
            | Q(verwijst_naar__vorderingen__gemeente=gemeente)
        )
        .distinct()
        .select_related("arrangement", "gemeente")
        .order_by("jaar", "nummerjaar", "volgnummer", "id")
    )
    roots = [f for f in documenten if not f.verwijst_naar_id]
    correcties: dict[int, list[Factuur]] = defaultdict(list)
    for f in documenten:
        if f.verwijst_naar_id:
            correcties[f.verwijst_naar_id].append(f)
    open_ = open_accounts(roots, gemeente.pk)
    reminders: dict[int, list[Herinnering]] = defaultdict(list)
    for h in Herinnering.objects.filter(factuur__in=[r.pk for r in roots]).order_by(
        "factuur", "volgnummer"
    ):
        reminders[h.factuur_id].append(h)
    result = []
    for root in roots:
        for h in reminders.get(root.pk, []):
            h.factuur = root  # the template shows its number: no query per reminder
        docs = [root, *correcties.get(root.pk, [])]
        result.append(
            Rekening(
                root,
                docs,
                sum((d.totaal for d in docs), ZERO),
                euro(open_.get(root.pk, ZERO)),  # SQLite sums as float: to cents
                reminders.get(root.pk, []),
            )
        )
    return result


def support_requests(gemeente: Gemeente) -> list[Ondersteuningsverzoek]:
    return list(
        Ondersteuningsverzoek.objects.filter(deelname__gemeente=gemeente)
        .select_related("deelname__voorziening")
        .order_by("-ingediend_op", "-id")
    )


def documents_to_read(gemeente: Gemeente) -> list[Verantwoordingsdocument]:
    """The adopted (current) provider documents of the arrangements it subscribes to."""
    arrangementen = Abonnement.objects.filter(gemeente=gemeente).values("arrangement_id")
    return list(
        Verantwoordingsdocument.objects.filter(
            actueel=True,
            status=Verantwoordingsdocument.Status.VASTGESTELD,
            arrangement_id__in=arrangementen,
        )
        .select_related("arrangement", "aanbieder")
        .defer("inhoud")
        .order_by("-jaar", "arrangement__naam", "aanbieder__naam", "soort")
    )


def private_rows(rekeningen: list[Rekening]):
    """The private export: one row per invoice document, with its account's open amount."""
    headers = [
        "nummer",
        "soort",
        "jaar",
        "arrangement",
        "factuurdatum",
        "vervaldatum",
        "inwoners",
        "prijs per inwoner",
        "bedrag",
        "rekening totaal",
        "open",
        "status",
        "herinneringen",
        "laatste herinnering",
    ]
    rows = []
    for r in rekeningen:
        laatste = r.herinneringen[-1].datum if r.herinneringen else None
        for d in r.documenten:
            rows.append(
                [
                    d.nummer,
                    d.get_soort_display(),
                    d.jaar,
                    d.arrangement.naam,
                    d.factuurdatum,
                    d.vervaldatum,
                    d.inwoners,
                    d.prijs,
                    d.totaal,
                    r.totaal,
                    r.open,
                    r.status,
                    len(r.herinneringen),
                    laatste,
                ]
            )
    return headers, rows
