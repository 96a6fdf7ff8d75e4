from django.apps import AppConfig


class TolkConfig(AppConfig):
    name = "samen.tolk"
    label = "tolk"
    verbose_name = "Tolkvoorziening"

    def ready(self) -> None:
        from samen.tolk import permissions, werk  # noqa: F401
