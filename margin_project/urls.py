from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # admin.site is margin_project.admin.site.MarginAdminSite: staff sign in with a second factor.
    path("admin/", admin.site.urls),
    path("api/v1/", include("margin_project.api.urls")),
    path("", include("accounts.binance.urls")),  # Binance-compatible /sapi/v1/ (docs/notes/binance.md)
    path("", include("accounts.urls")),
]
