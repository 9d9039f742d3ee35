"""Risk-reducing actions always work: moving assets into margin and repaying never depend on
prices (only on the balance), through the services, the web pages and /api/v1/; actions that
add risk still refuse on a stale price.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import MarginAccount
from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit, loan_borrow, loan_repay, transfer
from margin_project.errors import MissingPrice, StalePrice
from risk.models import AssetPrice
from tests.api.conftest import client_for, error_of, fresh_code
from tests.helpers import balance, enable_mode, fund_margin, ledger_state
from tests.web.conftest import sign_in
from tests.web.test_actions import confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_trouble(customer):
    """1 BTC and 10 000 ADA in margin, 20 000 USDT borrowed and taken out, 1 000 USDT in spot."""
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="20000")
    transfer(user=customer, asset="USDT", amount="20000", direction="to_spot")
    deposit_credit(user=customer, asset="BTC", amount="0.5", reference="more-btc")
    return customer


def prices_go_stale() -> None:
    AssetPrice.objects.update(observed_at=timezone.now() - timedelta(hours=1))


def prices_go_missing(*symbols: str) -> None:
    AssetPrice.objects.filter(asset__symbol__in=symbols).delete()


def owed_usdt(user) -> D:
    return -balance(user, AccountKind.LOAN_PRINCIPAL, "USDT") - balance(
        user, AccountKind.LOAN_INTEREST, "USDT"
    )


# --- services ------------------------------------------------------------------------------


@pytest.mark.parametrize("break_prices", [prices_go_stale, lambda: prices_go_missing("BTC", "ADA")])
def test_moving_collateral_in_and_repaying_work_without_usable_prices(in_trouble, break_prices):
    break_prices()
    assessed = MarginAccount.objects.get(user=in_trouble).assessed_at
    owed = owed_usdt(in_trouble)

    transfer(user=in_trouble, asset="BTC", amount="0.5", direction="to_margin")
    transfer(user=in_trouble, asset="USDT", amount="1000", direction="to_margin")
    loan_repay(user=in_trouble, asset="USDT", amount="1000")

    assert balance(in_trouble, AccountKind.MARGIN, "BTC") == D("1.5")
    assert owed_usdt(in_trouble) == owed - 1000
    # The cached ratio is not recomputed on prices no decision may use: the sweep does it later.
    assert MarginAccount.objects.get(user=in_trouble).assessed_at == assessed


def test_adding_risk_still_refuses_on_a_stale_price(in_trouble):
    prices_go_stale()
    before = ledger_state()
    with pytest.raises(StalePrice):
        loan_borrow(user=in_trouble, asset="USDT", amount="10")
    with pytest.raises(StalePrice):
        transfer(user=in_trouble, asset="BTC", amount="0.01", direction="to_spot")
    assert ledger_state() == before


def test_adding_risk_still_refuses_on_a_missing_price(in_trouble):
    prices_go_missing("BTC")
    with pytest.raises(MissingPrice):
        loan_borrow(user=in_trouble, asset="USDT", amount="10")


# --- web pages -----------------------------------------------------------------------------


def test_the_web_pages_move_collateral_in_and_repay_on_a_stale_price(client, in_trouble):
    sign_in(client, in_trouble)
    transfer(user=in_trouble, asset="USDT", amount="1000", direction="to_margin")
    prices_go_stale()

    moved = confirm(client, "transfer", direction="to_margin", asset="BTC", amount="0.5")
    repaid = confirm(client, "repay", asset="USDT", amount="1000")

    assert (moved.status_code, repaid.status_code) == (302, 302)
    assert balance(in_trouble, AccountKind.MARGIN, "BTC") == D("1.5")
    assert balance(in_trouble, AccountKind.MARGIN, "USDT") == 0


def test_the_web_borrow_page_refuses_on_a_stale_price(client, in_trouble):
    sign_in(client, in_trouble)
    prices_go_stale()
    before = ledger_state()

    response = client.post(reverse("borrow"), {"asset": "USDT", "amount": "10", "step": "preview"})

    preview = response.context["preview"]
    assert not preview.allowed and "stale" in preview.refusal.message
    assert "token" not in response.context  # no Confirm offered
    assert ledger_state() == before


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("break_prices", [prices_go_stale, lambda: prices_go_missing("BTC", "ADA")])
def test_the_api_moves_collateral_in_and_repays_without_usable_prices(in_trouble, break_prices):
    api = client_for(in_trouble)
    break_prices()

    moved = api.post(
        "/api/v1/account/transfers/",
        {"asset": "USDT", "amount": "1000", "direction": "to_margin"},
        format="json",
        HTTP_X_OTP_CODE=fresh_code(in_trouble),
    )
    repaid = api.post(
        "/api/v1/account/loans/repay/",
        {"asset": "USDT", "amount": "1000"},
        format="json",
        HTTP_X_OTP_CODE=fresh_code(in_trouble),
    )

    assert (moved.status_code, repaid.status_code) == (201, 201), (moved.content, repaid.content)
    assert repaid.json()["interest_paid"] == "2"


def test_the_api_refuses_to_add_risk_on_a_stale_price(in_trouble):
    api = client_for(in_trouble)
    prices_go_stale()

    response = api.post(
        "/api/v1/account/loans/borrow/",
        {"asset": "USDT", "amount": "10"},
        format="json",
        HTTP_X_OTP_CODE=fresh_code(in_trouble),
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "stale_price"
