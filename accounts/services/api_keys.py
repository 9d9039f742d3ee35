"""API keys as Binance issues them: create (TOTP when 2FA is on), revoke, and authenticate a signed call.

A signed call carries the key in ``X-MBX-APIKEY`` and ``timestamp``, optional
``recvWindow`` and ``signature`` among its parameters. The signature is over
"totalParams": the query string then the request body, without the ``signature``
parameter itself. HMAC keys: HMAC-SHA256 with the issued secret, hex. Ed25519 keys:
the customer's private key signs, base64; we hold only the public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
import secrets
import string
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import user_has_device

from margin_project.errors import Conflict, DomainError, NotFound
from margin_project.security.two_factor import Purpose, totp_check

from ..models import ApiKey
from ..models.api_key import ApiKeyKind, ApiKeyPermission
from .common import margin_account_lock
from .secret_box import secret_decrypt, secret_encrypt

KEY_ALPHABET = string.ascii_letters + string.digits
KEY_LENGTH = 64
KEY_PATTERN = re.compile(r"^[A-Za-z0-9]{64}$")
MAX_ACTIVE_KEYS = 30
MAX_ALLOWED_ADDRESSES = 30
LABEL_PATTERN = re.compile(r"^[\w .:@()/+-]{1,64}$")
# A used key's "last used" time is written at most this often (not one write per call).
LAST_USED_RESOLUTION = timedelta(minutes=1)


# --- refusals -------------------------------------------------------------------------------
class ApiKeyInvalid(DomainError):
    code = "invalid_api_key_request"


class ApiKeyAuthError(DomainError):
    """A signed call refused; ``binance_code`` is the code Binance gives for the same fault."""

    code = "api_key_rejected"
    status = 401
    binance_code = -2015

    def __init__(self, message: str, *, code: str | None = None, binance_code: int | None = None):
        super().__init__(message, code=code)
        if binance_code is not None:
            self.binance_code = binance_code


class ApiKeyFormatInvalid(ApiKeyAuthError):
    code = "api_key_format_invalid"
    binance_code = -2014


class ApiKeyRejected(ApiKeyAuthError):
    """Unknown or revoked key, address not allowed, or a permission the key lacks (-2015)."""

    code = "api_key_rejected"
    binance_code = -2015


class ApiKeyForbidden(ApiKeyRejected):
    code = "api_key_permission_missing"
    status = 403


class SignedParamInvalid(ApiKeyAuthError):
    """``timestamp``, ``recvWindow`` or ``signature`` missing or malformed."""

    code = "signed_param_invalid"
    binance_code = -1102


class TimestampOutsideWindow(ApiKeyAuthError):
    code = "timestamp_outside_recv_window"
    binance_code = -1021


class SignatureInvalid(ApiKeyAuthError):
    code = "signature_invalid"
    binance_code = -1022


# --- issuing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApiKeyIssued:
    api_key: ApiKey
    secret: str | None  # the HMAC secret: shown once, never again


def _random_text(length: int) -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def _permissions_parse(permissions: Iterable[str]) -> set[str]:
    if isinstance(permissions, str):
        permissions = [permissions]
    wanted = {str(p).strip().lower() for p in permissions or ()}
    unknown = wanted - set(ApiKeyPermission.values)
    if unknown:
        raise ApiKeyInvalid(
            f"Unknown permission {sorted(unknown)[0][:32]!r}; use read, borrow_repay or transfer.",
            field="permissions",
        )
    return wanted | {ApiKeyPermission.READ}  # every key can read, as on Binance


def allowlist_parse(entries: Iterable[str] | str) -> list[str]:
    """Addresses or networks (``203.0.113.7``, ``2001:db8::/48``), normalised; a clear error if not."""
    if isinstance(entries, str):
        entries = re.split(r"[\s,]+", entries)
    out: list[str] = []
    for raw in entries or ():
        text = str(raw).strip()
        if not text:
            continue
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ApiKeyInvalid(
                f"{text[:45]!r} is not an IP address or network.", field="ip_allowlist"
            ) from None
        entry = str(network.network_address) if network.num_addresses == 1 else str(network)
        if entry not in out:
            out.append(entry)
    if len(out) > MAX_ALLOWED_ADDRESSES:
        raise ApiKeyInvalid(f"At most {MAX_ALLOWED_ADDRESSES} addresses per key.", field="ip_allowlist")
    return out


def _public_key_parse(pem: str) -> str:
    text = str(pem or "").strip()
    if len(text) > 1000:
        raise ApiKeyInvalid("That public key is too long for an Ed25519 key.", field="public_key")
    try:
        key = load_pem_public_key(text.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ApiKeyInvalid("Paste the Ed25519 public key in PEM form.", field="public_key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ApiKeyInvalid("Only Ed25519 public keys are accepted.", field="public_key")
    return text + "\n"


def api_key_create(
    *,
    user,
    label: str,
    permissions: Iterable[str] = (),
    ip_allowlist: Iterable[str] | str = (),
    public_key: str | None = None,
    otp_code: object = None,
    request=None,
) -> ApiKeyIssued:
    """Issue an API key; the HMAC secret is returned once and kept only encrypted.

    With ``public_key`` (Ed25519, PEM) the customer signs with their own private key and
    no secret exists here. When the customer has two-factor on, a valid TOTP code is
    required, and the key then counts as the second factor for the calls it permits.
    Every key can read; ``borrow_repay`` and ``transfer`` are granted on request.
    """
    if user.is_staff:
        raise ApiKeyInvalid("API keys are for customers; staff work in the admin.")
    label = str(label or "").strip()
    if not LABEL_PATTERN.match(label):
        raise ApiKeyInvalid(
            "Give the key a label of 1-64 letters, digits, spaces or .:@()/+-_", field="label"
        )
    granted = _permissions_parse(permissions)
    allowed = allowlist_parse(ip_allowlist)
    pem = _public_key_parse(public_key) if public_key else ""
    two_factor = user_has_device(user, confirmed=True)
    if two_factor:
        totp_check(
            user=user, code=otp_code, purpose=Purpose.API_KEY, request=request
        )  # a failed guess is counted
    secret = None if pem else _random_text(KEY_LENGTH)
    with transaction.atomic():
        margin_account_lock(user)  # serialises a customer's key changes
        active = ApiKey.objects.filter(user=user, revoked_at__isnull=True)
        if active.count() >= MAX_ACTIVE_KEYS:
            raise Conflict(f"At most {MAX_ACTIVE_KEYS} API keys; revoke one first.", code="api_key_limit")
        if active.filter(label=label).exists():
            raise Conflict(
                "You already have a key with that label.", field="label", code="api_key_label_taken"
            )
        try:
            with transaction.atomic():
                row = ApiKey.objects.create(
                    user=user,
                    label=label,
                    key=_random_text(KEY_LENGTH),
                    kind=ApiKeyKind.ED25519 if pem else ApiKeyKind.HMAC,
                    secret_encrypted=secret_encrypt(secret) if secret else "",
                    public_key=pem,
                    can_read=True,
                    can_borrow_repay=ApiKeyPermission.BORROW_REPAY in granted,
                    can_transfer=ApiKeyPermission.TRANSFER in granted,
                    ip_allowlist=allowed,
                    created_with_otp=two_factor,
                )
        except IntegrityError:  # pragma: no cover - 62**64 keys: a clash means a broken generator
            raise Conflict("Could not issue a key; try again.") from None
    return ApiKeyIssued(api_key=row, secret=secret)


def api_key_revoke(*, user, key: str) -> ApiKey:
    """Revoke one of the user's keys: it never authenticates again. Another user's key is not found."""
    with transaction.atomic():
        margin_account_lock(user)
        row = ApiKey.objects.filter(user=user, key=str(key or ""), revoked_at__isnull=True).first()
        if row is None:
            raise NotFound("No such API key.", field="api_key")
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at", "updated_at"])
    return row


# --- authenticating a signed call -----------------------------------------------------------
@dataclass(frozen=True)
class SignedCall:
    """What a signed request carries, read from it by the interface."""

    api_key: str | None
    timestamp: str | None
    recv_window: str | None
    signature: str | None
    payload: bytes  # totalParams: the query string, then the body, without "signature"
    address: str


def _integer(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not re.fullmatch(r"-?[0-9]{1,19}", value):
        raise SignedParamInvalid(
            f"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.",
            binance_code=-1100,
        )
    return int(value)


def signature_valid(key: ApiKey, payload: bytes, signature: str) -> bool:
    """Does ``signature`` sign ``payload`` with this key?"""
    if key.kind == ApiKeyKind.ED25519:
        try:
            raw = base64.b64decode(signature, validate=True)
            public = load_pem_public_key(key.public_key.encode())
            public.verify(raw, payload)
        except (binascii.Error, ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            return False
        return True
    secret = secret_decrypt(key.secret_encrypted)
    if secret is None:
        return False
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def address_allowed(key: ApiKey, address: str) -> bool:
    if not key.ip_allowlist:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in key.ip_allowlist:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def api_key_find(*, api_key: str | None, address: str) -> ApiKey:
    """The active key named in ``X-MBX-APIKEY`` usable from ``address`` (market data needs no more)."""
    if not api_key or not KEY_PATTERN.match(api_key):
        raise ApiKeyFormatInvalid("API-key format invalid.")
    key = ApiKey.objects.select_related("user").filter(key=api_key).first()
    if key is None or not key.is_active or not key.user.is_active:
        raise ApiKeyRejected("Invalid API-key, IP, or permissions for action.")
    if not address_allowed(key, address):
        raise ApiKeyRejected(f"Invalid API-key, IP, or permissions for action, request ip: {address}")
    return key


def api_key_authenticate(*, call: SignedCall, permission: str | None, now_ms: int | None = None) -> ApiKey:
    """The key that signed ``call``, after Binance's checks in Binance's order.

    Key format (-2014); an active key usable from this address (-2015); ``timestamp``
    present and within ``recvWindow`` (default 5 000 ms, at most 60 000) and not more
    than 1 000 ms ahead (-1021); a valid signature (-1022); the permission (-2015).
    """
    key = api_key_find(api_key=call.api_key, address=call.address)
    timestamp = _integer(call.timestamp, "timestamp")
    if timestamp is None:
        raise SignedParamInvalid(
            "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."
        )
    window = _integer(call.recv_window, "recvWindow")
    if window is None:
        window = settings.BINANCE_RECV_WINDOW_DEFAULT
    if not 0 < window <= settings.BINANCE_RECV_WINDOW_MAX:
        raise SignedParamInvalid(
            f"recvWindow must be less than {settings.BINANCE_RECV_WINDOW_MAX}.", binance_code=-1131
        )
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if timestamp >= now_ms + 1000:
        raise TimestampOutsideWindow("Timestamp for this request was 1000ms ahead of the server's time.")
    if now_ms - timestamp > window:
        raise TimestampOutsideWindow("Timestamp for this request is outside of the recvWindow.")
    if not call.signature:
        raise SignedParamInvalid(
            "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."
        )
    if not signature_valid(key, call.payload, call.signature):
        raise SignatureInvalid("Signature for this request is not valid.")
    if permission is not None and not key.allows(permission):
        raise ApiKeyForbidden(
            "Invalid API-key, IP, or permissions for action: "
            f"this key lacks the {ApiKeyPermission(permission).label.lower()} permission."
        )
    _touch(key)
    return key


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
