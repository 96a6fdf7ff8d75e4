from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "samen.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        from samen.portfolio import permissions  # noqa: F401  (registers the app's permissions)
