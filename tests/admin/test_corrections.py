"""A mistake in the ledger is put right by a new posted transaction with its reason, never by an edit."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import LedgerTransaction
from accounts.models.ledger import AccountKind
from accounts.services.corrections import CorrectionLeg, ledger_correction
from margin_project.errors import InvalidCorrection
from risk.roles import CORRECT_LEDGER
from tests.helpers import assert_ledger_balanced, balance, fund_margin, ledger_state

pytestmark = pytest.mark.django_db

URL = "admin:accounts_ledgertransaction_correct"
REASON = "Deposit btc-tx-9 was credited twice by the watcher"


@pytest.fixture
def funded(customer):
    fund_margin(customer, BTC="1")
    return customer


def correction(**fields) -> dict[str, str]:
    return {
        "customer": "alice",
        "asset": "BTC",
        "customer_account": "margin",
        "house_account": "external",
        "amount": "-0.25",
        "reason": REASON,
        **fields,
    }


def test_correction_posts_a_balanced_transaction_with_its_reason(superuser_client, funded):
    response = superuser_client.post(reverse(URL), correction())

    txn = LedgerTransaction.objects.get(kind="correction")
    assert response["Location"] == reverse("admin:accounts_ledgertransaction_change", args=[txn.pk])
    assert txn.memo == f"Correction: {REASON}"
    assert txn.created_by.username == "root"
    assert balance(funded, AccountKind.MARGIN, "BTC") == D("0.75")
    assert_ledger_balanced()


def test_correction_refreshes_the_cached_collateral_value(superuser_client, funded):
    superuser_client.post(reverse(URL), correction())

    funded.margin_account.refresh_from_db()
    assert funded.margin_account.collateral_value == D("0.75") * 60000 * D("0.9")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": "oops"}, "Give the reason for the correction (at least 10 characters)."),
        ({"amount": "-2"}, "Not enough BTC in the margin wallet: 1 available."),
        ({"amount": "0"}, "The amount must be greater than zero."),
        ({"amount": "0.000000001"}, "BTC amounts have at most 8 decimal places."),
        ({"customer_account": "loan_principal", "amount": "5"}, "That would repay more BTC than is owed."),
    ],
)
def test_bad_correction_is_refused_and_moves_nothing(superuser_client, funded, fields, message):
    before = ledger_state()

    response = superuser_client.post(reverse(URL), correction(**fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ledger_state() == before


def test_risk_officer_cannot_post_corrections(officer_client, officer, funded):
    assert not officer.has_perm(CORRECT_LEDGER)
    assert officer_client.post(reverse(URL), correction()).status_code == 403
    assert not LedgerTransaction.objects.filter(kind="correction").exists()


def test_correction_between_two_customers_is_refused(make_user, funded):
    staff = make_user("root", is_staff=True)
    other = make_user("bob")

    with pytest.raises(InvalidCorrection, match="A correction concerns one customer at a time."):
        ledger_correction(
            legs=[
                CorrectionLeg(funded, AccountKind.MARGIN, "BTC", "-0.1"),
                CorrectionLeg(other, AccountKind.SPOT, "BTC", "0.1"),
            ],
            reason=REASON,
            staff_user=staff,
        )
