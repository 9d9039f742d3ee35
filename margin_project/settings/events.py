"""The event outbox and its webhooks: retention, retries, timeouts, what URLs may receive."""

from .env import env

# Delivered events (and delivery attempts) older than this are purged by the daily job;
# the feed serves what is kept, and a consumer further behind starts at the oldest kept.
EVENTS_RETENTION_DAYS = env.int("EVENTS_RETENTION_DAYS", default=30)

# One delivery attempt: connect + send + the receiver's answer, in seconds.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# A failing event is retried with exponential backoff (base doubling up to the cap, with
# jitter) for this long; then the endpoint is disabled and its owner notified.
WEBHOOK_RETRY_WINDOW_HOURS = env.float("WEBHOOK_RETRY_WINDOW_HOURS", default=72.0)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600.0)
# How long one worker owns an endpoint's delivery (renewed per event): a killed worker's
# endpoint is taken over after this.
WEBHOOK_LEASE_SECONDS = env.float("WEBHOOK_LEASE_SECONDS", default=60.0)
# Receivers must be https on public addresses; development and tests may allow more.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=env.bool("DEBUG", default=False))
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)

# Webhook work has its own queue (and worker: the Procfile's "webhooks" process), so a
# slow receiver never delays a sweep or an accrual on the default queue.
CELERY_TASK_ROUTES = {"events.*": {"queue": "webhooks"}}
