from django.apps import AppConfig


class InningConfig(AppConfig):
    name = "samen.inning"
    label = "inning"
    verbose_name = "Inning en afdrachten"

    def ready(self) -> None:
        from samen.inning import permissions  # noqa: F401
