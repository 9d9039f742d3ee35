"""Each /sapi/v1/ endpoint: Binance's fields and types, our semantics, Binance's codes for bad input."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.binance import weights
from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit, loan_borrow, loan_repay, transfer
from risk.models import Asset, AssetPrice
from risk.services.configuration import asset_update
from tests.binance.conftest import Signed, key_for
from tests.helpers import balance, enable_mode, fund_margin, ledger_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    return customer


@pytest.fixture
def bot(borrower) -> Signed:
    return Signed(key_for(borrower))


def code_of(response) -> int:
    assert response.status_code >= 400, response.content
    return response.json()["code"]


# --- account ---------------------------------------------------------------------------------
def test_an_account_without_debt_has_binances_no_debt_level(bot):
    account = bot.get("/sapi/v1/margin/account").json()
    assert (account["marginLevel"], account["collateralMarginLevel"]) == ("999", "999")
    assert account["totalLiabilityOfBtc"] == "0"
    assert account["totalAssetOfBtc"] == "1.08333333"  # (60 000 + 5 000) / 60 000, rounded down


def test_the_account_reports_market_and_collateral_levels_and_btc_totals(bot, borrower):
    loan_borrow(user=borrower, asset="USDT", amount="20000")
    account = bot.get("/sapi/v1/margin/account").json()
    market_value = D("60000") + D("5000") + D("20000")
    assert D(account["marginLevel"]) == (market_value / D("20002")).quantize(
        D("1E-8"), rounding="ROUND_FLOOR"
    )
    assert D(account["collateralMarginLevel"]) == (D("76500") / D("20002")).quantize(
        D("1E-8"), rounding="ROUND_FLOOR"
    )
    assert D(account["totalLiabilityOfBtc"]) == (D("20002") / D("60000")).quantize(
        D("1E-8"), rounding="ROUND_CEILING"
    )
    assert all(isinstance(account[f], bool) for f in ("created", "borrowEnabled", "tradeEnabled"))
    assert account["tradeEnabled"] is False and account["accountType"] == "MARGIN_1"
    assert all(isinstance(v, str) for a in account["userAssets"] for k, v in a.items())


# --- limits ----------------------------------------------------------------------------------
def test_max_borrowable_reports_the_assets_cap_as_borrow_limit(bot):
    Asset.objects.filter(symbol="BTC").update(borrow_limit=D("0.5"))
    limit = bot.get("/sapi/v1/margin/maxBorrowable", {"asset": "BTC"}).json()
    assert limit == {"amount": "0.5", "borrowLimit": "0.5"}


def test_max_borrowable_of_an_asset_that_cannot_be_borrowed_is_zero(bot):
    assert bot.get("/sapi/v1/margin/maxBorrowable", {"asset": "ADA"}).json()["amount"] == "0"


def test_an_unknown_asset_is_not_a_valid_margin_asset(bot):
    assert code_of(bot.get("/sapi/v1/margin/maxBorrowable", {"asset": "NOPE"})) == -3027


# --- money: Binance's codes for our refusals --------------------------------------------------
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"asset": "USDT", "amount": "1.123456789", "type": "BORROW"}, -1111),
        ({"asset": "USDT", "amount": "1e3", "type": "BORROW"}, -1100),
        ({"asset": "USDT", "amount": "-1", "type": "BORROW"}, -1100),
        ({"asset": "USDT", "amount": "0", "type": "BORROW"}, -1130),
        ({"asset": "USDT", "type": "BORROW"}, -1102),
        ({"asset": "USDT", "amount": "1", "type": "LEND"}, -1102),
        (
            {"asset": "USDT", "amount": "1", "type": "BORROW", "isIsolated": "TRUE", "symbol": "BTCUSDT"},
            -1020,
        ),
        ({"asset": "ADA", "amount": "1", "type": "BORROW"}, -3012),
        ({"asset": "USDT", "amount": "1", "type": "REPAY"}, -3015),
        ({"asset": "NOPE", "amount": "1", "type": "BORROW"}, -3027),
    ],
)
def test_a_refused_borrow_or_repay_has_binances_code_and_moves_nothing(bot, params, code):
    before = ledger_state()
    assert code_of(bot.post("/sapi/v1/margin/borrow-repay", params)) == code
    assert ledger_state() == before


def test_a_borrow_with_multi_asset_mode_off_is_not_allowed(customer):
    fund_margin(customer, BTC="1")
    response = Signed(key_for(customer)).post(
        "/sapi/v1/margin/borrow-repay", {"asset": "USDT", "amount": "1", "type": "BORROW"}
    )
    assert code_of(response) == -3008


def test_a_repay_beyond_the_margin_balance_is_balance_not_enough(bot, borrower):
    loan_borrow(user=borrower, asset="USDT", amount="100")
    transfer(user=borrower, asset="USDT", amount="100", direction="to_spot")
    assert (
        code_of(bot.post("/sapi/v1/margin/borrow-repay", {"asset": "USDT", "amount": "50", "type": "REPAY"}))
        == -3041
    )


def test_transfers_in_and_out_and_their_refusals(bot, borrower):
    deposit_credit(user=borrower, asset="USDT", amount="100", reference="usdt-1")
    tran = bot.post(
        "/sapi/v1/asset/transfer", {"type": "MAIN_MARGIN", "asset": "USDT", "amount": "100"}
    ).json()
    assert set(tran) == {"tranId"}
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("100")
    deposit_credit(user=borrower, asset="USDC", amount="5", reference="usdc-1")
    assert (
        code_of(bot.post("/sapi/v1/asset/transfer", {"type": "MAIN_MARGIN", "asset": "USDC", "amount": "5"}))
        == -3009
    )
    assert (
        code_of(bot.post("/sapi/v1/asset/transfer", {"type": "MAIN_MARGIN", "asset": "USDT", "amount": "5"}))
        == -3041
    )
    assert (
        code_of(
            bot.post("/sapi/v1/asset/transfer", {"type": "MAIN_UMFUTURE", "asset": "USDT", "amount": "5"})
        )
        == -1020
    )
    assert (
        code_of(bot.post("/sapi/v1/asset/transfer", {"type": "MAIN MARGIN", "asset": "USDT", "amount": "5"}))
        == -1102
    )


def test_a_transfer_out_beyond_the_ratio_exceeds_the_max(bot, borrower):
    loan_borrow(user=borrower, asset="USDT", amount="20000")
    transfer(user=borrower, asset="USDT", amount="20000", direction="to_spot")
    response = bot.post("/sapi/v1/asset/transfer", {"type": "MARGIN_MAIN", "asset": "BTC", "amount": "1"})
    assert code_of(response) == -3020


# --- history ---------------------------------------------------------------------------------
def test_borrow_and_repay_records_split_interest_and_principal(bot, borrower):
    borrowed = loan_borrow(user=borrower, asset="USDT", amount="1000")
    repaid = loan_repay(user=borrower, asset="USDT", amount="600")
    borrow_rows = bot.get("/sapi/v1/margin/borrow-repay", {"type": "BORROW"}).json()
    repay_rows = bot.get("/sapi/v1/margin/borrow-repay", {"type": "REPAY", "asset": "USDT"}).json()
    assert borrow_rows["rows"][0]["txId"] == borrowed.transaction.pk
    assert (borrow_rows["rows"][0]["principal"], borrow_rows["rows"][0]["interest"]) == ("1000", "0")
    row = repay_rows["rows"][0]
    assert (row["txId"], row["amount"], row["interest"], row["principal"]) == (
        repaid.transaction.pk,
        "600",
        "0.1",
        "599.9",
    )
    assert row["status"] == "CONFIRMED" and isinstance(row["timestamp"], int)


def test_history_outside_the_window_is_not_returned(bot, borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10")
    week_ago = int((timezone.now() - timedelta(days=8)).timestamp() * 1000)
    old = bot.get("/sapi/v1/margin/borrow-repay", {"type": "BORROW", "endTime": week_ago}).json()
    assert old == {"rows": [], "total": 0}
    assert code_of(bot.get("/sapi/v1/margin/transfer", {"startTime": 2, "endTime": 1})) == -1128


def test_pages_of_transfers_follow_current_and_size(bot, borrower):
    for n in range(3):
        transfer(user=borrower, asset="ADA", amount=str(n + 1), direction="to_spot")
    first = bot.get("/sapi/v1/margin/transfer", {"type": "ROLL_OUT", "size": 2}).json()
    second = bot.get("/sapi/v1/margin/transfer", {"type": "ROLL_OUT", "size": 2, "current": 2}).json()
    assert first["total"] == second["total"] == 3
    assert [r["amount"] for r in first["rows"] + second["rows"]] == ["3", "2", "1"]
    assert {(r["transFrom"], r["transTo"]) for r in first["rows"]} == {("CROSS_MARGIN", "SPOT")}


def test_capital_flow_is_the_margin_wallet_ledger_signed(bot, borrower):
    loan_borrow(user=borrower, asset="USDT", amount="100")
    loan_repay(user=borrower, asset="USDT", amount="50")
    flow = bot.get("/sapi/v1/margin/capital-flow", {"asset": "USDT"}).json()
    assert [(r["type"], r["amount"]) for r in flow] == [("REPAY", "-50"), ("BORROW", "100")]
    later = bot.get("/sapi/v1/margin/capital-flow", {"fromId": flow[1]["id"]}).json()
    assert [r["id"] for r in later] == [flow[0]["id"]]
    assert bot.get("/sapi/v1/margin/capital-flow", {"type": "BUY_INCOME"}).json() == []
    assert [r["type"] for r in bot.get("/sapi/v1/margin/capital-flow", {"type": "TRANSFER"}).json()] == [
        "TRANSFER"
    ] * 2


def test_interest_history_has_the_first_day_at_borrow(bot, borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1000")
    rows = bot.get("/sapi/v1/margin/interestHistory").json()["rows"]
    assert [(r["type"], r["interest"], r["interestRate"], r["principal"]) for r in rows] == [
        ("ON_BORROW", "0.1", "0.0001", "1000")
    ]


# --- terms and market data --------------------------------------------------------------------
def test_rate_history_follows_the_assets_changes(bot):
    asset_update(symbol="USDT", actor=None, daily_interest_rate=D("0.0003"))
    rows = bot.get("/sapi/v1/margin/interestRateHistory", {"asset": "USDT"}).json()
    assert [r["dailyInterestRate"] for r in rows] == ["0.0003", "0.0001"]
    assert rows[0]["timestamp"] > rows[1]["timestamp"] and rows[0]["vipLevel"] == 0


def test_the_next_hourly_rate_is_the_daily_rate_over_24_rounded_up(bot):
    rows = bot.get(
        "/sapi/v1/margin/next-hourly-interest-rate", {"assets": "USDT,BTC", "isIsolated": "FALSE"}
    ).json()
    assert rows == [
        {"asset": "USDT", "nextHourlyInterestRate": "0.000004166667"},
        {"asset": "BTC", "nextHourlyInterestRate": "0.000008333334"},
    ]
    assert (
        code_of(
            bot.get("/sapi/v1/margin/next-hourly-interest-rate", {"assets": "USDT", "isIsolated": "TRUE"})
        )
        == -1020
    )


def test_cross_margin_data_gives_daily_and_yearly_rates(bot):
    [usdt] = bot.get("/sapi/v1/margin/crossMarginData", {"coin": "USDT"}).json()
    assert usdt == {
        "vipLevel": 0,
        "coin": "USDT",
        "transferIn": True,
        "borrowable": True,
        "dailyInterest": "0.0001",
        "yearlyInterest": "0.0365",
        "marginablePairs": [],
    }


def test_price_index_is_the_oracle_price(bot):
    index = bot.get("/sapi/v1/margin/priceIndex", {"symbol": "BTCUSDT"}).json()
    observed = AssetPrice.objects.get(asset__symbol="BTC").observed_at
    assert index == {"calcTime": int(observed.timestamp() * 1000), "price": "60000", "symbol": "BTCUSDT"}
    assert code_of(bot.get("/sapi/v1/margin/priceIndex", {"symbol": "BTCEUR"})) == -1121
    Asset.objects.create(symbol="NEW", name="New", precision=8)
    assert code_of(bot.get("/sapi/v1/margin/priceIndex", {"symbol": "NEWUSDT"})) == -3042


def test_market_data_needs_a_valid_key_but_no_signature(bot):
    assert Client().get("/sapi/v1/margin/allAssets", HTTP_X_MBX_APIKEY=bot.key).status_code == 200
    assert code_of(Client().get("/sapi/v1/margin/allAssets")) == -2014
    assert code_of(Client().get("/sapi/v1/margin/allAssets", HTTP_X_MBX_APIKEY="A" * 64)) == -2015


def test_server_time_needs_nothing(db):
    body = Client().get("/api/v3/time").json()
    assert abs(body["serverTime"] - int(timezone.now().timestamp() * 1000)) < 60_000


# --- what this desk does not do ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "status", "words"),
    [
        ("get", "/sapi/v1/margin/isolated/account", 400, "Isolated margin"),
        ("post", "/sapi/v1/margin/order", 400, "Orders and trades"),
        ("get", "/sapi/v1/margin/myTrades", 400, "Orders and trades"),
        ("get", "/sapi/v1/margin/allPairs", 400, "Orders and trades"),
        ("post", "/sapi/v1/margin/transfer", 400, "not supported"),
        ("delete", "/sapi/v1/margin/account", 405, "not supported"),
        ("get", "/sapi/v1/nothing/here", 404, "No such endpoint"),
    ],
)
def test_what_the_desk_does_not_do_is_said_plainly_in_binances_shape(db, method, path, status, words):
    response = getattr(Client(), method)(path)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == -1020 and words in body["msg"]


# --- request weight ----------------------------------------------------------------------------
@pytest.fixture
def one_minute(monkeypatch):
    """Every call inside the same minute of the weight counter (a call never straddles two)."""
    monkeypatch.setattr(weights, "time", SimpleNamespace(time=lambda: 1_800_000_010.0))


def test_weight_is_counted_per_endpoint_and_reported(bot, one_minute):
    first = bot.get("/sapi/v1/margin/account")
    second = bot.get("/sapi/v1/margin/maxBorrowable", {"asset": "USDT"})
    assert int(first["X-MBX-USED-WEIGHT-1M"]) == 10
    assert int(second["X-SAPI-USED-IP-WEIGHT-1M"]) == 60


def test_past_the_weight_limit_a_call_is_refused_with_retry_after(settings, bot, borrower, one_minute):
    settings.BINANCE_UID_WEIGHT_LIMIT = 2000
    borrow = {"asset": "USDT", "amount": "1", "type": "BORROW"}
    assert bot.post("/sapi/v1/margin/borrow-repay", borrow).status_code == 200
    before = ledger_state()
    refused = bot.post("/sapi/v1/margin/borrow-repay", borrow)
    assert refused.status_code == 429 and refused.json()["code"] == -1003
    assert refused["Retry-After"] == "50"  # seconds to the next minute
    assert int(refused["X-SAPI-USED-UID-WEIGHT-1M"]) == 3000
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/sapi/v1/margin/borrow-repay", {"type": "BORROW"}),
        ("/sapi/v1/margin/borrow-repay", {"type": "REPAY"}),
        ("/sapi/v1/margin/transfer", {}),
        ("/sapi/v1/margin/interestHistory", {}),
        ("/sapi/v1/margin/capital-flow", {}),
        ("/sapi/v1/margin/account", {}),
    ],
)
def test_history_pages_cost_the_same_queries_for_more_rows(
    bot, borrower, django_assert_max_num_queries, path, params
):
    def activity():
        loan_borrow(user=borrower, asset="USDT", amount="10")
        loan_repay(user=borrower, asset="USDT", amount="5")
        transfer(user=borrower, asset="USDT", amount="1", direction="to_spot")

    activity()
    bot.get(path, params)  # warm: the key's "last used" is written once a minute at most
    with CaptureQueriesContext(connection) as few:
        assert bot.get(path, params).status_code == 200
    for _ in range(4):
        activity()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert bot.get(path, params).status_code == 200
