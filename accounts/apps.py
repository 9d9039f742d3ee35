from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from margin_project import sqlmoney

        sqlmoney.register()

        from risk.signals import price_changed

        from .receivers import sweep_exposed_accounts

        price_changed.connect(sweep_exposed_accounts, dispatch_uid="accounts.sweep_exposed_accounts")
