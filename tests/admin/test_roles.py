"""Who reaches what: risk officers configure and operate, support only looks, customers stay out."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from risk.roles import (
    ACCRUE,
    CLEAR_LOCKOUT,
    CORRECT_LEDGER,
    CREDIT_DEPOSIT,
    RECORD_PRICE,
    RESET_TWO_FACTOR,
    RISK_OFFICER,
    SUPPORT,
    SWEEP,
    roles_ensure,
)

from .posts import asset_change_data, risk_settings_data

pytestmark = pytest.mark.django_db

CONFIGURATION = (
    "risk.add_asset",
    "risk.change_asset",
    "risk.add_collateraltier",
    "risk.change_collateraltier",
    "risk.delete_collateraltier",
    "risk.change_risksettings",
    "django_celery_beat.add_periodictask",
    "django_celery_beat.change_periodictask",
    "django_celery_beat.delete_periodictask",
)
OPERATIONS = (SWEEP, ACCRUE, CREDIT_DEPOSIT, RECORD_PRICE)
VIEWS = (
    "accounts.view_marginaccount",
    "accounts.view_loan",
    "accounts.view_ledgertransaction",
    "risk.view_liquidation",
    "risk.view_asset",
    "risk.view_risksettings",
    "django_celery_beat.view_periodictask",
)
NEVER = (
    "accounts.change_loan",
    "accounts.change_ledgeraccount",
    "accounts.add_ledgertransaction",
    "accounts.change_user",
    "risk.delete_asset",
    "risk.change_assetprice",
    "auth.change_group",
)


def test_both_groups_exist_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {RISK_OFFICER, SUPPORT}


def test_risk_officer_may_configure_operate_and_view(officer):
    for permission in CONFIGURATION + OPERATIONS + VIEWS:
        assert officer.has_perm(permission), permission


def test_risk_officer_may_not_touch_money_or_users(officer):
    for permission in NEVER:
        assert not officer.has_perm(permission), permission


def test_support_may_only_view(support):
    for permission in VIEWS:
        assert support.has_perm(permission), permission
    for permission in CONFIGURATION + OPERATIONS + NEVER:
        assert not support.has_perm(permission), permission


# The operations' permissions by role: exactly these, nothing else (issue 11 gives support the
# two customer-care actions; corrections stay with superusers).
OPERATION_MATRIX = {
    SWEEP: {"officer"},
    ACCRUE: {"officer"},
    CREDIT_DEPOSIT: {"officer"},
    RECORD_PRICE: {"officer"},
    CORRECT_LEDGER: set(),
    RESET_TWO_FACTOR: {"officer", "support"},
    CLEAR_LOCKOUT: {"officer", "support"},
}


@pytest.mark.parametrize(("permission", "roles"), OPERATION_MATRIX.items())
def test_each_operation_is_granted_to_exactly_its_roles(officer, support, permission, roles):
    granted = {
        name for name, user in (("officer", officer), ("support", support)) if user.has_perm(permission)
    }
    assert granted == roles


def test_roles_ensure_is_idempotent(db):
    before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}

    roles_ensure()
    roles_ensure()

    after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert after == before
    assert Group.objects.filter(name=RISK_OFFICER).count() == 1


def test_roles_ensure_restores_a_permission_removed_by_hand(db):
    officer_group = Group.objects.get(name=RISK_OFFICER)
    officer_group.permissions.remove(*officer_group.permissions.filter(codename="change_asset"))

    roles_ensure()

    assert officer_group.permissions.filter(codename="change_asset").exists()


def test_support_sees_the_risk_list_and_account_pages(support_client, alice_with_loan):
    assert support_client.get(reverse("admin:accounts_marginaccount_changelist")).status_code == 200
    account = alice_with_loan.margin_account
    assert (
        support_client.get(reverse("admin:accounts_marginaccount_change", args=[account.pk])).status_code
        == 200
    )


def test_support_cannot_change_an_asset(support_client, market):
    btc = market["BTC"]

    response = support_client.post(
        reverse("admin:risk_asset_change", args=[btc.pk]), asset_change_data(btc, daily_interest_rate="0.5")
    )

    assert response.status_code == 403
    btc.refresh_from_db()
    assert btc.daily_interest_rate != 0.5


def test_support_cannot_change_risk_settings(support_client, market):
    response = support_client.post(
        reverse("admin:risk_risksettings_change", args=[1]), risk_settings_data(margin_call_level="1.08")
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "admin:accounts_marginaccount_sweep"),
        ("get", "admin:accounts_interestaccrual_accrue"),
        ("get", "admin:accounts_ledgertransaction_deposit"),
        ("get", "admin:risk_assetprice_record"),
    ],
)
def test_support_cannot_run_operations(support_client, market, method, url):
    response = getattr(support_client, method)(reverse(url))

    assert response.status_code == 403


def test_support_sees_no_operation_buttons(support_client, alice_with_loan):
    page = support_client.get(reverse("admin:accounts_marginaccount_changelist")).content.decode()

    assert "Sweep all accounts now" not in page
    assert "sweep_selected" not in page


def test_customer_never_reaches_admin(client, customer):
    client.force_login(customer)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_customer_cannot_log_in_to_admin(client, customer):
    response = client.post(
        reverse("admin:login"), {"username": "alice", "password": "pw-Secret-123", "next": "/admin/"}
    )

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account." in response.content.decode()
