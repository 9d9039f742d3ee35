"""The write paths of events and webhooks."""

from .delivery import webhook_delivery_send_now, webhook_endpoint_deliver, webhook_endpoint_disable
from .dispatch import endpoints_for_events, endpoints_with_work
from .endpoints import (
    Registered,
    endpoints_wake,
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
    webhook_endpoints_enable,
)
from .purge import events_purge
from .record import EventDraft, OutsideTransaction, event_record, events_record_bulk, events_record_select

__all__ = [
    "EventDraft",
    "OutsideTransaction",
    "Registered",
    "endpoints_for_events",
    "endpoints_wake",
    "endpoints_with_work",
    "event_record",
    "events_purge",
    "events_record_bulk",
    "events_record_select",
    "webhook_delivery_resend",
    "webhook_delivery_send_now",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_deliver",
    "webhook_endpoint_disable",
    "webhook_endpoint_secret_rotate",
    "webhook_endpoint_update",
    "webhook_endpoints_enable",
]
