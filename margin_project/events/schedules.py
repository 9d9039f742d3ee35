"""The events app's beat schedules (django-celery-beat, editable in admin)."""

from __future__ import annotations

from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

HEAL = "Webhook delivery healing (every minute)"
PURGE = "Events purge (daily 03:00 UTC)"


def events_schedules_install() -> list[tuple[PeriodicTask, bool]]:
    """Create both schedules if missing; an existing one (perhaps edited by staff) is kept."""
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    heal, heal_created = PeriodicTask.objects.get_or_create(
        name=HEAL, defaults={"task": "events.heal", "interval": every_minute, "queue": "webhooks"}
    )
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    purge, purge_created = PeriodicTask.objects.get_or_create(
        name=PURGE, defaults={"task": "events.purge", "crontab": nightly, "queue": "webhooks"}
    )
    return [(heal, heal_created), (purge, purge_created)]
