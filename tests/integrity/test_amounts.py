"""Amounts: exact at any length, one parser everywhere, never rounded, never a 500.

30 significant digits is a meme-token balance (123456789012.345678901234567890 units of
an 18-decimal token), 38 is close to what numeric(40, 18) holds; both go through every
money service here, on whichever backend the suite runs on (CI runs both).
"""

from __future__ import annotations

import decimal
import threading
from decimal import ROUND_CEILING
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group

from accounts.forms import TransferForm
from accounts.models import LedgerAccount
from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit, loan_borrow, loan_repay, transfer, withdrawal_create
from accounts.services.corrections import CorrectionLeg, ledger_correction
from accounts.services.validation import amount_parse
from margin_project.api.fields import DecimalString
from margin_project.errors import BalanceOverflow, InvalidAmount
from margin_project.money import EXACT, MAX_DIGITS, decimal_parse, places_of
from risk.roles import RISK_OFFICER
from tests.api.conftest import client_for, error_of
from tests.helpers import assert_ledger_balanced, balance, enable_mode, ledger_state

pytestmark = pytest.mark.django_db

AMOUNT_30 = "123456789012.345678901234567890"  # 30 significant digits
AMOUNT_38 = "12345678901234567890.123456789012345678"  # 38 significant digits


def _interest(amount: D, rate: D) -> D:
    return EXACT.multiply(amount, rate).quantize(D(1).scaleb(-18), rounding=ROUND_CEILING, context=EXACT)


def test_the_money_context_is_wide_enough_for_the_columns():
    assert EXACT.prec >= 2 * MAX_DIGITS
    # Every thread computes in it by default too (installed at start-up).
    assert decimal.getcontext().prec == EXACT.prec
    seen = []
    thread = threading.Thread(target=lambda: seen.append(decimal.getcontext().prec))
    thread.start()
    thread.join()
    assert seen == [EXACT.prec]
    # A 30-digit sum that the 28-digit default rounded (the LedgerUnbalanced of issue 9).
    assert D(AMOUNT_30) + D("-" + AMOUNT_30) == 0
    assert D("123456789012.345678901234567890") + D("0.000000000000000001") == D(
        "123456789012.345678901234567891"
    )


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("0.0000000099999999999999999999999", 31),  # normalize() in 28 digits said 8
        ("1.500", 1),
        ("100", 0),
        ("1E+3", 0),
        ("0.000", 0),
        (AMOUNT_38, 18),
        ("12345678901234567890123456789.1", 1),
    ],
)
def test_places_are_counted_exactly_at_any_length(text, places):
    assert places_of(D(text)) == places


@pytest.mark.parametrize(
    "text",
    ["1_0", "١٠", "１０", "1e5", "1E-3", "NaN", "-Infinity", "1,000", "0x10", "", ".", "1..2", "1" * 81],
)
def test_the_parser_refuses_what_is_not_plain_ascii_decimal_text(text):
    with pytest.raises(InvalidAmount):
        decimal_parse(text)


@pytest.mark.parametrize("value", [0.5, True, None, [1], {"a": 1}])
def test_the_parser_refuses_floats_and_non_numbers(value):
    with pytest.raises(InvalidAmount):
        decimal_parse(value)


@pytest.mark.parametrize(
    ("text", "value"), [("0.5", D("0.5")), (".5", D("0.5")), ("5.", D(5)), (" 7 ", D(7))]
)
def test_the_parser_reads_plain_decimals_exactly(text, value):
    assert decimal_parse(text) == value


@pytest.mark.parametrize("text", ["1_0", "١٠", "1e1"])
def test_web_form_api_field_and_service_give_the_same_answer(customer, text):
    form = TransferForm(
        {"direction": "to_margin", "asset": "BTC", "amount": text}, assets=[customer_asset("BTC")]
    )
    assert not form.is_valid()
    assert "amount" in form.errors
    with pytest.raises(Exception) as api_error:
        DecimalString().to_internal_value(text)
    assert "ValidationError" in type(api_error.value).__name__
    with pytest.raises(InvalidAmount):
        amount_parse(text, customer_asset("BTC"))


def customer_asset(symbol: str):
    from risk.models import Asset

    return Asset.objects.get(symbol=symbol)


@pytest.mark.parametrize("amount", ["0.0000000099999999999999999999999", "0.000000009", "1.000000001"])
def test_repay_refuses_an_amount_finer_than_the_asset_instead_of_rounding(customer, amount):
    from tests.helpers import fund_margin

    fund_margin(customer, BTC="1")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="100")
    before = ledger_state()
    with pytest.raises(InvalidAmount, match="at most 8 decimal places"):
        loan_repay(user=customer, asset="USDT", amount=amount)
    assert ledger_state() == before


@pytest.mark.parametrize("amount", [AMOUNT_30, AMOUNT_38])
def test_every_money_service_moves_long_amounts_exactly(customer, meme, make_user, amount):
    """Deposit, both transfers, borrow, repay, correction and withdrawal: never a rounded leg."""
    a = D(amount)
    staff = make_user("ledger-clerk", is_staff=True)
    rate = meme.daily_interest_rate

    deposit_credit(user=customer, asset="MEME", amount=amount, reference="meme-1")
    deposit_credit(user=customer, asset="MEME", amount=amount, reference="meme-2")
    assert balance(customer, AccountKind.SPOT, "MEME") == 2 * a

    transfer(user=customer, asset="MEME", amount=2 * a, direction="to_margin")
    assert balance(customer, AccountKind.MARGIN, "MEME") == 2 * a

    enable_mode(customer)
    result = loan_borrow(user=customer, asset="MEME", amount=amount)
    interest = _interest(a, rate)
    assert (result.amount, result.interest_charged) == (a, interest)
    assert balance(customer, AccountKind.MARGIN, "MEME") == 3 * a
    assert balance(customer, AccountKind.LOAN_PRINCIPAL, "MEME") == -a
    assert balance(customer, AccountKind.LOAN_INTEREST, "MEME") == -interest

    repaid = loan_repay(user=customer, asset="MEME", amount=amount)
    assert (repaid.interest_paid, repaid.principal_paid) == (interest, a - interest)
    assert balance(customer, AccountKind.LOAN_PRINCIPAL, "MEME") == -interest
    assert balance(customer, AccountKind.MARGIN, "MEME") == 2 * a

    transfer(user=customer, asset="MEME", amount=amount, direction="to_spot")
    assert balance(customer, AccountKind.SPOT, "MEME") == a

    ledger_correction(
        legs=[
            CorrectionLeg(customer, AccountKind.SPOT, "MEME", amount),
            CorrectionLeg(None, AccountKind.EXTERNAL, "MEME", f"-{amount}"),
        ],
        reason="Deposit credited short by the watcher",
        staff_user=staff,
    )
    assert balance(customer, AccountKind.SPOT, "MEME") == 2 * a

    withdrawal_create(user=customer, asset="MEME", amount=amount, destination="0xmeme")
    assert balance(customer, AccountKind.SPOT, "MEME") == a
    external = LedgerAccount.objects.get(owner=None, kind=AccountKind.EXTERNAL, asset=meme).balance
    assert external == -2 * a  # +2a deposited, +a corrected, -a withdrawn
    assert_ledger_balanced()


def test_a_deposit_that_would_overflow_a_wallet_is_a_clean_refusal(customer):
    deposit_credit(user=customer, asset="USDT", amount="9000000000000000000000", reference="big-1")
    before = ledger_state()
    with pytest.raises(BalanceOverflow):
        deposit_credit(user=customer, asset="USDT", amount="2000000000000000000000", reference="big-2")
    assert ledger_state() == before


def test_a_deposit_that_would_overflow_a_house_account_is_a_clean_refusal(customer, make_user):
    other = make_user("whale")
    deposit_credit(user=customer, asset="USDT", amount="9000000000000000000000", reference="big-1")
    before = ledger_state()
    with pytest.raises(BalanceOverflow, match="house balance"):
        # The customer's wallet would fit; the external world's -1.8e22 would not.
        deposit_credit(user=other, asset="USDT", amount="9000000000000000000000", reference="big-2")
    assert ledger_state() == before


def test_the_api_answers_an_overflowing_deposit_with_a_422(customer, make_user):
    staff = make_user("desk", is_staff=True)
    staff.groups.add(Group.objects.get(name=RISK_OFFICER))  # the role that credits deposits
    api = client_for(staff)
    body = {"username": customer.username, "asset": "USDT", "reference": "r1"}
    first = api.post("/api/v1/staff/deposits/", {**body, "amount": "9999999999999999999999"}, format="json")
    assert first.status_code == 201, first.content
    before = ledger_state()
    second = api.post("/api/v1/staff/deposits/", {**body, "reference": "r2", "amount": "1"}, format="json")
    assert second.status_code == 422
    assert error_of(second)["code"] == "balance_too_large"
    assert ledger_state() == before


@pytest.mark.parametrize(
    "amount",
    [
        "10000000000000000000000",  # 10**22: the column holds less
        "123456789012.3456789012345678901",  # 19 places for an 18-place asset
        "0.0000000000000000001",
    ],
)
def test_an_amount_the_column_cannot_hold_is_refused_before_anything_is_written(customer, meme, amount):
    before = ledger_state()
    with pytest.raises(InvalidAmount):
        deposit_credit(user=customer, asset="MEME", amount=amount, reference="too-much")
    assert ledger_state() == before
