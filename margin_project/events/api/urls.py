"""/api/v1/events/ (the feed) and /api/v1/webhooks/ (endpoints and deliveries)."""

from django.urls import path

from . import feed_views, webhook_views

urlpatterns = [
    path("events/", feed_views.EventFeedApi.as_view(), name="api-events"),
    path("events/types/", feed_views.EventTypeListApi.as_view(), name="api-event-types"),
    path("events/<int:pk>/", feed_views.EventDetailApi.as_view(), name="api-event"),
    path("webhooks/endpoints/", webhook_views.EndpointListApi.as_view(), name="api-webhook-endpoints"),
    path(
        "webhooks/endpoints/<int:pk>/",
        webhook_views.EndpointDetailApi.as_view(),
        name="api-webhook-endpoint",
    ),
    path(
        "webhooks/endpoints/<int:pk>/deliveries/",
        webhook_views.DeliveryListApi.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "webhooks/endpoints/<int:pk>/rotate-secret/",
        webhook_views.EndpointSecretRotateApi.as_view(),
        name="api-webhook-rotate-secret",
    ),
    path(
        "webhooks/deliveries/<int:pk>/resend/",
        webhook_views.DeliveryResendApi.as_view(),
        name="api-webhook-resend",
    ),
]
