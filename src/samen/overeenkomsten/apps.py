from django.apps import AppConfig


class OvereenkomstenConfig(AppConfig):
    name = "samen.overeenkomsten"
    label = "overeenkomsten"
    verbose_name = "Overeenkomsten"
