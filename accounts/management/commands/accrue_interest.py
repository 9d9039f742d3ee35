"""Charge a day's interest now, synchronously (operators, scripts, catch-up)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services.interest import interest_accrue, interest_days_missing, loan_id_chunks
from margin_project.money import plain
from margin_project.progress import progress


class Command(BaseCommand):
    help = "Accrue one day's interest on every open loan (idempotent: a day is never charged twice)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="UTC day to charge, YYYY-MM-DD (default: today).")
        parser.add_argument("--catch-up", action="store_true", help="Also charge every missed day before it.")

    def handle(self, *args, **options):
        try:
            through = date.fromisoformat(options["date"]) if options["date"] else timezone.now().date()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from None
        days = interest_days_missing(through=through) if options["catch_up"] else []
        days = days or [through]
        chunks = loan_id_chunks()
        started = time.monotonic()
        for day in days:
            charged, totals = 0, {}
            for lo, hi in progress(chunks, total=len(chunks), label=f"{day}", stream=self.stderr._out):
                result = interest_accrue(day=day, loan_id_from=lo, loan_id_to=hi)
                charged += result.loans_charged
                for symbol, amount in result.amounts.items():
                    totals[symbol] = totals.get(symbol, 0) + amount
            summary = ", ".join(f"{plain(v)} {k}" for k, v in sorted(totals.items())) or "nothing"
            self.stdout.write(f"{day}: charged {charged} loans ({summary})")
        self.stdout.write(f"done in {time.monotonic() - started:.2f}s over {len(chunks)} chunk(s)")
