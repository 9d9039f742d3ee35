"""Logging filters: a refusal the app meant to give is one line in the log, not a traceback."""

from __future__ import annotations

import logging

QUIET_STATUSES = {403, 404}


class ExpectedRefusalFilter(logging.Filter):
    """Drop the traceback of an expected 403/404 (``PermissionDenied``, ``Http404``).

    Django logs them on ``django.request`` at WARNING with the exception attached; the
    status line says all there is to say, and tracebacks are kept for real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in QUIET_STATUSES and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
