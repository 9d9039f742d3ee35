"""Create (or switch off) the demo price ticker's schedule, following ``DEMO_PRICE_TICKER``."""

from django.core.management.base import BaseCommand

from risk.schedules import demo_ticker_install


class Command(BaseCommand):
    help = (
        "Schedule the demo price ticker (a small random walk of the seeded prices) when "
        "DEMO_PRICE_TICKER is on; disable its schedule when it is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, help="Tick interval (default DEMO_PRICE_TICKER_SECONDS).")

    def handle(self, *args, **options):
        task = demo_ticker_install(seconds=options["seconds"])
        state = f"every {task.interval.every}s" if task.enabled else "off (DEMO_PRICE_TICKER is not set)"
        self.stdout.write(f"{task.name}: {state}")
