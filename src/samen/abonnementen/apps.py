from django.apps import AppConfig


class AbonnementenConfig(AppConfig):
    name = "samen.abonnementen"
    label = "abonnementen"
    verbose_name = "Abonnementen"

    def ready(self) -> None:
        from samen.abonnementen import jobs, permissions  # noqa: F401
