"""OpenAPI descriptions of our authentication classes, so the schema generator has nothing to warn about.

drf-spectacular describes DRF's own session authentication but not a subclass of it;
these extensions name ours. Imported by ``margin_project.api.schema``, which every schema
generation (the view, ``manage.py spectacular``, the system check) loads.
"""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class ExpiringTokenScheme(TokenScheme):
    """``Authorization: Token <key>`` (expires after API_TOKEN_TTL_DAYS when set)."""

    target_class = "margin_project.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"
    priority = 0


class VerifiedSessionScheme(SessionScheme):
    """The browser's session cookie, once its second factor is done."""

    target_class = "margin_project.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"
    priority = 0
