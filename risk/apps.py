from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk"

    def ready(self) -> None:
        from .roles import roles_ensure

        # After every migrate (and every test-database flush) the staff groups exist.
        post_migrate.connect(roles_ensure, sender=self, dispatch_uid="risk.roles_ensure")
