"""Celery tasks of the risk app: thin interfaces that call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from margin_project.celery import RETRY

from .services.alerts import staff_alert_email_send
from .services.demo import demo_prices_tick


@shared_task(name="risk.send_staff_alert_email", ignore_result=True, **RETRY)
def send_staff_alert_email(alert_id: int) -> None:
    staff_alert_email_send(alert_id=alert_id)


@shared_task(name="risk.demo_price_tick", ignore_result=True, **RETRY)
def demo_price_tick() -> int:
    """The demo's price feed (``DEMO_PRICE_TICKER``): a small random step of every seeded price."""
    if not settings.DEMO_PRICE_TICKER:
        return 0  # off in production even if the schedule exists
    return len(demo_prices_tick())
