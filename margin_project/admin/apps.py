"""The admin app, with our site (second factor for staff) as ``admin.site``."""

from django.contrib.admin.apps import AdminConfig


class MarginAdminConfig(AdminConfig):
    default_site = "margin_project.admin.site.MarginAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin module is registered now
        from django.contrib import admin

        from .third_party import third_party_register

        third_party_register(admin.site)
