"""The admin app, with our site (second factor for staff) as ``admin.site``."""

from django.contrib.admin.apps import AdminConfig


class MarginAdminConfig(AdminConfig):
    default_site = "margin_project.admin.site.MarginAdminSite"
