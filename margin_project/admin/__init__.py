"""Admin helpers every app shares: read-only admins, operation pages, display formatting."""
