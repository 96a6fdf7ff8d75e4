"""`samen billing-run --arrangement NAME|UUID --year 2018`: a billing run from the command line."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from samen.abonnementen import services
from samen.abonnementen.models import Arrangement
from samen.core.errors import DomainError


def find_arrangement(value: str) -> Arrangement:
    qs = Arrangement.objects.all()
    found = qs.filter(uuid=value).first() if len(value) == 36 else None
    found = found or qs.filter(naam=value).first()
    if found is None:
        names = ", ".join(f"'{a.naam}' ({a.uuid})" for a in qs) or "geen"
        raise CommandError(f"onbekend arrangement '{value}'; bekend: {names}")
    return found


class Command(BaseCommand):
    help = "Factureer een jaar van een arrangement (idempotent: een tweede run maakt niets)."

    def add_arguments(self, parser):
        parser.add_argument("--arrangement", required=True, help="naam of uuid")
        parser.add_argument("--year", "--jaar", dest="jaar", type=int, required=True)
        parser.add_argument("--factuurdatum", type=dt.date.fromisoformat, default=None)
        parser.add_argument(
            "--overnemen",
            action="store_true",
            help="neem een nog lopende (afgebroken) run over: haal zijn concepten weg",
        )

    def handle(self, *args, **options):
        arrangement = find_arrangement(options["arrangement"])
        try:
            run = services.billing_run(
                arrangement,
                options["jaar"],
                factuurdatum=options["factuurdatum"],
                overnemen=options["overnemen"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{arrangement} {options['jaar']}: {run.bericht}")
