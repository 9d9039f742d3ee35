"""Binance's official SDK (binance-sdk-margin-trading) against a live desk: the figures equal /api/v1/'s."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from binance_common.utils import send_request
from binance_sdk_margin_trading.rest_api.models import (
    CrossMarginCollateralRatioResponseInner,
    GetAllMarginAssetsResponseInner,
    GetCrossMarginTransferHistoryResponse,
    GetForceLiquidationRecordResponse,
    GetInterestHistoryResponse,
    MarginAccountBorrowRepayResponse,
    QueryBorrowRepayRecordsInMarginAccountResponse,
    QueryCrossMarginAccountDetailsResponse,
    QueryMaxBorrowResponse,
    QueryMaxTransferOutAmountResponse,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit
from risk.models import Liquidation
from risk.services import price_record
from tests.api.conftest import client_for
from tests.binance.conftest import key_for, sdk_client
from tests.helpers import balance, enable_mode, fund_margin
from tests.workers.scenarios import LIQUIDATION_PRICE, leveraged_btc_holder

pytestmark = pytest.mark.django_db(transaction=True)


def transfer_via_sdk(api, kind: str, asset: str, amount: str) -> int:
    """POST /sapi/v1/asset/transfer through the SDK's own request signer.

    The margin SDK has no wrapper for the wallet's universal transfer, and its generic
    ``send_signed_request`` fails in 8.9.0 (``send_request[T]`` on a function), so this calls
    the function every generated SDK method calls.
    """
    response = send_request(
        api._session,
        api.configuration,
        method="POST",
        path="/sapi/v1/asset/transfer",
        payload={"type": kind, "asset": asset, "amount": amount},
        is_signed=True,
        signer=api._signer,
    )
    assert response.status == 200
    return response.data()["tranId"]


def v1(user, path: str) -> dict:
    response = client_for(user).get(f"/api/v1/{path}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_bot_on_the_official_sdk_borrows_moves_and_repays_with_the_desks_figures(
    live_server, customer, sdk_warnings
):
    deposit_credit(user=customer, asset="BTC", amount="1", reference="btc-in")
    deposit_credit(user=customer, asset="ADA", amount="10000", reference="ada-in")
    enable_mode(customer)  # 2FA on: the key below is made with a TOTP code
    issued = key_for(customer)
    api = sdk_client(live_server.url, issued)

    # Transfer in: spot -> margin.
    transfer_via_sdk(api, "MAIN_MARGIN", "BTC", "1")
    transfer_via_sdk(api, "MAIN_MARGIN", "ADA", "10000")
    assert balance(customer, AccountKind.MARGIN, "BTC") == D("1")

    # Max borrowable, as /api/v1/ says it to the unit.
    most = api.query_max_borrow(asset="USDT").data()
    assert isinstance(most, QueryMaxBorrowResponse)
    assert D(most.amount) == D(v1(customer, "account/max-borrowable/?asset=USDT")["amount"])

    # Borrow: DESIGN's worked example, 20 000 USDT against 1 BTC + 10 000 ADA.
    borrowed = api.margin_account_borrow_repay(
        asset="USDT", is_isolated="FALSE", amount="20000", type="BORROW"
    )
    assert isinstance(borrowed.data(), MarginAccountBorrowRepayResponse)
    borrow_tx = borrowed.data().tran_id
    assert balance(customer, AccountKind.MARGIN, "USDT") == D("20000")

    account = api.query_cross_margin_account_details().data()
    assert isinstance(account, QueryCrossMarginAccountDetailsResponse)
    summary = v1(customer, "account/")
    assert D(account.total_collateral_value_in_usdt) == D(summary["collateral_value"]) == D("76500")
    assert D(account.collateral_margin_level) == D(summary["margin_ratio"])
    assert account.borrow_enabled is True
    usdt = next(a for a in account.user_assets if a.asset == "USDT")
    loan = next(line for line in summary["loans"] if line["asset"] == "USDT")
    assert (D(usdt.free), D(usdt.borrowed), D(usdt.interest)) == (
        D("20000"),
        D(loan["principal"]),
        D(loan["interest"]),
    )
    assert D(usdt.net_asset) == D("20000") - D("20000") - D("2")

    records = api.query_borrow_repay_records_in_margin_account(type="BORROW").data()
    assert isinstance(records, QueryBorrowRepayRecordsInMarginAccountResponse)
    assert records.total == 1
    assert (records.rows[0].tx_id, D(records.rows[0].amount), records.rows[0].asset) == (
        borrow_tx,
        D("20000"),
        "USDT",
    )

    interest = api.get_interest_history(asset="USDT").data()
    assert isinstance(interest, GetInterestHistoryResponse)
    charged = v1(customer, "account/interest/")["results"]
    assert [(r.type, D(r.interest), D(r.principal)) for r in interest.rows] == [
        ("ON_BORROW", D(c["amount"]), D(c["principal"])) for c in charged
    ]
    assert D(interest.rows[0].interest) == D("2")

    # Transfer out what the ratio allows, as /api/v1/ computes it.
    out = api.query_max_transfer_out_amount(asset="USDT").data()
    assert isinstance(out, QueryMaxTransferOutAmountResponse)
    assert D(out.amount) == D(v1(customer, "account/max-transferable/?asset=USDT")["amount"])
    transfer_via_sdk(api, "MARGIN_MAIN", "USDT", "1000")
    assert balance(customer, AccountKind.SPOT, "USDT") == D("1000")
    moves = api.get_cross_margin_transfer_history().data()
    assert isinstance(moves, GetCrossMarginTransferHistoryResponse)
    assert [(m.type, m.asset, D(m.amount)) for m in moves.rows] == [
        ("ROLL_OUT", "USDT", D("1000")),
        ("ROLL_IN", "ADA", D("10000")),
        ("ROLL_IN", "BTC", D("1")),
    ]

    # Repay: interest first, then principal.
    repaid = api.margin_account_borrow_repay(asset="USDT", is_isolated="FALSE", amount="5000", type="REPAY")
    repay_row = api.query_borrow_repay_records_in_margin_account(type="REPAY").data().rows[0]
    assert repay_row.tx_id == repaid.data().tran_id
    assert (D(repay_row.interest), D(repay_row.principal)) == (D("2"), D("4998"))
    after = api.query_cross_margin_account_details().data()
    summary = v1(customer, "account/")
    assert D(after.collateral_margin_level) == D(summary["margin_ratio"])
    assert D(after.total_collateral_value_in_usdt) == D(summary["collateral_value"])
    usdt = next(a for a in after.user_assets if a.asset == "USDT")
    assert (D(usdt.borrowed), D(usdt.interest)) == (D("15002"), D("0"))


def test_the_sdk_reads_a_partial_liquidation_as_binances_force_liquidation_record(
    live_server, customer, sdk_warnings
):
    leveraged_btc_holder(customer)
    issued = key_for(customer, permissions=())
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")  # the sweep follows the price
    liquidation = Liquidation.objects.get(margin_account__user=customer)
    sale = liquidation.lines.get(kind="sale")

    record = sdk_client(live_server.url, issued).get_force_liquidation_record().data()

    assert isinstance(record, GetForceLiquidationRecordResponse)
    assert record.total == 1
    row = record.rows[0]
    assert (row.symbol, row.side, row.is_isolated) == ("BTCUSDT", "SELL", False)
    assert (D(row.executed_qty), D(row.price)) == (sale.quantity, sale.price)
    listed = v1(customer, "account/liquidations/")["results"][0]["lines"]
    assert [line["quantity"] for line in listed if line["kind"] == "sale"] == [row.executed_qty]


def test_the_sdk_reads_the_collateral_tiers_and_assets_as_configured(live_server, customer, sdk_warnings):
    issued = key_for(customer, permissions=())
    api = sdk_client(live_server.url, issued)

    tiers = api.cross_margin_collateral_ratio().data()
    assets = {a["symbol"]: a for a in v1(customer, "assets/")}

    assert all(isinstance(group, CrossMarginCollateralRatioResponseInner) for group in tiers)
    by_asset = {name: group.collaterals for group in tiers for name in group.asset_names}
    assert [D(band.discount_rate) for band in by_asset["BTC"]] == [
        D(t["factor"]) for t in assets["BTC"]["tiers"]
    ]
    assert [D(band.discount_rate) for band in by_asset["ADA"]] == [D("0.5")]
    assert [D(band.discount_rate) for band in by_asset["USDC"]] == [D("0")]  # listed, not collateral
    listed = api.get_all_margin_assets().data()
    assert all(isinstance(a, GetAllMarginAssetsResponseInner) for a in listed)
    flags = {a.asset_name: (a.is_borrowable, a.is_mortgageable) for a in listed}
    assert flags == {s: (a["is_borrowable"], a["is_collateral"]) for s, a in assets.items()}


def test_the_sdk_signs_with_an_ed25519_key_whose_private_half_never_reaches_the_desk(
    live_server, customer, sdk_warnings
):
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    issued = key_for(customer, public_key=public_pem, permissions=("borrow_repay",))
    assert issued.secret is None and "PRIVATE" not in issued.api_key.public_key

    api = sdk_client(live_server.url, issued, private_key=private_pem)
    api.margin_account_borrow_repay(asset="USDT", is_isolated="FALSE", amount="100", type="BORROW")

    assert balance(customer, AccountKind.MARGIN, "USDT") == D("100")
