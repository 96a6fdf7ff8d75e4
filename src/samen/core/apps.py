from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "samen.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        # Every app registers its job handlers in its own jobs.py.
        autodiscover_modules("jobs")
