"""The client's address, read the same way by django-axes (lockouts) and DRF (throttles).

``NUM_PROXIES`` says how many reverse proxies we run in front of Django. Each appends the
address it received the request from to ``X-Forwarded-For``, so the client is the entry
``NUM_PROXIES`` from the right: anything a client writes into the header itself sits to the
left of it and is ignored. With ``NUM_PROXIES=0`` (the default: no proxy) the header is
never read, so rotating it cannot dodge a throttle or a lockout.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the client that sent ``request`` (a Django or DRF request)."""
    request = getattr(request, "_request", request)
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote_addr
    return hops[-min(proxies, len(hops))]
