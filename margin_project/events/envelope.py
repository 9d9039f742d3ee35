"""What a consumer receives for one event: the same JSON in the feed and in a webhook body."""

from __future__ import annotations

import json
from datetime import datetime

from .models import Event


def iso_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, as the API writes times."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def event_envelope(event: Event) -> dict:
    return {
        "id": event.pk,
        "type": event.type,
        "version": event.version,
        "account_id": event.account_id,
        "occurred_at": iso_time(event.occurred_at),
        "data": event.payload,
    }


def event_body(event: Event) -> bytes:
    """The exact bytes a webhook delivery sends (and signs)."""
    return json.dumps(event_envelope(event), separators=(",", ":"), ensure_ascii=False).encode()
