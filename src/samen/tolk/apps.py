from django.apps import AppConfig


class TolkConfig(AppConfig):
    name = "samen.tolk"
    label = "tolk"
    verbose_name = "Tolkvoorziening"
