"""Staff reach the admin with a password and a code; without an authenticator they are sent to enrol."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from risk.models import AssetPrice
from tests.api.conftest import fresh_code

from .conftest import staff_member

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # tests/conftest.py make_user
INDEX = "/admin/"


def admin_login(client, username: str, code: str = ""):
    return client.post(
        reverse("admin:login"), {"username": username, "password": PASSWORD, "otp_code": code, "next": INDEX}
    )


@pytest.fixture
def officer(make_user, market):
    return staff_member(make_user, "rita", "officer")


@pytest.fixture
def newcomer(make_user, market):
    """A risk officer who has not set up an authenticator yet."""
    user = staff_member(make_user, "nina", "officer")
    user.totpdevice_set.all().delete()
    return user


def test_staff_with_an_authenticator_and_only_the_password_are_refused(client, officer):
    response = admin_login(client, "rita")

    assert response.status_code == 200
    assert "Enter the 6-digit code" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_staff_with_the_password_and_the_code_reach_the_admin(client, officer):
    response = admin_login(client, "rita", fresh_code(officer))

    assert response.status_code == 302
    assert response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


def test_a_wrong_code_at_the_admin_is_refused_and_counted(client, officer):
    wrong = f"{(int(fresh_code(officer)) + 1) % 1_000_000:06d}"

    response = admin_login(client, "rita", wrong)

    assert "not valid" in response.content.decode()
    assert client.get(INDEX).status_code == 302
    assert officer.totpdevice_set.get().throttling_failure_count == 1


def test_a_session_signed_in_with_the_password_only_cannot_record_a_price(client, officer):
    client.force_login(officer)  # e.g. the customer sign-in page, abandoned at its code step

    index = client.get(INDEX)
    record = client.post(reverse("admin:risk_assetprice_record"), {"asset": "BTC", "price": "1"})

    assert index.status_code == 302 and index["Location"].startswith(reverse("admin:login"))
    assert record.status_code == 302 and record["Location"].startswith(reverse("admin:login"))
    assert AssetPrice.objects.get(asset__symbol="BTC").price != 1


def test_staff_without_an_authenticator_are_sent_to_enrol(client, newcomer):
    response = admin_login(client, "nina")
    assert response.status_code == 302

    index = client.get(INDEX)
    deposit = client.get(reverse("admin:accounts_ledgertransaction_deposit"))

    assert index.status_code == 302 and index["Location"] == reverse("admin:two_factor_enrol")
    assert deposit.status_code == 302 and deposit["Location"] == reverse("admin:two_factor_enrol")


def secret_on(html: str) -> bytes:
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    return base64.b32decode(secret.replace(" ", ""))


def test_enrolling_with_a_valid_code_lets_them_in(client, newcomer):
    admin_login(client, "nina")
    page = client.get(reverse("admin:two_factor_enrol")).content.decode()
    assert re.search(r'data-testid="totp-qr"[^>]*><svg', page)

    response = client.post(reverse("admin:two_factor_enrol"), {"otp_code": f"{totp(secret_on(page)):06d}"})

    assert response.status_code == 302 and response["Location"] == INDEX
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert client.get(INDEX).status_code == 200


def test_enrolling_with_a_wrong_code_stores_nothing(client, newcomer):
    admin_login(client, "nina")
    page = client.get(reverse("admin:two_factor_enrol")).content.decode()
    wrong = f"{(totp(secret_on(page)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("admin:two_factor_enrol"), {"otp_code": wrong})

    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert client.get(INDEX).status_code == 302


def test_after_enrolling_the_password_alone_no_longer_opens_the_admin(client, newcomer):
    admin_login(client, "nina")
    page = client.get(reverse("admin:two_factor_enrol")).content.decode()
    client.post(reverse("admin:two_factor_enrol"), {"otp_code": f"{totp(secret_on(page)):06d}"})
    client.post(reverse("admin:logout"))

    response = admin_login(client, "nina")

    assert "Enter the 6-digit code" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_customers_never_reach_the_enrolment(client, customer):
    client.force_login(customer)

    response = client.get(reverse("admin:two_factor_enrol"))

    assert response.status_code == 302 and response["Location"] == reverse("admin:login")


def test_with_staff_mfa_off_the_password_is_enough_for_staff_without_an_authenticator(
    client, newcomer, settings
):
    settings.STAFF_MFA_REQUIRED = False

    admin_login(client, "nina")

    assert client.get(INDEX).status_code == 200


def test_with_staff_mfa_off_staff_who_set_up_an_authenticator_still_give_its_code(client, officer, settings):
    settings.STAFF_MFA_REQUIRED = False

    response = admin_login(client, "rita")

    assert "Enter the 6-digit code" in response.content.decode()
    assert client.get(INDEX).status_code == 302
