from __future__ import annotations

from django.core.management.base import CommandError

from samen.accounts import tokens
from samen.core.management.base import SamenCommand


class Command(SamenCommand):
    help = "Trek een API-token in (op prefix); het werkt direct niet meer."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="de 8 tekens na samen_ (zie het beheer)")

    def handle(self, *args, prefix, **options):
        try:
            token = tokens.revoke(prefix)
        except tokens.TokenFout as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(f"Token {token.prefix} ({token.naam}) ingetrokken.")
