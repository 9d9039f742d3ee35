"""/api/v1/: the customer and staff API and its schema."""

from pathlib import Path

import drf_spectacular_sidecar
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NoSuchEndpointApi(APIView):
    """Anything else under /api/v1/: a 404 in the API's error shape, not an HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No such endpoint.")

    get = post = put = patch = delete = http_method_not_allowed


# Swagger UI's files come from the sidecar package and are served here, so /api/v1/docs/
# works offline and whether or not the static files are collected and served elsewhere.
SWAGGER_UI_FILES = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar" / "swagger-ui-dist"
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script, so a strict CSP holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(
        r"^docs/swagger-ui/(?P<path>[A-Za-z0-9._-]+)$",
        serve,
        {"document_root": SWAGGER_UI_FILES},
        name="api-docs-files",
    ),
    path("", include("accounts.api.urls")),
    path("", include("risk.api.urls")),
    path("", include("margin_project.events.api.urls")),
    re_path(r"^.*$", NoSuchEndpointApi.as_view(), name="api-not-found"),
]
