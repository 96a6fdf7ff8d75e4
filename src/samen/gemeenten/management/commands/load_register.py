from __future__ import annotations

from samen.core.management.base import SamenCommand
from samen.gemeenten.services import load_register


class Command(SamenCommand):
    help = "Laad het meegeleverde CBS-gemeenteregister 2012–2024 (Bron: CBS, CC BY 4.0)."

    def handle(self, *args, **options):
        self.stdout.write(load_register())
