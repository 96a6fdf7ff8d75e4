from django.apps import AppConfig


class DeelnamesConfig(AppConfig):
    name = "samen.deelnames"
    label = "deelnames"
    verbose_name = "Deelnames"

    def ready(self) -> None:
        from samen.deelnames import permissions  # noqa: F401
