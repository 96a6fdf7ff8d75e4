from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

from samen.core import demo
from samen.core.management.base import SamenCommand


class Command(SamenCommand):
    help = "Laad de demo-inhoud uit het voorstel van 30 november 2016 (idempotent)."

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        for line in demo.load_all():
            self.stdout.write(line)
