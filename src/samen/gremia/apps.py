from django.apps import AppConfig


class GremiaConfig(AppConfig):
    name = "samen.gremia"
    label = "gremia"
    verbose_name = "Gremia"

    def ready(self) -> None:
        from samen.gremia import permissions  # noqa: F401
