from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "margin_project.events"
    label = "events"
    verbose_name = "Events and webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import sql

        sql.register()
