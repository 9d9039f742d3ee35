"""A second real client: ccxt's ``binance`` class, its URLs pointed at the desk, borrows and repays.

ccxt signs a POST's parameters in the form body (the official SDK puts them in the query
string), so this also proves the query + body rule of Binance's signature.
"""

from __future__ import annotations

from decimal import Decimal as D

import ccxt
import pytest

from accounts.models.ledger import AccountKind
from accounts.selectors import account_positions, margin_account_for
from tests.binance.conftest import key_for
from tests.helpers import balance, enable_mode, fund_margin, ledger_state

pytestmark = pytest.mark.django_db(transaction=True)


def ccxt_binance(base_url: str, issued) -> ccxt.binance:
    exchange = ccxt.binance({"apiKey": issued.api_key.key, "secret": issued.secret, "enableRateLimit": False})
    exchange.urls["api"]["sapi"] = f"{base_url}/sapi/v1"
    # Trading markets are not this desk's business: give ccxt the currencies it rounds amounts with.
    exchange.set_markets(
        {}, {code: {"id": code, "code": code, "precision": 1e-8} for code in ("USDT", "BTC")}
    )
    return exchange


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    return customer


def test_ccxt_borrows_and_repays_cross_margin(live_server, borrower):
    exchange = ccxt_binance(live_server.url, key_for(borrower, permissions=("borrow_repay",)))

    loan = exchange.borrow_cross_margin("USDT", 1000)
    assert loan["currency"] == "USDT" and loan["id"]
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("1000")
    assert account_positions(margin_account_for(borrower))["USDT"].principal == D("1000")

    exchange.repay_cross_margin("USDT", 500)

    position = account_positions(margin_account_for(borrower))["USDT"]
    assert (position.principal, position.interest) == (D("1000") - (D("500") - D("0.1")), D("0"))
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("500")


def test_ccxt_reports_binances_error_for_a_borrow_beyond_the_limit(live_server, borrower):
    exchange = ccxt_binance(live_server.url, key_for(borrower, permissions=("borrow_repay",)))
    before = ledger_state()

    with pytest.raises(ccxt.ExchangeError, match="-3006"):
        exchange.borrow_cross_margin("USDT", 10_000_000)

    assert ledger_state() == before


def test_ccxt_with_a_read_only_key_is_refused_and_moves_nothing(live_server, borrower):
    exchange = ccxt_binance(live_server.url, key_for(borrower, permissions=()))
    before = ledger_state()

    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        exchange.borrow_cross_margin("USDT", 1000)

    assert ledger_state() == before
