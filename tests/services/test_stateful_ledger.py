"""Random sequences of customer operations and price moves never break the books.

After every step: each transaction sums to zero per asset, each balance equals its
legs, no customer wallet is negative, and a refused operation changed nothing.
"""

from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import LedgerAccount
from accounts.models.ledger import WALLET_KINDS
from accounts.services import deposit_credit, loan_borrow, loan_repay, transfer
from margin_project.errors import DomainError
from risk.services import price_record
from tests.conftest import market_create
from tests.helpers import assert_ledger_balanced, enable_mode, ledger_state

SYMBOLS = ["USDT", "BTC", "ETH", "BNB", "ADA", "USDC"]
BASE_PRICES = {"BTC": D("60000"), "ETH": D("3000"), "BNB": D("600"), "ADA": D("0.5"), "USDC": D("1")}

amounts = st.one_of(
    st.decimals(min_value=D("0.000001"), max_value=D("5000"), places=6),
    st.decimals(min_value=D("0.00000001"), max_value=D("2"), places=8),
    st.sampled_from([D("0"), D("-1"), D("0.000000001"), D("1e-12")]),  # always refused
)


class CustomerBooks(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        from django.contrib.auth import get_user_model

        market_create()
        self.users = [
            get_user_model().objects.create_user(f"u{i}", password="pw-Secret-123") for i in range(2)
        ]
        for user in self.users:
            enable_mode(user)
        self.refs = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def attempt(self, operation, **kwargs):
        before = ledger_state()
        try:
            operation(**kwargs)
        except DomainError:
            assert ledger_state() == before, f"refused {operation.__name__} changed the books"

    @rule(who=st.integers(0, 1), symbol=st.sampled_from(SYMBOLS), amount=amounts)
    def deposit(self, who, symbol, amount):
        self.refs += 1
        self.attempt(
            deposit_credit, user=self.users[who], asset=symbol, amount=amount, reference=f"r{self.refs}"
        )

    @rule(
        who=st.integers(0, 1),
        symbol=st.sampled_from(SYMBOLS),
        amount=amounts,
        direction=st.sampled_from(["to_margin", "to_spot"]),
    )
    def move(self, who, symbol, amount, direction):
        self.attempt(transfer, user=self.users[who], asset=symbol, amount=amount, direction=direction)

    @rule(who=st.integers(0, 1), symbol=st.sampled_from(SYMBOLS), amount=amounts)
    def borrow(self, who, symbol, amount):
        self.attempt(loan_borrow, user=self.users[who], asset=symbol, amount=amount)

    @rule(who=st.integers(0, 1), symbol=st.sampled_from(SYMBOLS), amount=amounts, repay_all=st.booleans())
    def repay(self, who, symbol, amount, repay_all):
        self.attempt(loan_repay, user=self.users[who], asset=symbol, amount=amount, repay_all=repay_all)

    @rule(symbol=st.sampled_from(list(BASE_PRICES)), move=st.integers(-60, 60))
    def price_moves(self, symbol, move):
        price = (BASE_PRICES[symbol] * (100 + move) / 100).quantize(D("1e-8"))
        price_record(asset=symbol, price=price, source="test")

    @invariant()
    def books_balance(self):
        assert_ledger_balanced()

    @invariant()
    def no_wallet_is_negative(self):
        assert not LedgerAccount.objects.filter(kind__in=WALLET_KINDS, balance__lt=0).exists()


@pytest.mark.django_db
def test_random_operations_keep_the_ledger_balanced():
    run_state_machine_as_test(
        CustomerBooks,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
