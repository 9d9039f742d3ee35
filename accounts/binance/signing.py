"""Reading a signed request as Binance does: totalParams, the signature, the parameters.

totalParams is the raw query string followed by the raw request body, each without its
``signature`` parameter, exactly as sent (percent-encoding included): the official SDK
puts everything in the query string, ccxt puts a POST's parameters in the body, and a
/api/v1/ call signs its query string followed by its JSON body. Used by /sapi/v1/ and by
the /api/v1/ key authentication alike.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote_plus

from accounts.services.api_keys import SignedCall

from .errors import BinanceError

MAX_PARAMETERS = 40
MAX_VALUE_LENGTH = 2000
FORM = "application/x-www-form-urlencoded"


def _raw_query(request) -> bytes:
    text = request.META.get("QUERY_STRING", "")
    try:
        return text.encode("iso-8859-1")  # WSGI hands the raw bytes over as latin-1 text
    except UnicodeEncodeError:
        return text.encode()


def _without_signature(raw: bytes) -> tuple[bytes, list[str]]:
    kept, signatures = [], []
    for part in raw.split(b"&") if raw else []:
        name, _, value = part.partition(b"=")
        if unquote_plus(name.decode("iso-8859-1")) == "signature":
            signatures.append(unquote_plus(value.decode("iso-8859-1")))
        else:
            kept.append(part)
    return b"&".join(kept), signatures


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def _body(request) -> bytes:
    try:
        return request.body
    except Exception:  # noqa: BLE001 - an unreadable body signs as empty; the signature then fails
        return b""


def signed_call(request) -> SignedCall:
    """The key, timestamp, recvWindow, signature and signed payload of ``request``."""
    query, query_signatures = _without_signature(_raw_query(request))
    body, body_signatures = _without_signature(_body(request))
    signatures = query_signatures + body_signatures
    params = dict(_pairs(query) + (_pairs(body) if _is_form(request) else []))
    return SignedCall(
        api_key=request.headers.get("X-MBX-APIKEY"),
        timestamp=params.get("timestamp"),
        recv_window=params.get("recvWindow"),
        signature=signatures[0] if len(signatures) == 1 else None,
        payload=query + body,
        address=client_address(request),
    )


def _is_form(request) -> bool:
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    return content_type in ("", FORM, "text/plain")


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    if not raw:
        return []
    return parse_qsl(raw.decode("iso-8859-1"), keep_blank_values=True, encoding="utf-8", errors="replace")


def request_params(request) -> dict[str, str]:
    """Every parameter of the query string and the (form) body; a name sent twice is refused (-1101)."""
    query, _ = _without_signature(_raw_query(request))
    body, _ = _without_signature(_body(request))
    pairs = _pairs(query) + (_pairs(body) if _is_form(request) else [])
    if len(pairs) > MAX_PARAMETERS:
        raise BinanceError(-1101, "Too many parameters sent for this endpoint.")
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise BinanceError(-1101, f"Duplicate values for a parameter detected: '{name[:32]}'.")
        if len(value) > MAX_VALUE_LENGTH or "\x00" in value or "\x00" in name:
            raise BinanceError(-1100, f"Illegal characters found in parameter '{name[:32]}'.")
        params[name] = value
    return params
