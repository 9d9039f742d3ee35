"""Sign-in lockouts: spraying from one address, guessing one username from many, the victim's own browser.

And the client's address they count by: the one behind NUM_PROXIES trusted proxies, never a
header the client wrote (the throttles read it the same way).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from margin_project.security.client_ip import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # tests/conftest.py make_user


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def test_password_spraying_from_one_address_locks_that_address(customer, make_user):
    make_user("bob")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        sign_in(attacker, f"user{n}", "Winter2026!")  # one guess at each of 30 usernames

    # Even a right password no longer works from there, for any username...
    assert sign_in(attacker, "bob").status_code == 429
    # ...while everyone else signs in as usual.
    assert signed_in(sign_in(Client(REMOTE_ADDR="192.0.2.1"), "bob"))


def test_guessing_one_username_from_many_addresses_locks_it_for_a_short_while(customer):
    for n in range(django_settings.AXES_USERNAME_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "alice", "guess")

    newcomer = Client(REMOTE_ADDR="192.0.2.50")
    assert sign_in(newcomer, "alice").status_code == 429

    # Past the short username cool-off (15 minutes by default) the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert signed_in(sign_in(newcomer, "alice"))


def test_an_attacker_cannot_lock_a_customer_out_of_their_usual_browser(customer):
    usual = Client(REMOTE_ADDR="192.0.2.10")
    assert signed_in(sign_in(usual, "alice"))  # this browser is now known for alice
    usual.post(reverse("logout"))

    for n in range(30):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "alice", "guess")

    assert signed_in(sign_in(usual, "alice"))


def test_a_known_device_counts_only_for_its_own_user_and_cannot_be_forged(customer, make_user):
    make_user("bob")
    bobs_browser = Client()
    sign_in(bobs_browser, "bob")
    bobs_browser.post(reverse("logout"))
    for n in range(30):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "alice", "guess")
    forged = Client()
    forged.cookies[django_settings.KNOWN_DEVICE_COOKIE] = '["alice"]'

    assert sign_in(bobs_browser, "alice").status_code == 429
    assert sign_in(forged, "alice").status_code == 429


def test_a_successful_sign_in_does_not_wipe_an_address_s_spraying(customer, make_user):
    make_user("mallory")
    make_user("bob")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(django_settings.AXES_IP_FAILURE_LIMIT - 1):
        sign_in(attacker, f"user{n}", "guess")

    assert signed_in(sign_in(attacker, "mallory"))  # the attacker's own account
    attacker.post(reverse("logout"))
    sign_in(attacker, "user99", "guess")

    assert sign_in(attacker, "bob").status_code == 429


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(settings):
    settings.NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert client_ip(request) == "192.0.2.1"


def test_behind_one_proxy_the_client_is_what_the_proxy_appended(settings):
    settings.NUM_PROXIES = 1
    # The client forged "10.9.9.9"; our proxy appended the address it really came from.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4")

    assert client_ip(request) == "198.51.100.4"


def test_rotating_a_forwarded_for_header_does_not_dodge_the_token_throttle(customer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "20/minute"},
    }
    # Lockouts out of the way: this is about the throttle alone.
    settings.AXES_FAILURE_LIMIT = settings.AXES_IP_FAILURE_LIMIT = settings.AXES_USERNAME_FAILURE_LIMIT = 1000
    codes = [
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"username": "alice", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        .json()["error"]["code"]
        for n in range(25)
    ]

    assert codes.count("throttled") == 5


def test_a_bare_number_is_a_rate_per_minute(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2"},
    }

    assert [api.get("/api/v1/assets/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def api(customer):
    from tests.api.conftest import client_for

    return client_for(customer)
