"""Response headers for every page and API answer: no caching of account data; the known-device cookie."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_vary_headers

API_PREFIX = "/api/"


class SecurityHeadersMiddleware:
    """``Cache-Control: no-store`` on everything a signed-in user is shown and on the whole API.

    Account data must not stay in a shared cache, a proxy or the browser's back/forward
    cache after sign-out. Static files are served elsewhere and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie", "Authorization"))
        cookie = getattr(request, "known_device_cookie", None)
        if cookie:
            response.set_cookie(
                settings.KNOWN_DEVICE_COOKIE,
                cookie,
                max_age=int(timedelta(days=settings.KNOWN_DEVICE_DAYS).total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
