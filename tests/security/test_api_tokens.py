"""API tokens die with the password they were issued under, and (when configured) of old age."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services.api_tokens import api_token_issue
from tests.api.conftest import error_of
from tests.helpers import staff_sign_in
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # tests/conftest.py make_user
NEW = "n3w-Secret-456"


def api(token: Token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_changing_the_password_on_the_page_revokes_the_old_token(client, customer):
    token = Token.objects.create(user=customer)
    sign_in(client, customer)

    client.post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )

    assert not Token.objects.filter(user=customer).exists()
    response = api(token).post("/api/v1/account/notifications/read/", {}, format="json")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_a_password_reset_by_staff_in_the_admin_revokes_the_tokens(client, customer, make_user):
    Token.objects.create(user=customer)
    staff_sign_in(client, make_user("root", is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:auth_user_password_change", args=[customer.pk]),
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )

    assert not Token.objects.filter(user=customer).exists()


def test_set_password_anywhere_revokes_the_tokens(customer):
    Token.objects.create(user=customer)

    customer.set_password(NEW)
    customer.save()

    assert not Token.objects.filter(user=customer).exists()


def test_saving_a_user_without_a_new_password_keeps_the_tokens(customer):
    token = Token.objects.create(user=customer)

    customer.first_name = "Alice"
    customer.save()

    assert Token.objects.filter(pk=token.pk).exists()


def test_an_expired_token_is_refused_and_a_new_one_issued(customer, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=customer)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=31))

    refused = api(token).get("/api/v1/account/")
    fresh, created = api_token_issue(user=customer)

    assert refused.status_code == 401
    assert error_of(refused)["message"] == "This token has expired; request a new one."
    assert created and fresh.key != token.key
    assert api(fresh).get("/api/v1/account/").status_code == 200


def test_without_a_ttl_tokens_do_not_expire(customer, settings):
    settings.API_TOKEN_TTL_DAYS = 0
    token = Token.objects.create(user=customer)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=3650))

    assert api(token).get("/api/v1/account/").status_code == 200


def test_changepassword_command_revokes_the_tokens(customer, monkeypatch):
    Token.objects.create(user=customer)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)

    call_command("changepassword", "alice", stdout=StringIO())

    assert not Token.objects.filter(user=customer).exists()
