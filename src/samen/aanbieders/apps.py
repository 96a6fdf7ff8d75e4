from django.apps import AppConfig


class AanbiedersConfig(AppConfig):
    name = "samen.aanbieders"
    label = "aanbieders"
    verbose_name = "Verantwoording aanbieders"

    def ready(self) -> None:
        from samen.aanbieders import permissions  # noqa: F401
