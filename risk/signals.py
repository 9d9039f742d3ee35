"""Signals the risk app sends to the apps above it (which it must not import)."""

from django.dispatch import Signal

# A live price changed, inside the recording transaction; ``asset_id`` names the asset.
# The accounts app answers by sweeping the accounts exposed to it after commit.
price_changed = Signal()
