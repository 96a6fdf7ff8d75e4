from django.apps import AppConfig


class FinancieringConfig(AppConfig):
    name = "samen.financiering"
    label = "financiering"
    verbose_name = "Financieringsvormen"
