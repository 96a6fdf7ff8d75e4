from django.apps import AppConfig


class FinancieringConfig(AppConfig):
    name = "samen.financiering"
    label = "financiering"
    verbose_name = "Financieringsvormen"

    def ready(self):
        from samen.financiering import permissions  # noqa: F401 - registers the permissions
