"""Margin calls, partial liquidations, stale prices: the sweep acting on one account."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import LedgerAccount, Notification
from accounts.selectors import account_summary
from accounts.services.sweep import account_sweep
from risk.models import AssetPrice, Liquidation, MarginCall, RatioSnapshot, StaffAlert, StatusChange
from risk.services import price_record
from tests.helpers import assert_ledger_balanced
from tests.workers.scenarios import (
    CRASH_PRICE,
    LIQUIDATION_PRICE,
    MARGIN_CALL_PRICE,
    engine_plan,
    leveraged_btc_holder,
)


@pytest.fixture
def account(customer):
    return leveraged_btc_holder(customer)


def sweep(account, capture):
    with capture(execute=True):
        return account_sweep(margin_account_id=account.pk)


@pytest.mark.django_db
def test_healthy_account_gets_no_margin_call(account, django_capture_on_commit_callbacks):
    outcome = sweep(account, django_capture_on_commit_callbacks)
    assert outcome.status == "healthy"
    assert not MarginCall.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_margin_call_opens_once_per_episode_with_one_email_and_one_alert(
    account, django_capture_on_commit_callbacks
):
    price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="test")
    first = sweep(account, django_capture_on_commit_callbacks)
    second = sweep(account, django_capture_on_commit_callbacks)

    assert (first.status, first.margin_call_opened, second.margin_call_opened) == ("margin_call", True, False)
    call = MarginCall.objects.get()
    assert call.is_open and call.ratio_at_open == D("43200") / D("40004") // D("1e-8") * D("1e-8")
    assert Notification.objects.filter(user=account.user, kind="margin_call").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [account.user.email]
    assert "Margin call: your margin ratio is 107.99%" in mail.outbox[0].subject


@pytest.mark.django_db
def test_margin_call_closes_when_the_ratio_recovers_and_a_new_episode_opens_a_new_one(
    account, django_capture_on_commit_callbacks
):
    price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="test")
    sweep(account, django_capture_on_commit_callbacks)
    price_record(asset="BTC", price="60000", source="test")
    recovered = sweep(account, django_capture_on_commit_callbacks)
    price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="test")
    sweep(account, django_capture_on_commit_callbacks)

    assert recovered.margin_call_closed
    closed, reopened = MarginCall.objects.order_by("id")
    assert (closed.is_open, closed.close_reason, reopened.is_open) == (False, "ratio recovered", True)
    assert len(mail.outbox) == 2
    assert list(StatusChange.objects.order_by("id").values_list("from_status", "to_status")) == [
        ("healthy", "margin_call"),
        ("margin_call", "healthy"),
        ("healthy", "margin_call"),
    ]


@pytest.mark.django_db
def test_liquidation_sells_exactly_the_engine_plan_and_restores_the_target(
    account, django_capture_on_commit_callbacks
):
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")
    planned = engine_plan(account)
    outcome = sweep(account, django_capture_on_commit_callbacks)

    liquidation = Liquidation.objects.get(pk=outcome.liquidation_id)
    sale = liquidation.lines.get(kind="sale")
    (planned_sale,) = planned.sales
    assert (sale.asset.symbol, sale.quantity, sale.price, sale.fee_quantity) == (
        "BTC",
        planned_sale.quantity,
        LIQUIDATION_PRICE,
        planned_sale.fee_quantity,
    )
    repaid = liquidation.lines.get(kind="repayment")
    (planned_repayment,) = planned.repayments
    assert (repaid.interest, repaid.principal) == (planned_repayment.interest, planned_repayment.principal)
    assert liquidation.ratio_before < D("1.05") and liquidation.ratio_after >= D("1.10")
    summary = account_summary(margin_account=account)
    assert summary.valuation.margin_ratio == planned.ratio_after >= D("1.10")
    assert summary.status == "healthy"
    assert MarginCall.objects.get().close_reason == "liquidated"
    assert_ledger_balanced()


@pytest.mark.django_db
def test_liquidation_fee_goes_to_the_insurance_fund_and_the_customer_is_told(
    account, django_capture_on_commit_callbacks
):
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")
    outcome = sweep(account, django_capture_on_commit_callbacks)
    sale = Liquidation.objects.get(pk=outcome.liquidation_id).lines.get(kind="sale")
    fund = LedgerAccount.objects.get(owner=None, kind="insurance_fund", asset__symbol="BTC")
    assert (
        fund.balance == sale.fee_quantity == (sale.quantity * D("0.02")).quantize(D("1e-8"), "ROUND_CEILING")
    )
    kinds = sorted(Notification.objects.filter(user=account.user).values_list("kind", flat=True))
    assert kinds == ["liquidation", "margin_call"]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_collateral_running_out_leaves_bad_debt_covered_by_the_insurance_fund(
    account, django_capture_on_commit_callbacks
):
    price_record(asset="BTC", price=CRASH_PRICE, source="test")
    outcome = sweep(account, django_capture_on_commit_callbacks)
    liquidation = Liquidation.objects.get(pk=outcome.liquidation_id)
    # 1 BTC sold at 30 000: 0.98 BTC (29 400 USDT) repays 4 interest + 29 396 principal;
    # 10 604 USDT of principal is left with no collateral: bad debt.
    bad = liquidation.lines.get(kind="bad_debt")
    assert (bad.asset.symbol, bad.interest, bad.principal) == ("USDT", D("0"), D("10604"))
    assert liquidation.bad_debt_value == D("10604")
    assert LedgerAccount.objects.get(owner=None, kind="insurance_fund", asset__symbol="USDT").balance == D(
        "-10604"
    )
    summary = account_summary(margin_account=account)
    assert summary.valuation.liability == 0 and summary.valuation.collateral_value == 0
    assert_ledger_balanced()


@pytest.mark.django_db
def test_no_liquidation_on_a_stale_price_and_the_risk_desk_is_alerted(
    account, django_capture_on_commit_callbacks, settings
):
    AssetPrice.objects.filter(asset__symbol="BTC").update(
        price=LIQUIDATION_PRICE, observed_at=timezone.now() - timedelta(hours=1)
    )
    outcome = sweep(account, django_capture_on_commit_callbacks)
    sweep(account, django_capture_on_commit_callbacks)

    assert outcome.status == "liquidation" and outcome.stale_symbols == ("BTC",)
    assert not Liquidation.objects.exists()
    alert = StaffAlert.objects.get()
    assert (alert.kind, alert.asset.symbol, alert.resolved_at) == ("stale_price", "BTC", None)
    risk_mail = [m for m in mail.outbox if m.to == [settings.RISK_DESK_EMAIL]]
    assert len(risk_mail) == 1 and "Stale price" in risk_mail[0].subject
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")  # the feed is back
    alert.refresh_from_db()
    assert alert.resolved_at is not None


@pytest.mark.django_db
def test_a_price_drop_sweeps_the_exposed_accounts_at_once(account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="test")
    assert MarginCall.objects.filter(margin_account=account, closed_at=None).exists()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_each_assessment_leaves_a_snapshot_for_the_ratio_chart(account, django_capture_on_commit_callbacks):
    sweep(account, django_capture_on_commit_callbacks)
    price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="test")
    sweep(account, django_capture_on_commit_callbacks)
    ratios = list(RatioSnapshot.objects.order_by("taken_at").values_list("status", flat=True))
    assert ratios == ["healthy", "margin_call"]
