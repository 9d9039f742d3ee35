"""Create (or repair) the beat schedules in the database, editable in admin afterwards."""

from django.core.management.base import BaseCommand

from accounts.schedules import schedules_install
from margin_project.events.schedules import events_schedules_install


class Command(BaseCommand):
    help = "Create the daily interest accrual (00:00 UTC) and the every-minute margin sweep schedules."

    def handle(self, *args, **options):
        for task, created in schedules_install() + events_schedules_install():
            self.stdout.write(f"{'created' if created else 'kept'}: {task.name} ({task.task})")
