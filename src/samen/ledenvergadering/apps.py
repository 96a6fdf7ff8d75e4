from django.apps import AppConfig


class LedenvergaderingConfig(AppConfig):
    name = "samen.ledenvergadering"
    label = "ledenvergadering"
    verbose_name = "Ledenvergadering"

    def ready(self) -> None:
        from samen.ledenvergadering import permissions  # noqa: F401
