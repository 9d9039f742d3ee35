"""What the accounts app does when the risk app below it signals a change."""

from __future__ import annotations

from django.db import transaction


def sweep_exposed_accounts(*, asset_id: int, **kwargs) -> None:
    """A price moved: after commit, sweep the accounts exposed to it (a margin call within seconds)."""
    from .tasks import sweep_asset_task

    transaction.on_commit(lambda: sweep_asset_task.delay(asset_id))
