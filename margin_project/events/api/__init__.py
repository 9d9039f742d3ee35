"""/api/v1/ routes of events and webhooks."""
