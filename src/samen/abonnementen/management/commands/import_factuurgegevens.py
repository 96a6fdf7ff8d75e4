"""`samen import-factuurgegevens FILE`: municipalities' invoice details from CSV, all or nothing
(every problem with file, line and field; nothing changes on any problem)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from samen.abonnementen import services
from samen.core.management.base import SamenCommand


class Command(SamenCommand):
    help = (
        "Importeer factuurgegevens van gemeenten uit een CSV-bestand (alles of niets). "
        f"Kolommen: {', '.join(services.IMPORT_KOLOMMEN)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", type=Path)

    def handle(self, *args, bestand: Path, **options):
        if not bestand.is_file():
            raise CommandError(f"{bestand}: bestand niet gevonden")
        created, updated, unchanged = services.import_factuurgegevens(
            bestand.read_bytes(), bestand.name
        )
        self.stdout.write(
            f"{bestand.name}: {created} nieuw, {updated} bijgewerkt, {unchanged} ongewijzigd."
        )
