"""Setting up the authenticator: QR code and secret on the page, a code proves it."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_device

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def secret_on(html: str) -> bytes:
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    return base64.b32decode(secret.replace(" ", ""))


def code_for(key: bytes, offset: int = 0) -> str:
    return f"{totp(key, drift=offset):06d}"


def test_setup_page_shows_a_qr_code_as_inline_svg_and_the_secret(customer_client):
    html = customer_client.get(reverse("two-factor")).content.decode()
    assert re.search(r'data-testid="totp-qr"[^>]*><svg', html)
    assert len(secret_on(html)) == 20


def test_the_secret_stays_the_same_until_set_up(customer_client):
    first = secret_on(customer_client.get(reverse("two-factor")).content.decode())
    again = secret_on(customer_client.get(reverse("two-factor")).content.decode())
    assert first == again


def test_a_valid_code_turns_two_factor_on_and_verifies_the_session(customer_client, customer):
    key = secret_on(customer_client.get(reverse("two-factor")).content.decode())
    response = customer_client.post(reverse("two-factor"), {"otp_code": code_for(key)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=customer)
    assert device.confirmed and device.bin_key == key
    assert customer_client.get("/").status_code == 200  # no second sign-in step needed now


@pytest.mark.parametrize(("code", "message"), [("", "Enter the 6-digit code"), ("12ab56", "6 digits")])
def test_a_malformed_code_stores_no_device(customer_client, customer, code, message):
    customer_client.get(reverse("two-factor"))
    response = customer_client.post(reverse("two-factor"), {"otp_code": code})
    assert message in response.content.decode()
    assert not TOTPDevice.objects.filter(user=customer).exists()


def test_a_wrong_code_stores_no_device(customer_client, customer):
    key = secret_on(customer_client.get(reverse("two-factor")).content.decode())
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = customer_client.post(reverse("two-factor"), {"otp_code": wrong})
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=customer).exists()


def test_with_a_device_the_page_says_it_is_on(customer_client, customer):
    totp_device(customer)
    sign_in(customer_client, customer)
    html = customer_client.get(reverse("two-factor")).content.decode()
    assert "is set up" in html
    assert "totp-secret" not in html


# --- recovery codes ---------------------------------------------------------------------------


def _set_up(client) -> list[str]:
    """Turn two-factor on through the page; return the recovery codes it shows (once)."""
    key = secret_on(client.get(reverse("two-factor")).content.decode())
    response = client.post(reverse("two-factor"), {"otp_code": code_for(key)}, follow=True)
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


def test_setting_up_two_factor_shows_ten_recovery_codes_once(customer_client, customer):
    codes = _set_up(customer_client)
    assert len(set(codes)) == 10
    again = customer_client.get(reverse("two-factor-recovery")).content.decode()
    assert "<code>" not in again
    assert 'data-testid="recovery-left">10<' in again


def test_a_recovery_code_passes_the_sign_in_step_once(client, customer):
    sign_in(client, customer)
    codes = _set_up(client)
    client.logout()
    client.force_login(customer)  # password step done; the second factor is asked next
    response = client.post(reverse("login-verify"), {"recovery_code": codes[0].upper(), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200  # verified
    client.logout()
    client.force_login(customer)
    reused = client.post(reverse("login-verify"), {"recovery_code": codes[0], "next": "/"})
    assert reused.status_code == 200
    assert "not valid (or was already used)" in reused.content.decode()
    assert client.get("/").status_code == 302  # still not past the second factor


def test_a_recovery_code_is_not_a_money_moves_code(customer_client, customer):
    from accounts.services import margin_mode_enable
    from margin_project.errors import TwoFactorInvalid

    codes = _set_up(customer_client)
    with pytest.raises(TwoFactorInvalid):
        margin_mode_enable(user=customer, otp_code=codes[1])


def test_new_recovery_codes_replace_the_old_ones(customer_client, customer):
    old = _set_up(customer_client)
    response = customer_client.post(reverse("two-factor-recovery"), follow=True)
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
