"""The header's unread alert count (no context processor needed)."""

from __future__ import annotations

from django import template

from accounts.selectors import unread_count as unread_count_of

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_alerts(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return 0
    return unread_count_of(user=user)


@register.filter
def local_link(link: str) -> str:
    """``link`` when it is a path on this site, else "" (never an outside or script address)."""
    link = (link or "").strip()
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""
