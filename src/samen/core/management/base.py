from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samen.audit.context import acting
from samen.audit.models import Kanaal
from samen.core.errors import DomainError


class SamenCommand(BaseCommand):
    """A command runs its service with the audit channel 'commando'; domain errors exit 1."""

    def execute(self, *args, **options):
        with acting(Kanaal.COMMANDO, None):
            try:
                return super().execute(*args, **options)
            except DomainError as exc:
                raise CommandError(str(exc), returncode=1) from exc
