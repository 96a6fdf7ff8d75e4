from django.apps import AppConfig


class LedenvergaderingConfig(AppConfig):
    name = "samen.ledenvergadering"
    label = "ledenvergadering"
    verbose_name = "Ledenvergadering"
