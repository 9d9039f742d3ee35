"""Signals the events app sends to the apps above it (which it must not import)."""

from django.dispatch import Signal

# An endpoint was disabled after its retries ran out, inside the disabling transaction.
# Arguments: ``endpoint_id``, ``owner_id``, ``url``, ``reason``. The accounts app answers
# with an in-app notification (and its e-mail) to the owner.
webhook_endpoint_disabled = Signal()
