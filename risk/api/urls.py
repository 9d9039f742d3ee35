"""/api/v1/ routes of the risk app: assets, and staff prices and configuration."""

from django.urls import path, re_path

from . import views

SYMBOL = r"(?P<symbol>[A-Za-z0-9]{1,16})"

urlpatterns = [
    path("assets/", views.AssetListApi.as_view(), name="api-assets"),
    re_path(rf"^assets/{SYMBOL}/$", views.AssetDetailApi.as_view(), name="api-asset"),
    path("staff/prices/", views.PriceRecordApi.as_view(), name="api-staff-prices"),
    path("staff/prices/held/", views.PriceHoldListApi.as_view(), name="api-staff-price-holds"),
    path(
        "staff/prices/held/<int:pk>/confirm/",
        views.PriceHoldConfirmApi.as_view(),
        name="api-staff-price-hold-confirm",
    ),
    path(
        "staff/prices/held/<int:pk>/reject/",
        views.PriceHoldRejectApi.as_view(),
        name="api-staff-price-hold-reject",
    ),
    path("staff/assets/", views.AssetCreateApi.as_view(), name="api-staff-asset-create"),
    re_path(rf"^staff/assets/{SYMBOL}/$", views.AssetUpdateApi.as_view(), name="api-staff-asset"),
    re_path(rf"^staff/assets/{SYMBOL}/tiers/$", views.AssetTiersApi.as_view(), name="api-staff-asset-tiers"),
    path("staff/risk-settings/", views.RiskSettingsApi.as_view(), name="api-staff-risk-settings"),
]
