"""Corrections: a credit note or supplementary invoice that references an issued yearly
invoice, settled with whoever holds its receivable now."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from samen.abonnementen import queries, tarieven, vastlegging
from samen.abonnementen.models import (
    Abonnement,
    Dienst,
    Factuur,
    Factuurregel,
    Vordering,
)
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.errors import DomainError, Problem
from samen.core.money import allocate, format_euro
from samen.core.text import check_xml_text
from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import links

from .arrangements import REDEN_MAX
from .billing import BETAALTERMIJN_DAGEN, _take_numbers


@transaction.atomic
def correct_invoice(
    factuur: Factuur,
    reden: str,
    inwoners: int | None = None,
    volledig: bool = False,
    factuurdatum: dt.date | None = None,
    user=None,
) -> Factuur:
    """A credit note (or a supplementary invoice) that references ``factuur``: the whole amount
    (``volledig``) or the difference a corrected number of inhabitants makes."""
    problems = []
    factuurdatum = factuurdatum or clock.today()
    if factuur.soort != Factuur.Soort.FACTUUR or not factuur.uitgegeven:
        problems.append(Problem("factuur", "alleen een uitgegeven jaarfactuur wordt gecorrigeerd"))
    if not reden or not reden.strip():
        problems.append(Problem("reden", "een correctie heeft een reden"))
    elif len(reden.strip()) > REDEN_MAX:
        problems.append(Problem("reden", f"hooguit {REDEN_MAX} tekens"))
    check_xml_text(reden, field="reden", label="De reden", problems=problems)
    queries.check_factuurdatum(
        factuur.arrangement,
        factuurdatum,
        problems,
        label="De datum van de correctie",
        earliest=factuur.factuurdatum,
    )
    if not factuur.arrangement.per_inwoner and inwoners is not None:
        # A given amount is not inhabitants x price: only a full credit note corrects it.
        problems.append(Problem("inwoners", "deze factuur wordt alleen volledig gecrediteerd"))
    elif volledig == (inwoners is not None):
        problems.append(Problem("inwoners", "geef het juiste aantal inwoners óf volledig"))
    elif inwoners is not None and not 0 <= inwoners <= 100_000_000:
        problems.append(Problem("inwoners", "tussen 0 en 100.000.000"))
    if problems:
        raise DomainError("De correctie is niet gemaakt.", problems)
    corrected_so_far = Factuur.objects.filter(verwijst_naar=factuur).aggregate(s=Sum("totaal"))[
        "s"
    ] or Decimal("0.00")
    current = factuur.totaal + corrected_so_far
    target = Decimal("0.00") if volledig else tarieven.invoice_total(inwoners, factuur.prijs)
    verschil = target - current
    if verschil == 0:
        raise DomainError(
            "De correctie is niet gemaakt.",
            [Problem("inwoners", "het bedrag verandert niet: er is niets te corrigeren")],
        )
    bud = {d.code: d.budget for d in Dienst.objects.filter(pk__in=factuur.regels.values("dienst"))}
    regels = tarieven.invoice_lines(verschil, bud, bud.keys())
    gemeente, abonnement = factuur.gemeente, factuur.abonnement
    if not gemeente.bestaat_op(factuurdatum):
        # Addressed to the successor that holds the subscription now.
        codes = rules.successors(gemeente.code, links(), factuurdatum)
        if len(codes) != 1:
            raise DomainError(
                "De correctie is niet gemaakt.",
                [
                    Problem(
                        "factuur",
                        f"{gemeente.naam} is opgedeeld; corrigeer per opvolger",
                        "conflict",
                    )
                ],
            )
        gemeente = Gemeente.objects.get(code=codes[0])
        abonnement = (
            Abonnement.objects.filter(arrangement=factuur.arrangement, gemeente=gemeente).first()
            or abonnement
        )
    base = _take_numbers(factuurdatum.year, 1, factuur.arrangement.nummerreeks)
    correctie = Factuur.objects.create(
        soort=Factuur.Soort.CREDITNOTA if verschil < 0 else Factuur.Soort.AANVULLEND,
        status=Factuur.Status.CONCEPT,
        arrangement=factuur.arrangement,
        jaar=factuur.jaar,
        gemeente=gemeente,
        abonnement=abonnement,
        reeks=factuur.arrangement.nummerreeks,
        nummerjaar=factuurdatum.year,
        volgnummer=base + 1,
        factuurdatum=factuurdatum,
        vervaldatum=factuurdatum + dt.timedelta(days=BETAALTERMIJN_DAGEN),
        inwoners=(inwoners - factuur.inwoners) if inwoners is not None else -factuur.inwoners,
        bronjaar=factuur.bronjaar,
        prijs=factuur.prijs,
        vrijgesteld=factuur.vrijgesteld,
        periode=factuur.periode,
        grondslag=factuur.grondslag,
        totaal=verschil,
        verwijst_naar=factuur,
        reden=reden.strip()[:300],
    )
    diensten = {d.code: d for d in Dienst.objects.filter(arrangement=factuur.arrangement)}
    Factuurregel.objects.bulk_create(
        Factuurregel(factuur=correctie, dienst=diensten[code], bedrag=bedrag)
        for code, bedrag in regels.items()
    )
    vastlegging.vastleggen(correctie)
    Factuur.objects.filter(pk=correctie.pk).update(status=Factuur.Status.UITGEGEVEN)
    correctie.refresh_from_db()
    # The correction settles with whoever holds the original's receivable now.
    holders = (
        Vordering.objects.filter(factuur=factuur)
        .values("gemeente_id")
        .annotate(open=Sum("bedrag"))
        .order_by("gemeente_id")
    )
    weights = {h["gemeente_id"]: h["open"] for h in holders if h["open"] > 0}
    if not weights:
        weights = {gemeente.pk: 1}
    parts = allocate(verschil, weights) if len(weights) > 1 else {next(iter(weights)): verschil}
    Vordering.objects.bulk_create(
        Vordering(
            factuur=correctie,
            gemeente_id=gemeente_id,
            bedrag=part,
            soort=Vordering.Soort.FACTUUR,
            datum=factuurdatum,
        )
        for gemeente_id, part in sorted(parts.items())
    )
    record(
        Actie.AANMAKEN,
        correctie,
        na={
            "soort": correctie.soort,
            "nummer": correctie.nummer,
            "verwijst_naar": factuur.nummer,
            "bedrag": verschil,
        },
        user=user,
        toelichting=f"{reden.strip()} ({format_euro(verschil)})"[:300],
    )
    return correctie
