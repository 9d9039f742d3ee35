"""The beat schedules, stored with django-celery-beat so staff can edit them in admin."""

from __future__ import annotations

from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

ACCRUAL = "Daily interest accrual (00:00 UTC)"
SWEEP = "Margin sweep (every minute)"
# Charging is idempotent per (loan, day): the hourly run is a no-op unless a chunk was
# lost (a worker killed on a broker that does not redeliver), which it then charges.
ACCRUAL_HEAL = "Interest accrual healing (hourly)"


def schedules_install() -> list[tuple[PeriodicTask, bool]]:
    """Create the two schedules if missing; an existing one (perhaps edited by staff) is kept."""
    midnight, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    accrual, accrual_created = PeriodicTask.objects.get_or_create(
        name=ACCRUAL, defaults={"task": "accounts.accrue_interest", "crontab": midnight}
    )
    sweep, sweep_created = PeriodicTask.objects.get_or_create(
        name=SWEEP, defaults={"task": "accounts.sweep_all", "interval": every_minute}
    )
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    heal, heal_created = PeriodicTask.objects.get_or_create(
        name=ACCRUAL_HEAL, defaults={"task": "accounts.accrue_interest", "crontab": hourly}
    )
    return [(accrual, accrual_created), (sweep, sweep_created), (heal, heal_created)]
