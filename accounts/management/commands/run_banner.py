"""Print where to sign in once the desk is up: ``bin/run``'s last word, after the services' start-up logs.

Waits for the web server to answer and, when the demo ticker is on, for a ticked price (which
proves that beat and a worker are running), prints the addresses and the demo users, then
stays quiet (``--hold``) so the process manager keeps the other services running.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.management.commands.seed_demo import CUSTOMER_PASSWORD, CUSTOMERS, STAFF


class Command(BaseCommand):
    help = "Wait for the web server (and the worker), then print the sign-in banner."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait for the services.")
        parser.add_argument("--hold", action="store_true", help="Stay running after printing.")

    def handle(self, *args, port: int, timeout: float, hold: bool, **options):
        started = timezone.now()
        deadline = time.monotonic() + timeout
        base = f"http://127.0.0.1:{port}"
        web = self._wait(lambda: self._answers(f"{base}/login/"), deadline)
        worker = not settings.DEMO_PRICE_TICKER or self._wait(lambda: self._ticked_since(started), deadline)
        site = settings.SITE_URL
        lines = [
            "",
            "=" * 78,
            f"  Margin desk is up on {site}/",
            f"  Staff admin:  {site}/admin/   as {STAFF[0]} (superuser), risk, support / {STAFF[1]}",
            f"  Customers:    {', '.join(CUSTOMERS)} / {CUSTOMER_PASSWORD}",
            f"  API:          {site}/api/v1/docs/",
        ]
        if settings.DEMO_PRICE_TICKER:
            lines.append(
                f"  Demo prices tick every {settings.DEMO_PRICE_TICKER_SECONDS}s (DEMO_PRICE_TICKER)."
            )
        if not web or not worker:
            lines.append(
                "  (still starting: " + ("web " if not web else "") + ("worker" if not worker else "") + ")"
            )
        lines += ["  Stop with Ctrl-C.", "=" * 78, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
        if hold:
            threading.Event().wait()

    @staticmethod
    def _wait(ready, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if ready():
                return True
            time.sleep(0.5)
        return False

    @staticmethod
    def _answers(url: str) -> bool:
        # Straight to our own server, never through an HTTP proxy from the environment.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    @staticmethod
    def _ticked_since(moment) -> bool:
        from risk.models import AssetPrice
        from risk.services.demo import SOURCE

        return AssetPrice.objects.filter(source=SOURCE, observed_at__gt=moment).exists()
