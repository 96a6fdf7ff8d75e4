from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from samen.core.management.base import SamenCommand
from samen.deelnames.importing import import_statuses


class Command(SamenCommand):
    help = "Werk implementatiestatussen bij uit een CSV-bestand (alles of niets)."

    def add_arguments(self, parser):
        parser.add_argument("bestand", type=Path)

    def handle(self, *args, bestand: Path, **options):
        if not bestand.is_file():
            raise CommandError(f"{bestand}: bestand niet gevonden")
        updated, unchanged = import_statuses(bestand.read_bytes(), bestand.name)
        self.stdout.write(f"{bestand.name}: {updated} bijgewerkt, {unchanged} ongewijzigd.")
