from __future__ import annotations

from django.core.management.base import CommandError
from django_otp import devices_for_user

from samen.accounts.models import Gebruiker
from samen.accounts.services import remove_recovery_codes
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.management.base import SamenCommand


class Command(SamenCommand):
    help = (
        "Verwijder de authenticator-app(s) en herstelcodes van een gebruiker die de zijne kwijt "
        "is; bij de volgende aanmelding stelt hij een nieuwe in. Controleer eerst wie erom vraagt."
    )

    def add_arguments(self, parser):
        parser.add_argument("gebruikersnaam")

    def handle(self, *args, gebruikersnaam, **options):
        user = Gebruiker.objects.filter(username=gebruikersnaam).first()
        if user is None:
            raise CommandError(f"Geen gebruiker {gebruikersnaam!r}.", returncode=1)
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        codes = remove_recovery_codes(user)
        record(
            Actie.VERWIJDEREN,
            user,
            voor={"apparaten": [d.name for d in devices]},
            toelichting="tweede factor (TOTP) hersteld: apparaten verwijderd",
        )
        self.stdout.write(
            f"{len(devices)} apparaat/apparaten en {codes} herstelcode(s) van {gebruikersnaam} "
            "verwijderd."
        )
