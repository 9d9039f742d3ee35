"""Celery tasks of the risk app: thin interfaces that call one service."""

from __future__ import annotations

from celery import shared_task

from margin_project.celery import RETRY

from .services.alerts import staff_alert_email_send


@shared_task(name="risk.send_staff_alert_email", ignore_result=True, **RETRY)
def send_staff_alert_email(alert_id: int) -> None:
    staff_alert_email_send(alert_id=alert_id)
