from django.apps import AppConfig


class FondsConfig(AppConfig):
    name = "samen.fonds"
    label = "fonds"
    verbose_name = "Fonds"

    def ready(self) -> None:
        from samen.fonds import permissions  # noqa: F401
