"""The details an issued document carries, fixed when it is issued.

An issued invoice, credit note or supplementary invoice is immutable, and so is what it says
about its parties: the buyer's invoice details (a municipality's ``Factuurgegevens``) and the
seller's (the office's ``Afzendergegevens``, with the names of the arrangement and its services
and their VAT categories) as they were when it was issued. They are stored as content-addressed
``Partijversie`` rows and linked per document (``Factuurpartijen``) in the transaction that
issues it; the PDF and the e-invoice are rendered from them, so they are the same bytes every
time, whatever is edited later.

A document issued before its municipality had invoice details gets its details when its
e-invoice can first be made (the first successful rendering fixes them); until then it has no
e-invoice, as before.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from samen.abonnementen.models import (
    Afzendergegevens,
    Arrangement,
    Factuur,
    Factuurgegevens,
    Factuurpartijen,
    Partijversie,
)
from samen.abonnementen.models_ubl import FACTUURGEGEVENS_VELDEN
from samen.core import bulk

ADRES_VELDEN = [
    "juridische_naam",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "land",
    "oin",
    "kvk",
    "btw_nummer",
]


class Partij:
    """A party as a document shows it: the stored details with attribute access."""

    def __init__(self, gegevens: dict):
        self._gegevens = dict(gegevens)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["_gegevens"][name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default=None):
        return self._gegevens.get(name, default)

    @property
    def straatnaam(self) -> str:
        return f"{self.straat} {self.huisnummer}".strip()

    @property
    def adres(self) -> str:
        """One line: street, postcode and place (and the country outside the Netherlands)."""
        land = "" if self.land == "NL" else f", {self.land}"
        return f"{self.straatnaam}, {self.postcode} {self.plaats}{land}"

    def dienst(self, code: str) -> dict:
        return (self._gegevens.get("diensten") or {}).get(code) or {}


def koper_gegevens(gegevens: Factuurgegevens) -> dict:
    result = {name: getattr(gegevens, name) for name in FACTUURGEGEVENS_VELDEN}
    result["voorbeeld"] = bool(gegevens.voorbeeld)
    result["gemeente"] = gegevens.gemeente.code
    result["gemeentenaam"] = gegevens.gemeente.naam
    return result


def verkoper_gegevens(afzender: Afzendergegevens, arrangement: Arrangement) -> dict:
    result = {name: getattr(afzender, name) for name in ADRES_VELDEN}
    result.update(
        iban=afzender.iban,
        bic=afzender.bic,
        voorbeeld=bool(afzender.voorbeeld),
        naam=arrangement.administratiekantoor.naam,
        arrangement=arrangement.naam,
        diensten={
            d.code: {
                "naam": d.naam,
                "aanbieder": d.aanbieder.naam,
                "btw_categorie": d.btw_categorie.strip().upper(),
            }
            for d in arrangement.diensten.select_related("aanbieder")
        },
    )
    return result


def versie(rol: str, gegevens: dict) -> Partijversie:
    """The stored version of these details (created when new)."""
    canonical = json.dumps([rol, gegevens], sort_keys=True, ensure_ascii=False, default=str)
    sleutel = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    found = Partijversie.objects.filter(sleutel=sleutel).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Partijversie.objects.create(rol=rol, sleutel=sleutel, gegevens=gegevens)
    except IntegrityError:
        return Partijversie.objects.get(sleutel=sleutel)


def _afzender(arrangement: Arrangement) -> Afzendergegevens | None:
    return Afzendergegevens.objects.filter(
        organisatie_id=arrangement.administratiekantoor_id
    ).first()


def vastleggen_run(run, status: str = Factuur.Status.CONCEPT) -> int:
    """Fix the parties of a run's documents about to be issued (inside the issuing
    transaction). Documents whose municipality has no invoice details yet get none now."""
    arrangement = Arrangement.objects.select_related("administratiekantoor").get(
        pk=run.arrangement_id
    )
    afzender = _afzender(arrangement)
    if afzender is None:
        return 0
    verkoper = versie(Partijversie.Rol.VERKOPER, verkoper_gegevens(afzender, arrangement))
    rows = list(
        Factuur.objects.filter(run=run, status=status)
        .exclude(partijen__isnull=False)
        .values_list("id", "gemeente_id")
    )
    gemeenten = {gemeente_id for _, gemeente_id in rows}
    kopers = {
        g.gemeente_id: versie(Partijversie.Rol.KOPER, koper_gegevens(g)).pk
        for g in Factuurgegevens.objects.filter(gemeente_id__in=gemeenten).select_related(
            "gemeente"
        )
    }
    now = timezone.now()
    return bulk.insert(
        Factuurpartijen,
        ["factuur", "koper", "verkoper", "vastgelegd_op"],
        (
            (factuur_id, kopers[gemeente_id], verkoper.pk, now)
            for factuur_id, gemeente_id in rows
            if gemeente_id in kopers
        ),
    )


def vastleggen(factuur: Factuur) -> Factuurpartijen | None:
    """Fix the parties of one document (a correction as it is issued, or an older document when
    its details first exist); returns the link, or None when a party's details are missing."""
    found = Factuurpartijen.objects.filter(factuur_id=factuur.pk).first()
    if found is not None:
        return found
    gegevens = (
        Factuurgegevens.objects.filter(gemeente_id=factuur.gemeente_id)
        .select_related("gemeente")
        .first()
    )
    arrangement = Arrangement.objects.select_related("administratiekantoor").get(
        pk=factuur.arrangement_id
    )
    afzender = _afzender(arrangement)
    if gegevens is None or afzender is None:
        return None
    try:
        with transaction.atomic():
            return Factuurpartijen.objects.create(
                factuur_id=factuur.pk,
                koper=versie(Partijversie.Rol.KOPER, koper_gegevens(gegevens)),
                verkoper=versie(
                    Partijversie.Rol.VERKOPER, verkoper_gegevens(afzender, arrangement)
                ),
            )
    except IntegrityError:  # fixed at the same moment by another request
        return Factuurpartijen.objects.get(factuur_id=factuur.pk)


def partijen(factuur: Factuur) -> tuple[Partij | None, Partij | None]:
    """The buyer and seller an issued document carries (fixing them on first use when they were
    missing at issue); for a draft the current details. ``None`` for a party without details."""
    link = None
    if factuur.status == Factuur.Status.UITGEGEVEN:
        cached = getattr(factuur, "_partijen_cache", None)
        if cached is not None:
            return cached
        link = (
            Factuurpartijen.objects.filter(factuur_id=factuur.pk)
            .select_related("koper", "verkoper")
            .first()
        ) or vastleggen(factuur)
    if link is not None:
        result = (Partij(link.koper.gegevens), Partij(link.verkoper.gegevens))
        factuur._partijen_cache = result
        return result
    gegevens = (
        Factuurgegevens.objects.filter(gemeente_id=factuur.gemeente_id)
        .select_related("gemeente")
        .first()
    )
    arrangement = factuur.arrangement
    afzender = _afzender(arrangement)
    return (
        Partij(koper_gegevens(gegevens)) if gegevens is not None else None,
        Partij(verkoper_gegevens(afzender, arrangement)) if afzender is not None else None,
    )
