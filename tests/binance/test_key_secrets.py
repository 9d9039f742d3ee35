"""HMAC secrets at rest: encrypted with API_KEY_ENCRYPTION_KEY, rotatable, required in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from accounts.models import ApiKey
from accounts.services.secret_box import secret_decrypt, secret_encrypt
from tests.binance.conftest import Signed, key_for
from tests.security.test_production import documented_environment, manage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_the_secret_is_stored_only_as_a_fernet_token(settings, customer):
    settings.API_KEY_ENCRYPTION_KEY = [OLD]
    issued = key_for(customer)
    stored = ApiKey.objects.get().secret_encrypted
    assert issued.secret not in stored
    assert Fernet(OLD.encode()).decrypt(stored.encode()).decode() == issued.secret


def test_a_new_encryption_key_first_keeps_old_keys_working(settings, customer):
    settings.API_KEY_ENCRYPTION_KEY = [OLD]
    bot = Signed(key_for(customer))
    settings.API_KEY_ENCRYPTION_KEY = [NEW, OLD]
    assert bot.get("/sapi/v1/margin/account").status_code == 200
    assert secret_decrypt(secret_encrypt("x")) == "x"
    assert Fernet(NEW.encode()).decrypt(secret_encrypt("x").encode()) == b"x"  # new ones use the new key


def test_without_the_encryption_key_a_secret_cannot_be_read_and_signatures_fail(settings, customer):
    settings.API_KEY_ENCRYPTION_KEY = [OLD]
    bot = Signed(key_for(customer))
    settings.API_KEY_ENCRYPTION_KEY = [NEW]
    assert bot.get("/sapi/v1/margin/account").json()["code"] == -1022


def test_a_malformed_encryption_key_is_a_configuration_error(settings):
    settings.API_KEY_ENCRYPTION_KEY = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured):
        secret_encrypt("x")


@pytest.mark.parametrize(("key", "starts"), [("", False), (NEW, True)])
def test_production_refuses_to_start_without_the_encryption_key(key, starts):
    environment = {**documented_environment(), "API_KEY_ENCRYPTION_KEY": key}
    result = manage("check", **environment)
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "API_KEY_ENCRYPTION_KEY" in result.stderr
