from __future__ import annotations

import datetime as dt

from samen.core.clock import today
from samen.core.management.base import SamenCommand
from samen.deelnames.services import apply_herindelingen


class Command(SamenCommand):
    help = "Laat lopende deelnames van opgeheven gemeenten overgaan op hun opvolgers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--tot", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, tot=None, **options):
        result = apply_herindelingen(tot or today())
        self.stdout.write(
            f"{result['overgegaan']} deelnames overgegaan, "
            f"{result['aangemaakt']} nieuw bij opvolgers."
        )
