from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from samen.core.management.base import SamenCommand
from samen.gemeenten.services import import_cbs


class Command(SamenCommand):
    help = (
        "Importeer inwonertallen op 1 januari uit een CBS-bestand (het meegeleverde formaat of "
        "een StatLine-export van tabel 37259ENG). Alles of niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", type=Path)

    def handle(self, *args, bestand: Path, **options):
        if not bestand.is_file():
            raise CommandError(f"{bestand}: bestand niet gevonden")
        result = import_cbs(bestand.read_bytes(), bestand.name)
        self.stdout.write(result.summary())
        for warning in result.waarschuwingen:
            self.stdout.write(self.style.WARNING(f"waarschuwing: {warning}"))
