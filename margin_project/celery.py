"""The one Celery app, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "margin_project.settings")

app = Celery("margin_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every task's retry policy: database errors (deadlock, lock timeout, a busy SQLite)
# retry with backoff; tasks are idempotent, so a retry is always safe.
RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}
