from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from margin_project import money, sqlmoney

        money.decimal_context_install()  # no thread computes money in the 28-digit default
        sqlmoney.register()

        from risk.signals import price_changed

        from .receivers import sweep_exposed_accounts

        price_changed.connect(sweep_exposed_accounts, dispatch_uid="accounts.sweep_exposed_accounts")
