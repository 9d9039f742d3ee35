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

        from margin_project.events.signals import webhook_endpoint_disabled

        from .receivers import notify_webhook_endpoint_disabled

        webhook_endpoint_disabled.connect(
            notify_webhook_endpoint_disabled, dispatch_uid="accounts.webhook_disabled"
        )
