from django.apps import AppConfig


class GremiaConfig(AppConfig):
    name = "samen.gremia"
    label = "gremia"
    verbose_name = "Gremia"
