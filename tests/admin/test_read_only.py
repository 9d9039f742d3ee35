"""No one edits money by hand: the money admins show records and refuse every edit."""

import pytest
from django.urls import reverse

from accounts.models import LedgerAccount, LedgerTransaction, Loan
from risk.models import AssetPrice
from tests.helpers import ledger_state, staff_sign_in

from .posts import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, make_user):
    staff_sign_in(client, make_user("root", is_staff=True, is_superuser=True))
    return client


def test_loan_change_is_refused_even_for_a_superuser(admin_client_, alice_with_loan):
    loan = Loan.objects.get()
    before = ledger_state()

    response = admin_client_.post(
        reverse("admin:accounts_loan_change", args=[loan.pk]), {"asset": loan.asset_id, "principal": "0"}
    )

    assert response.status_code == 403
    assert ledger_state() == before


def test_loan_page_shows_principal_and_interest_read_only(admin_client_, alice_with_loan):
    loan = Loan.objects.get()

    response = admin_client_.get(reverse("admin:accounts_loan_change", args=[loan.pk]))

    page = visible_text(response)
    assert "Principal: 40,000" in page
    assert "Accrued interest: 4" in page
    assert 'name="_save"' not in response.content.decode()


@pytest.mark.parametrize(
    "model",
    ["accounts_loan", "accounts_ledgertransaction", "accounts_ledgeraccount", "accounts_interestaccrual"],
)
def test_money_records_cannot_be_added(admin_client_, alice_with_loan, model):
    assert admin_client_.get(reverse(f"admin:{model}_add")).status_code == 403


def test_ledger_transaction_cannot_be_deleted(admin_client_, alice_with_loan):
    txn = LedgerTransaction.objects.order_by("id").first()
    before = ledger_state()

    response = admin_client_.post(
        reverse("admin:accounts_ledgertransaction_delete", args=[txn.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert ledger_state() == before


def test_ledger_balance_cannot_be_edited(admin_client_, alice_with_loan):
    account = LedgerAccount.objects.filter(owner__username="alice", kind="margin", asset__symbol="BTC").get()

    response = admin_client_.post(
        reverse("admin:accounts_ledgeraccount_change", args=[account.pk]), {"balance": "100"}
    )

    assert response.status_code == 403
    account.refresh_from_db()
    assert account.balance == 1


def test_price_cannot_be_edited_only_recorded(admin_client_, market):
    price = AssetPrice.objects.get(asset__symbol="BTC")

    response = admin_client_.post(reverse("admin:risk_assetprice_change", args=[price.pk]), {"price": "1"})

    assert response.status_code == 403
    price.refresh_from_db()
    assert price.price == 60000


def test_read_only_lists_offer_no_delete_action(admin_client_, alice_with_loan):
    page = admin_client_.get(reverse("admin:accounts_ledgertransaction_changelist")).content.decode()

    assert "delete_selected" not in page
