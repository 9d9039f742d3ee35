"""Celery: Redis when a URL is given, else kombu's filesystem transport.

The filesystem transport passes messages between processes through a folder,
so web, worker and beat work together on a fresh machine with no server.
"""

import os

from .env import BASE_DIR, env

_redis_url = env("REDIS_URL", default="")
# Empty values (CELERY_BROKER_URL=) mean the default, like unset ones.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or _redis_url or "filesystem://"

_broker_dir = env("CELERY_BROKER_DIR", default=str(BASE_DIR / "var" / "broker"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The transport expects its folders to exist; every process (web, worker, beat) may be first.
    for _folder in ("queue", "processed", "control"):
        os.makedirs(f"{_broker_dir}/{_folder}", exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": f"{_broker_dir}/queue",
        "data_folder_out": f"{_broker_dir}/queue",
        "processed_folder": f"{_broker_dir}/processed",
        "control_folder": f"{_broker_dir}/control",
        "store_processed": False,
    }
else:
    # Redis: a message not acknowledged within this time is delivered again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# Work is acknowledged only once done, and redelivered if the worker dies: every
# task is idempotent, so running twice is safe while losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

if CELERY_BROKER_URL.startswith("filesystem://"):
    # The filesystem transport has no fanout: no remote control/broadcast there.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

# Fault injection for the reliability tests only: the accrual pauses inside its
# transaction (after writing, before commit) and drops a marker file, so a test can
# SIGKILL the worker mid-chunk. Zero (the default) disables it.
FAULT_ACCRUAL_PAUSE_SECONDS = env.float("FAULT_ACCRUAL_PAUSE_SECONDS", default=0)
FAULT_ACCRUAL_PAUSE_MARKER = env("FAULT_ACCRUAL_PAUSE_MARKER", default="")
