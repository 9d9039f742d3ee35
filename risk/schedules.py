"""The demo price ticker's beat schedule (django-celery-beat), on only where ``DEMO_PRICE_TICKER`` is."""

from __future__ import annotations

from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

DEMO_TICKER = "Demo price ticker"


def demo_ticker_install(*, seconds: int | None = None) -> PeriodicTask:
    """Create or update the ticker's schedule: enabled exactly when the setting is on."""
    every = seconds or settings.DEMO_PRICE_TICKER_SECONDS
    interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
    task, _ = PeriodicTask.objects.update_or_create(
        name=DEMO_TICKER,
        defaults={
            "task": "risk.demo_price_tick",
            "interval": interval,
            "enabled": settings.DEMO_PRICE_TICKER,
        },
    )
    return task
