"""Manual operations from the admin queue their jobs (run eagerly here) and report back."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import InterestAccrual, LedgerTransaction, MarginAccount
from accounts.models.ledger import AccountKind
from risk.models import AssetPrice, MarginCall, RatioSnapshot
from risk.services import price_record
from tests.helpers import balance, ledger_state

from .conftest import borrower

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    """The messages shown after a request, as text (links dropped)."""
    return [strip_tags(str(message)) for message in get_messages(response.wsgi_request)]


def test_sweep_selected_accounts_assesses_them(
    officer_client, alice_with_loan, eager_celery, django_capture_on_commit_callbacks
):
    account = MarginAccount.objects.get(user=alice_with_loan)
    RatioSnapshot.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:accounts_marginaccount_changelist"),
            {"action": "sweep_selected", "_selected_action": [account.pk], "index": "0"},
            follow=True,
        )

    assert "Sweep queued for 1 account(s) (1 task(s))." in messages_of(response)
    snapshot = RatioSnapshot.objects.get(margin_account=account)
    assert snapshot.margin_ratio == (D("54000") / D("40004")).quantize(D("1e-8"), rounding="ROUND_FLOOR")


def test_sweep_all_opens_the_margin_call_a_price_fall_caused(
    officer_client, make_user, alice_with_loan, eager_celery, django_capture_on_commit_callbacks
):
    borrower(make_user, "bob", collateral={"ETH": "2"}, borrow="4000")
    # BTC falls to 48 000 (its own follow-up sweep never runs: the test transaction never commits).
    price_record(asset="BTC", price="48000", source="test")

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("admin:accounts_marginaccount_sweep"), follow=True)

    assert "Sweep of all accounts queued (1 task(s))." in messages_of(response)
    # 1 BTC x 48 000 x 0.90 = 43 200 against 40 004: 107.98%, below the 110% margin-call level.
    assert list(MarginCall.objects.values_list("margin_account__user__username", flat=True)) == ["alice"]
    assert MarginAccount.objects.get(user=alice_with_loan).status == "margin_call"


def test_sweep_this_account_from_its_page(
    officer_client, alice_with_loan, eager_celery, django_capture_on_commit_callbacks
):
    account = MarginAccount.objects.get(user=alice_with_loan)
    RatioSnapshot.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("admin:accounts_marginaccount_sweep"), {"account": account.pk})

    assert response["Location"] == reverse("admin:accounts_marginaccount_change", args=[account.pk])
    assert RatioSnapshot.objects.filter(margin_account=account).count() == 1


def test_sweep_of_an_unknown_account_queues_nothing(
    officer_client, market, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = officer_client.post(
            reverse("admin:accounts_marginaccount_sweep"), {"account": "99999"}, follow=True
        )

    assert "No such margin account; nothing was queued." in messages_of(response)
    assert queued == []


@pytest.mark.parametrize(
    ("url", "button"),
    [
        ("admin:accounts_marginaccount_changelist", "Sweep all accounts now"),
        ("admin:accounts_interestaccrual_changelist", "Accrue interest for a day"),
        ("admin:accounts_ledgertransaction_changelist", "Credit a deposit"),
        ("admin:risk_assetprice_changelist", "Record a price"),
    ],
)
def test_officer_finds_each_operation_above_its_list(officer_client, market, url, button):
    assert button in officer_client.get(reverse(url)).content.decode()


def test_sweep_page_refuses_get(officer_client, market):
    assert officer_client.get(reverse("admin:accounts_marginaccount_sweep")).status_code == 405


@pytest.fixture
def loan_from_yesterday(make_user, market, monkeypatch):
    """Alice borrowed 40 000 USDT yesterday, so today's 00:00 accrual charges her."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - timedelta(days=1))
    user = borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000")
    monkeypatch.setattr(timezone, "now", real_now)
    return user


def test_accrue_interest_for_today_charges_open_loans(
    officer_client, loan_from_yesterday, eager_celery, django_capture_on_commit_callbacks
):
    today = timezone.now().date()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:accounts_interestaccrual_accrue"), {"day": today.isoformat()}, follow=True
        )

    assert f"Interest accrual for {today} queued (1 task(s))." in messages_of(response)
    charge = InterestAccrual.objects.get(day=today, kind="daily")
    assert charge.amount == D("40000") * D("0.0001")  # USDT's daily rate in the test market
    assert balance(loan_from_yesterday, AccountKind.LOAN_INTEREST, "USDT") == -D("8")  # two days now


def test_accrue_interest_refuses_a_day_not_begun(officer_client, alice_with_loan):
    tomorrow = timezone.now().date() + timedelta(days=1)

    response = officer_client.post(
        reverse("admin:accounts_interestaccrual_accrue"), {"day": tomorrow.isoformat()}
    )

    assert response.status_code == 200
    assert (
        f"Interest is charged for a day once it has begun (UTC); {tomorrow} has not."
        in response.content.decode()
    )
    assert not InterestAccrual.objects.filter(kind="daily").exists()


def test_accrue_interest_refuses_a_malformed_day(officer_client, market):
    response = officer_client.post(reverse("admin:accounts_interestaccrual_accrue"), {"day": "yesterday"})

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_credit_deposit_moves_the_amount_to_spot(officer_client, officer, customer):
    response = officer_client.post(
        reverse("admin:accounts_ledgertransaction_deposit"),
        {"customer": "alice", "asset": "BTC", "amount": "0.5", "reference": "btc-tx-1"},
        follow=True,
    )

    assert balance(customer, AccountKind.SPOT, "BTC") == D("0.5")
    txn = LedgerTransaction.objects.get(reference="deposit:btc-tx-1")
    assert txn.created_by == officer
    assert response.redirect_chain[-1][0] == reverse(
        "admin:accounts_marginaccount_change", args=[txn.margin_account_id]
    )
    assert f"Credited 0.5 BTC to alice’s spot wallet (transaction #{txn.pk})." in messages_of(response)


def test_credit_deposit_twice_with_one_reference_moves_nothing_twice(officer_client, customer):
    data = {"customer": "alice", "asset": "BTC", "amount": "0.5", "reference": "btc-tx-1"}
    officer_client.post(reverse("admin:accounts_ledgertransaction_deposit"), data)

    response = officer_client.post(reverse("admin:accounts_ledgertransaction_deposit"), data, follow=True)

    assert balance(customer, AccountKind.SPOT, "BTC") == D("0.5")
    assert any("was already credited" in text for text in messages_of(response))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "-1"}, "The amount must be greater than zero."),
        ({"amount": "0.123456789"}, "BTC amounts have at most 8 decimal places."),
        ({"amount": "lots"}, "&#x27;lots&#x27; is not a decimal number."),
        ({"customer": "nobody"}, "No customer with the username “nobody”."),
        ({"customer": "rita"}, "rita is staff; deposits and corrections concern customers."),
        ({"asset": "XYZ"}, "Select a valid choice. That choice is not one of the available choices."),
        ({"reference": ""}, "This field is required."),
    ],
)
def test_credit_deposit_bad_input_is_a_form_error_and_moves_nothing(
    officer_client, customer, fields, message
):
    before = ledger_state()
    data = {"customer": "alice", "asset": "BTC", "amount": "0.5", "reference": "btc-tx-1", **fields}

    response = officer_client.post(reverse("admin:accounts_ledgertransaction_deposit"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ledger_state() == before


def test_credit_deposit_with_a_used_reference_and_other_details_is_refused(officer_client, customer):
    url = reverse("admin:accounts_ledgertransaction_deposit")
    officer_client.post(url, {"customer": "alice", "asset": "BTC", "amount": "0.5", "reference": "btc-tx-1"})
    before = ledger_state()

    response = officer_client.post(
        url, {"customer": "alice", "asset": "BTC", "amount": "0.7", "reference": "btc-tx-1"}
    )

    assert "This deposit reference was already credited with other details." in response.content.decode()
    assert ledger_state() == before


def test_deposit_form_is_prefilled_from_the_account_page(officer_client, customer):
    response = officer_client.get(reverse("admin:accounts_ledgertransaction_deposit") + "?customer=alice")

    assert 'value="alice"' in response.content.decode()


def test_record_price_stores_it_and_the_sweep_that_follows_opens_a_margin_call(
    officer_client, alice_with_loan, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:risk_assetprice_record"), {"asset": "BTC", "price": "48000"}, follow=True
        )

    price = AssetPrice.objects.get(asset__symbol="BTC")
    assert (price.price, price.source) == (D("48000"), "admin:rita")
    assert "BTC price recorded at 48,000 USDT; a sweep of the accounts holding or owing it is queued." in (
        messages_of(response)
    )
    # 1 BTC x 48 000 x 0.90 = 43 200 against 40 004: 107.98%, below the 110% margin-call level.
    call = MarginCall.objects.get(margin_account__user=alice_with_loan)
    assert call.ratio_at_open == (D("43200") / D("40004")).quantize(D("1e-8"), rounding="ROUND_FLOOR")


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("0", "The price must be greater than zero."),
        ("abc", "&#x27;abc&#x27; is not a decimal number."),
        ("6_0000", "&#x27;6_0000&#x27; is not a decimal number."),
        ("", "This field is required."),
    ],
)
def test_record_price_bad_input_is_a_form_error(officer_client, market, price, message):
    response = officer_client.post(reverse("admin:risk_assetprice_record"), {"asset": "BTC", "price": price})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert AssetPrice.objects.get(asset__symbol="BTC").price == D("60000")


def test_record_price_form_is_prefilled_from_the_asset_page(officer_client, market):
    response = officer_client.get(reverse("admin:risk_assetprice_record") + "?asset=btc")

    assert '<option value="BTC" selected>' in response.content.decode()
