from django.apps import AppConfig


class GemeentenConfig(AppConfig):
    name = "samen.gemeenten"
    label = "gemeenten"
    verbose_name = "Gemeenten"
