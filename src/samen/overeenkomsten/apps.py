from django.apps import AppConfig


class OvereenkomstenConfig(AppConfig):
    name = "samen.overeenkomsten"
    label = "overeenkomsten"
    verbose_name = "Overeenkomsten"

    def ready(self) -> None:
        from samen.overeenkomsten import meldingen, permissions  # noqa: F401
