"""Example invoice details for e-invoices: every municipality in the register and every
administration office get plausible but clearly invented details, marked voorbeeld=True
("Postbus 1, 1000 AA <naam>", OIN 00000001 followed by 12 digits made from the CBS code, the
account of the demo bank statements, NL02ABNA0123456789). Details a municipality or the office
entered are never overwritten."""

from __future__ import annotations

from samen.abonnementen.models import Afzendergegevens, Arrangement, Factuurgegevens
from samen.accounts.models import Organisatie
from samen.core.demo import loader
from samen.gemeenten.models import Gemeente

#: The office's demo account: the account of the demo bank statements (inning/demo).
VOORBEELD_IBAN = "NL02ABNA0123456789"
VOORBEELD_BIC = "ABNANL2A"


def voorbeeld_oin(code: str) -> str:
    """A made-up 20-digit OIN: the prefix 00000001 and the CBS number padded to 12 digits."""
    return f"00000001{int(code[2:]):012d}"


def voorbeeld_factuurgegevens(gemeente: Gemeente) -> Factuurgegevens:
    return Factuurgegevens(
        gemeente=gemeente,
        juridische_naam=f"Gemeente {gemeente.naam}",
        straat="Postbus",
        huisnummer="1",
        postcode="1000 AA",
        plaats=gemeente.naam,
        land="NL",
        oin=voorbeeld_oin(gemeente.code),
        inkoopreferentie=f"VOORBEELD-{gemeente.code}",
        email=f"facturen@{gemeente.code.lower()}.example",
        voorbeeld=True,
    )


def voorbeeld_afzendergegevens(organisatie: Organisatie) -> Afzendergegevens:
    return Afzendergegevens(
        organisatie=organisatie,
        juridische_naam=f"{organisatie.naam}",
        straat="Voorbeeldstraat",
        huisnummer="1",
        postcode="1000 AA",
        plaats="Voorbeeldstad",
        land="NL",
        kvk="99999999",
        iban=VOORBEELD_IBAN,
        bic=VOORBEELD_BIC,
        voorbeeld=True,
    )


def load_voorbeelden() -> tuple[int, int]:
    """Create the missing example details; returns (municipalities, offices) created."""
    have = set(Factuurgegevens.objects.values_list("gemeente_id", flat=True))
    nieuw = [voorbeeld_factuurgegevens(g) for g in Gemeente.objects.exclude(pk__in=have)]
    Factuurgegevens.objects.bulk_create(nieuw, batch_size=500)
    kantoren = set(
        Organisatie.objects.filter(soort=Organisatie.Soort.ADMINISTRATIEKANTOOR).values_list(
            "pk", flat=True
        )
    ) | set(Arrangement.objects.values_list("administratiekantoor_id", flat=True))
    kantoren -= set(Afzendergegevens.objects.values_list("organisatie_id", flat=True))
    for organisatie in Organisatie.objects.filter(pk__in=kantoren):
        voorbeeld_afzendergegevens(organisatie).save()
    return len(nieuw), len(kantoren)


@loader(79, "factuurgegevens")  # before the billing runs: invoices carry them when issued
def load_factuurgegevens() -> str:
    gemeenten, kantoren = load_voorbeelden()
    return f"{gemeenten} gemeenten en {kantoren} administratiekantoren (voorbeeldgegevens)"
