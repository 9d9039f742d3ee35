"""Tokens: username/password (and TOTP with 2FA) for a token; list, revoke; throttling; the shape of 401."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import client_for, error_of, fresh_code
from tests.conftest import totp_device

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def test_username_and_password_get_a_token_that_authenticates(customer):
    response = APIClient().post(TOKEN, {"username": "alice", "password": "pw-Secret-123"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["prefix"] == body["token"][:8]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/account/").json()["username"] == "alice"
    again = APIClient().post(TOKEN, {"username": "alice", "password": "pw-Secret-123"}, format="json")
    assert again.json()["token"] == body["token"]


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "alice", "password": "wrong"},
        {"username": "nobody", "password": "pw-Secret-123"},
    ],
)
def test_wrong_credentials_get_no_token(customer, payload):
    response = APIClient().post(TOKEN, payload, format="json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_missing_fields_are_a_400_naming_the_field(customer):
    response = APIClient().post(TOKEN, {"username": "alice"}, format="json")
    assert response.status_code == 400
    assert error_of(response)["field"] == "password"


def test_with_2fa_on_a_token_needs_the_totp_code(customer):
    totp_device(customer)
    creds = {"username": "alice", "password": "pw-Secret-123"}
    refused = APIClient().post(TOKEN, creds, format="json")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "two_factor_required"
    ok = APIClient().post(TOKEN, creds, format="json", HTTP_X_OTP_CODE=fresh_code(customer))
    assert ok.status_code == 200


def test_repeated_failures_lock_the_username_out(customer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        APIClient().post(TOKEN, {"username": "alice", "password": "wrong"}, format="json")
    response = APIClient().post(TOKEN, {"username": "alice", "password": "pw-Secret-123"}, format="json")
    assert response.status_code == 429
    assert error_of(response)["code"] == "locked_out"


def test_tokens_are_listed_by_prefix_and_revoked(api, customer):
    key = Token.objects.get(user=customer).key
    assert api.get("/api/v1/auth/tokens/").json() == [
        {"prefix": key[:8], "created": api.get("/api/v1/auth/tokens/").json()[0]["created"]}
    ]
    assert api.delete(f"/api/v1/auth/tokens/{key[:8]}/").status_code == 204
    assert not Token.objects.filter(user=customer).exists()
    after = api.get("/api/v1/account/")
    assert after.status_code == 401
    assert error_of(after)["code"] == "authentication_failed"


def test_another_customers_token_cannot_be_revoked(api, other):
    other_key = Token.objects.create(user=other).key
    response = api.delete(f"/api/v1/auth/tokens/{other_key[:8]}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert Token.objects.filter(user=other).exists()


def test_no_credentials_is_a_401_in_the_error_shape(client, customer):
    response = client.get("/api/v1/account/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_of(response)["code"] == "not_authenticated"


def test_session_login_works_for_the_browser(client, customer):
    client.force_login(customer)
    assert client.get("/api/v1/account/").json()["username"] == "alice"


def test_a_session_stopped_at_the_code_step_does_not_reach_the_api(client, customer):
    from django_otp import DEVICE_ID_SESSION_KEY

    device = totp_device(customer)
    client.force_login(customer)  # password done, TOTP step not yet
    assert client.get("/api/v1/account/").status_code == 401
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # what the code step records
    session.save()
    assert client.get("/api/v1/account/").json()["username"] == "alice"


def test_session_posts_need_the_csrf_token(customer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    response = browser.post("/api/v1/account/notifications/read/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_calls_per_user_are_throttled(api, customer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/minute"},
    }
    statuses = [api.get("/api/v1/assets/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/assets/")
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Throttles count per user: another customer is not slowed down.
    from django.contrib.auth import get_user_model

    bob = get_user_model().objects.create_user("bob", password="pw-Secret-123")
    assert client_for(bob).get("/api/v1/assets/").status_code == 200
