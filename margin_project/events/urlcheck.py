"""Which URLs may receive webhooks: https on public addresses (so no one aims us at the inside).

Checked when an endpoint is registered and again before every delivery (a name that
resolved to a public address yesterday may resolve to 10.0.0.5 today). Development and
the tests may allow http (``WEBHOOK_ALLOW_HTTP``) and private or loopback addresses
(``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from margin_project.errors import DomainError

MAX_URL_LENGTH = 500


class InvalidWebhookUrl(DomainError):
    code = "invalid_url"


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InvalidWebhookUrl(f"{host[:100]} does not resolve.", field="url") from None
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def webhook_url_check(url: object) -> str:
    """The URL, stripped, or an ``InvalidWebhookUrl`` saying what is wrong with it."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidWebhookUrl("Give the URL that should receive the events.", field="url")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or any(ord(c) < 33 or ord(c) > 126 for c in url):
        raise InvalidWebhookUrl(
            f"The URL must be at most {MAX_URL_LENGTH} printable ASCII characters.", field="url"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidWebhookUrl("That is not a valid URL.", field="url") from None
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise InvalidWebhookUrl("Webhook URLs must use https.", field="url")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrl("The URL needs a host name and no user name or password.", field="url")
    if parts.fragment:
        raise InvalidWebhookUrl("The URL must not have a #fragment.", field="url")
    address_check(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    return url


def address_check(host: str, port: int) -> None:
    """Refuse a host that is, or resolves to, a private, loopback, link-local or reserved address."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    for address in _addresses(host, port):
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if not address.is_global or address.is_multicast:
            raise InvalidWebhookUrl(
                "Webhook URLs must point at a public address, not a private, loopback or reserved one.",
                field="url",
            )
