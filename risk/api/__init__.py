"""The risk desk's API under /api/v1/: assets and prices for everyone, configuration for staff."""
