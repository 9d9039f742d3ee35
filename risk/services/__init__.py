"""Write paths of the risk desk: prices, sweeps, margin calls, liquidations, interest."""

from datetime import date

from django.db import transaction

from accounts.services.interest import AccrualResult, interest_accrue, interest_days_missing, loan_id_chunks

from .liquidation import liquidation_execute
from .prices import price_record, prices_record
from .sweep import ChunkResult, SweepOutcome, account_sweep, sweep_chunk, sweep_queue


def interest_accrue_queue(*, day: date) -> int:
    """Queue the accrual of ``day`` as one task per chunk of loans; returns tasks queued."""
    from ..tasks import accrue_interest_chunk_task

    chunks = loan_id_chunks()
    for lo, hi in chunks:
        transaction.on_commit(lambda lo=lo, hi=hi: accrue_interest_chunk_task.delay(day.isoformat(), lo, hi))
    return len(chunks)


__all__ = [
    "AccrualResult",
    "ChunkResult",
    "SweepOutcome",
    "account_sweep",
    "interest_accrue",
    "interest_accrue_queue",
    "interest_days_missing",
    "liquidation_execute",
    "price_record",
    "prices_record",
    "sweep_chunk",
    "sweep_queue",
]
