"""Demo organisations named in the proposal of 30 November 2016."""

from __future__ import annotations

from samen.accounts.models import Organisatie
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.demo import loader

ORGANISATIES = [
    ("Vereniging van Nederlandse Gemeenten", "VNG", Organisatie.Soort.VERENIGING),
    ("Kwaliteitsinstituut Nederlandse Gemeenten", "KING", Organisatie.Soort.KETENPARTNER),
    ("Nederlandse Vereniging voor Burgerzaken", "NVVB", Organisatie.Soort.KETENPARTNER),
    ("Rijksdienst voor het Wegverkeer", "RDW", Organisatie.Soort.KETENPARTNER),
    ("Vereniging Directeuren Publiekszaken", "VDP", Organisatie.Soort.KETENPARTNER),
    ("Sociale Verzekeringsbank", "SVB", Organisatie.Soort.KETENPARTNER),
    ("Uitvoeringsinstituut Werknemersverzekeringen", "UWV", Organisatie.Soort.KETENPARTNER),
    ("Advies- en Klachtenbureau Jeugdzorg", "AKJ", Organisatie.Soort.AANBIEDER),
    ("Stichting De Kindertelefoon", "Kindertelefoon", Organisatie.Soort.AANBIEDER),
    ("Stichting Sensoor", "Sensoor", Organisatie.Soort.AANBIEDER),
    (
        "Administratiekantoor Samen (voorbeeldgegevens)",
        "Administratiekantoor",
        Organisatie.Soort.ADMINISTRATIEKANTOOR,
    ),
]


@loader(10, "organisaties")
def load_organisaties() -> str:
    created = 0
    for naam, afkorting, soort in ORGANISATIES:
        organisatie, is_new = Organisatie.objects.get_or_create(
            naam=naam, defaults={"afkorting": afkorting, "soort": soort}
        )
        if is_new:
            created += 1
            record(Actie.AANMAKEN, organisatie, na={"naam": naam, "soort": soort})
    return f"{created} nieuw, {len(ORGANISATIES) - created} al aanwezig"
