"""Delete what has passed its retention period in the interpreter service (audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samen.audit.context import acting
from samen.audit.models import Kanaal
from samen.tolk import services


class Command(BaseCommand):
    help = "Verwijder cliëntgegevens van de tolkvoorziening waarvan de bewaartermijn voorbij is."

    def handle(self, *args, **options):
        with acting(Kanaal.COMMANDO):
            result = services.opschonen()
        self.stdout.write(
            f"{result['clienten']} cliënten verwijderd, voorkeuren van {result['voorkeuren']} "
            "aanvragen verwijderd."
        )
