"""Run the margin sweep now, synchronously."""

import time

from django.core.management.base import BaseCommand

from accounts.selectors.screen import account_chunks
from accounts.services.sweep import account_sweep, sweep_chunk
from margin_project.progress import progress


class Command(BaseCommand):
    help = "Sweep margin accounts now: screen every chunk, assess candidates, act on margin calls."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, action="append", help="Only this margin account id.")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["account"]:
            outcomes = [account_sweep(margin_account_id=i) for i in options["account"]]
            candidates, busy = len(outcomes), 0
        else:
            outcomes, candidates, busy = [], 0, 0
            chunks = account_chunks()
            for lo, hi in progress(chunks, total=len(chunks), label="sweep", stream=self.stderr._out):
                result = sweep_chunk(lo=lo, hi=hi)
                busy += result.busy
                candidates += result.candidates
                outcomes += result.outcomes
        opened = sum(o.margin_call_opened for o in outcomes)
        closed = sum(o.margin_call_closed for o in outcomes)
        liquidated = sum(o.liquidation_id is not None for o in outcomes)
        stale = sum(bool(o.stale_symbols) for o in outcomes)
        self.stdout.write(
            f"assessed {candidates} account(s): {opened} margin call(s) opened, {closed} closed, "
            f"{liquidated} liquidation(s), {stale} on stale prices, {busy} chunk(s) busy; "
            f"{time.monotonic() - started:.2f}s"
        )
