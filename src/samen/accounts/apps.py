from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samen.accounts"
    label = "accounts"
    verbose_name = "Accounts en rollen"

    def ready(self) -> None:
        from samen.accounts import lockout, signals  # noqa: F401  (receivers)
