"""bin/run's sign-in banner: printed once the web server answers, with the addresses from SITE_URL."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_banner_waits_for_the_web_server_then_names_where_to_sign_in(live_server, settings):
    port = live_server.url.rsplit(":", 1)[1]
    settings.SITE_URL = live_server.url
    settings.DEMO_PRICE_TICKER = False
    out = StringIO()
    call_command("run_banner", port=int(port), timeout=30, stdout=out)
    text = out.getvalue()
    assert f"Margin desk is up on {live_server.url}/" in text
    assert f"Staff admin:  {live_server.url}/admin/" in text
    assert "still starting" not in text


def test_the_banner_says_when_the_web_server_is_not_up_yet(settings):
    settings.DEMO_PRICE_TICKER = False
    out = StringIO()
    call_command("run_banner", port=9, timeout=0.5, stdout=out)  # nothing listens on the discard port
    assert "(still starting: web" in out.getvalue()
