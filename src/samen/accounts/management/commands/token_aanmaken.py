from __future__ import annotations

from django.core.management.base import CommandError

from samen.accounts import tokens
from samen.accounts.models import Rol
from samen.core.management.base import SamenCommand


class Command(SamenCommand):
    help = (
        "Geef een API-token uit aan een machine-client. Het token wordt één keer getoond; "
        "alleen een hash wordt bewaard."
    )

    def add_arguments(self, parser):
        parser.add_argument("--naam", required=True, help="naam van de client")
        parser.add_argument("--rol", required=True, choices=Rol.values)
        parser.add_argument("--gemeente", help="CBS-code, verplicht voor de rol gemeente")
        parser.add_argument("--organisatie", help="afkorting of naam, verplicht voor aanbieder")
        parser.add_argument("--dagen", type=int, default=365, help="geldigheid (standaard 365)")

    def handle(self, *args, naam, rol, gemeente=None, organisatie=None, dagen=365, **options):
        try:
            token, raw = tokens.issue(
                naam, rol, gemeente=gemeente, organisatie=organisatie, dagen=dagen
            )
        except tokens.TokenFout as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix} voor {token.naam} (client-account {token.gebruiker.username}, "
            f"rol {rol}) geldig tot {token.verloopt_op:%Y-%m-%d}. Bewaar het nu: het wordt niet "
            "opnieuw getoond."
        )
