"""The admin home page's cockpit: ``{% desk_cockpit as cockpit %}``."""

from django import template

from accounts.selectors.cockpit import Cockpit
from accounts.selectors.cockpit import desk_cockpit as cockpit_of

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_cockpit(context) -> Cockpit | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_staff or not user.has_perm("accounts.view_marginaccount"):
        return None
    return cockpit_of()
