from django.apps import AppConfig


class BesluitenConfig(AppConfig):
    name = "samen.besluiten"
    label = "besluiten"
    verbose_name = "Besluiten"

    def ready(self) -> None:
        from samen.besluiten import permissions  # noqa: F401
