"""The bulk SQL screen never misses an account the exact engine would flag."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import LedgerAccount, MarginAccount
from accounts.selectors import account_positions
from accounts.selectors.screen import chunk_of, screen_candidates
from accounts.services.sweep import sweep_chunk
from risk import engine
from risk.models import Asset, AssetPrice, CollateralTier, JobLease, MarginCall
from risk.selectors import market_snapshot, thresholds_current
from tests.conftest import market_create

# A tiered asset: 100% up to 1 000 USDT of value, 80% to 5 000, 50% to 10 000, nothing above.
TIERS = [(D("1000"), D("1")), (D("5000"), D("0.8")), (D("10000"), D("0.5"))]

balances = st.decimals(min_value=0, max_value=D("20000"), places=2)
debts = st.decimals(min_value=0, max_value=D("20000"), places=2)


def _set(user, kind, symbol, amount):
    if amount:
        LedgerAccount.objects.create(
            owner=user, kind=kind, asset=Asset.objects.get(symbol=symbol), balance=amount
        )


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    accounts=st.lists(
        st.tuples(balances, balances, balances, debts, debts, st.sampled_from(["healthy", "margin_call"])),
        min_size=1,
        max_size=5,
    ),
    tier_price=st.decimals(min_value=D("0.1"), max_value=D("3"), places=4),
    eth_price=st.decimals(min_value=D("100"), max_value=D("5000"), places=2),
)
def test_screen_picks_every_account_whose_status_the_engine_would_change(accounts, tier_price, eth_price):
    with transaction.atomic():
        market_create()
        tiered = Asset.objects.create(symbol="TIER", name="Tiered", precision=2, is_borrowable=True)
        for up_to, factor in TIERS:
            CollateralTier.objects.create(asset=tiered, up_to=up_to, factor=factor)
        AssetPrice.objects.create(asset=tiered, price=tier_price, source="t", observed_at=timezone.now())
        AssetPrice.objects.filter(asset__symbol="ETH").update(price=eth_price)
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"s{i}") for i in range(len(accounts))]
        )
        for user, (tier, eth, usdt, owe_usdt, owe_tier, recorded) in zip(users, accounts, strict=True):
            _set(user, "margin", "TIER", tier)
            _set(user, "margin", "ETH", eth / 1000)
            _set(user, "margin", "USDT", usdt)
            _set(user, "loan_principal", "USDT", -owe_usdt)
            _set(user, "loan_interest", "TIER", -owe_tier)
            account = MarginAccount.objects.create(user=user, status=recorded, assessed_at=timezone.now())
            if recorded == "margin_call":
                MarginCall.objects.create(
                    margin_account=account, opened_at=timezone.now(), ratio_at_open=1, lowest_ratio=1
                )

        candidates = set(screen_candidates(lo=1, hi=10**9))
        thresholds = thresholds_current()
        market = market_snapshot()
        for account in MarginAccount.objects.all():
            positions = account_positions(account)
            status = engine.status(engine.value(positions, market.terms), thresholds)
            if status != account.status:
                assert account.pk in candidates, (positions, account.status, status)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_accounts_not_assessed_for_a_while_are_always_candidates(customer):
    from tests.workers.scenarios import leveraged_btc_holder

    account = leveraged_btc_holder(customer)
    MarginAccount.objects.filter(pk=account.pk).update(assessed_at=timezone.now())
    assert screen_candidates(lo=1, hi=10**9) == []  # healthy, just assessed
    MarginAccount.objects.filter(pk=account.pk).update(assessed_at=timezone.now() - timedelta(hours=1))
    assert screen_candidates(lo=1, hi=10**9) == [account.pk]


@pytest.mark.django_db
def test_two_sweeps_of_the_same_chunk_never_run_at_once(customer):
    from tests.workers.scenarios import leveraged_btc_holder

    account = leveraged_btc_holder(customer)
    MarginAccount.objects.filter(pk=account.pk).update(assessed_at=timezone.now() - timedelta(hours=1))
    lo, hi = chunk_of(account.pk)
    JobLease.objects.create(
        name=f"sweep:{lo}-{hi}", holder="other-worker", expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert sweep_chunk(lo=lo, hi=hi).busy is True
    JobLease.objects.filter(name=f"sweep:{lo}-{hi}").update(expires_at=timezone.now() - timedelta(seconds=1))
    result = sweep_chunk(lo=lo, hi=hi)  # a dead worker's lease expires by itself
    assert result.busy is False and result.candidates == 1


@pytest.mark.django_db
def test_an_account_staying_in_margin_call_is_left_alone_until_it_moves(customer):
    from accounts.services.sweep import account_sweep
    from risk.services import price_record
    from tests.workers.scenarios import LIQUIDATION_PRICE, MARGIN_CALL_PRICE, leveraged_btc_holder

    account = leveraged_btc_holder(customer)
    price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="test")
    account_sweep(margin_account_id=account.pk)
    assert screen_candidates(lo=1, hi=10**9) == []  # still 108%: nothing to decide
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")
    assert screen_candidates(lo=1, hi=10**9) == [account.pk]  # 103.5%: the engine must look
    price_record(asset="BTC", price="60000", source="test")
    assert screen_candidates(lo=1, hi=10**9) == [account.pk]  # recovered: the call must close


@pytest.mark.django_db
def test_an_account_left_at_the_target_by_a_liquidation_waits_until_something_moves(customer):
    from accounts.services.sweep import account_sweep
    from risk.models import RiskSettings
    from risk.services import price_record
    from tests.workers.scenarios import LIQUIDATION_PRICE, leveraged_btc_holder

    account = leveraged_btc_holder(customer)
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")
    assert account_sweep(margin_account_id=account.pk).liquidation_id is not None
    assert screen_candidates(lo=1, hi=10**9) == []  # just above 110%, nothing moved since
    risk = RiskSettings.load()
    risk.margin_call_level = risk.target_level = D("1.12")
    risk.save()
    assert screen_candidates(lo=1, hi=10**9) == [account.pk]  # the levels moved: look again
