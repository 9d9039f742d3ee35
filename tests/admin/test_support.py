"""Support resets a customer's two-factor and clears a login lockout, with a reason kept in the history."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_device
from tests.helpers import staff_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_customer(customer):
    totp_device(customer)
    AccessAttempt.objects.create(
        username=customer.username, ip_address="10.0.0.1", user_agent="x", failures_since_start=5
    )
    return customer


def test_support_with_the_permission_resets_two_factor_with_a_reason(
    support_client, support, locked_customer
):
    url = reverse("admin:accounts_user_two_factor_reset", args=[locked_customer.pk])
    response = support_client.post(url, {"reason": "ticket 4711: lost phone, identity checked"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=locked_customer).exists()
    entry = LogEntry.objects.get(object_id=str(locked_customer.pk))
    assert entry.user == support
    assert "Two-factor reset" in entry.change_message and "ticket 4711" in entry.change_message


def test_support_with_the_permission_clears_a_lockout(support_client, support, locked_customer):
    url = reverse("admin:accounts_user_lockout_clear", args=[locked_customer.pk])
    response = support_client.post(url, {"reason": "ticket 4712: locked out after typos"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=locked_customer.username).exists()
    assert "Login lockout cleared" in LogEntry.objects.get(object_id=str(locked_customer.pk)).change_message


def test_a_reason_is_required(support_client, support, locked_customer):
    url = reverse("admin:accounts_user_two_factor_reset", args=[locked_customer.pk])
    response = support_client.post(url, {"reason": "x"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=locked_customer).exists()
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    "name", ["admin:accounts_user_two_factor_reset", "admin:accounts_user_lockout_clear"]
)
def test_staff_without_the_permission_are_refused_and_nothing_changes(
    client, make_user, locked_customer, name, caplog
):
    # A member of staff in no group: the support and risk officer roles both carry the permissions.
    staff_sign_in(client, make_user("newcomer", is_staff=True))
    response = client.post(reverse(name, args=[locked_customer.pk]), {"reason": "ticket 1: please"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=locked_customer).exists()
    assert AccessAttempt.objects.filter(username=locked_customer.username).exists()


def test_the_customer_page_offers_the_actions_to_support(support_client, support, locked_customer):
    html = support_client.get(
        reverse("admin:accounts_user_change", args=[locked_customer.pk])
    ).content.decode()
    assert 'data-testid="two-factor-reset"' in html
    assert 'data-testid="lockout-clear"' in html
    assert "failed sign-ins on record: 5" in html
