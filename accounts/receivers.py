"""What the accounts app does when the risk app below it signals a change."""

from __future__ import annotations

from django.db import transaction


def sweep_exposed_accounts(*, asset_id: int, **kwargs) -> None:
    """A price moved: after commit, sweep the accounts exposed to it (a margin call within seconds)."""
    from .tasks import sweep_asset_task

    transaction.on_commit(lambda: sweep_asset_task.delay(asset_id))


def notify_webhook_endpoint_disabled(
    *, endpoint_id: int, owner_id: int, url: str, reason: str, **kwargs
) -> None:
    """Webhook retries ran out and the endpoint was turned off: tell its owner (in-app and e-mail)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from .services.notifications import notification_create

    owner = get_user_model().objects.get(pk=owner_id)
    notification_create(
        user=owner,
        kind="info",
        title="A webhook endpoint was turned off",
        body=f"Deliveries to {url} kept failing, so we stopped sending: {reason} "
        "Fix the receiver, then turn the endpoint back on; it resumes where it stopped.",
        link=f"/webhooks/{endpoint_id}/",
        dedupe_key=f"webhook-disabled:{endpoint_id}:{timezone.now().isoformat()}"[:100],
    )
