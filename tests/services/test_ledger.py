from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from accounts.models import LedgerAccount, LedgerLeg, LedgerTransaction
from accounts.models.ledger import AccountKind
from accounts.services import Leg, deposit_credit, ledger_post
from accounts.services.ledger import LedgerUnbalanced, house_account
from margin_project.errors import InsufficientBalance, InvalidAmount
from tests.helpers import ledger_state


@pytest.mark.django_db
def test_a_transaction_whose_legs_do_not_sum_to_zero_is_refused(customer, market):
    spot = LedgerAccount.objects.create(owner=customer, kind=AccountKind.SPOT, asset=market["BTC"])
    before = ledger_state()
    with pytest.raises(LedgerUnbalanced):
        ledger_post(
            kind="correction",
            legs=[Leg(house_account(AccountKind.EXTERNAL, market["BTC"]), D("-1")), Leg(spot, D("0.9"))],
        )
    assert ledger_state()[1:] == before[1:]


@pytest.mark.django_db
def test_legs_must_balance_per_asset_not_just_in_total(customer, market):
    btc = LedgerAccount.objects.create(owner=customer, kind=AccountKind.SPOT, asset=market["BTC"])
    eth = LedgerAccount.objects.create(owner=customer, kind=AccountKind.SPOT, asset=market["ETH"])
    with pytest.raises(LedgerUnbalanced):
        ledger_post(
            kind="correction",
            legs=[
                Leg(house_account(AccountKind.EXTERNAL, market["BTC"]), D("-1")),
                Leg(eth, D("1")),
                Leg(house_account(AccountKind.EXTERNAL, market["ETH"]), D("-1")),
                Leg(btc, D("1")),
                Leg(btc, D("-1")),
                Leg(eth, D("1")),
            ],
        )


@pytest.mark.django_db
def test_a_wallet_never_goes_negative(customer, market):
    spot = LedgerAccount.objects.create(owner=customer, kind=AccountKind.SPOT, asset=market["BTC"])
    with pytest.raises(InsufficientBalance):
        ledger_post(
            kind="withdrawal",
            legs=[Leg(spot, D("-1")), Leg(house_account(AccountKind.EXTERNAL, market["BTC"]), D("1"))],
        )
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_a_leg_finer_than_the_asset_precision_is_refused(customer, market):
    spot = LedgerAccount.objects.create(owner=customer, kind=AccountKind.SPOT, asset=market["ADA"])
    with pytest.raises(InvalidAmount, match="precision of 6"):
        ledger_post(
            kind="deposit",
            legs=[
                Leg(house_account(AccountKind.EXTERNAL, market["ADA"]), D("-0.0000001")),
                Leg(spot, D("0.0000001")),
            ],
        )


@pytest.mark.django_db
def test_the_database_itself_refuses_a_negative_wallet(customer, market):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            owner=customer, kind=AccountKind.MARGIN, asset=market["BTC"], balance=D("-1")
        )


@pytest.mark.django_db
def test_postgresql_refuses_unbalanced_legs_written_behind_the_poster(customer, market):
    """On PostgreSQL a trigger checks every INSERT of legs; SQLite relies on ledger_post alone."""
    txn = deposit_credit(user=customer, asset="BTC", amount="1", reference="d1")
    spot = LedgerAccount.objects.get(owner=customer, kind=AccountKind.SPOT, asset=market["BTC"])
    if connection.vendor != "postgresql":
        with pytest.raises(LedgerUnbalanced):
            ledger_post(kind="correction", legs=[Leg(spot, D("1"))])
        return
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        LedgerLeg.objects.create(transaction=txn, account=spot, asset=market["BTC"], amount=D("1"))
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        LedgerLeg.objects.filter(transaction=txn).update(amount=D("2"))


@pytest.mark.django_db
def test_audit_command_passes_on_a_clean_ledger(customer):
    deposit_credit(user=customer, asset="BTC", amount="1", reference="d1")
    out = StringIO()
    call_command("audit_ledger", stdout=out)
    assert "Ledger balanced: 1 transactions, 2 ledger accounts checked" in out.getvalue()


@pytest.mark.django_db
def test_audit_command_prints_a_balance_that_disagrees_with_its_legs(customer):
    deposit_credit(user=customer, asset="BTC", amount="1", reference="d1")
    spot = LedgerAccount.objects.get(owner=customer, kind=AccountKind.SPOT)
    LedgerAccount.objects.filter(pk=spot.pk).update(balance=D("1.5"))  # tampering behind the poster
    out = StringIO()
    with pytest.raises(CommandError, match="FAILED"):
        call_command("audit_ledger", stdout=out)
    assert f"MISMATCH ledger account #{spot.pk} BTC: balance 1.5" in out.getvalue()
    assert "difference 0.5" in out.getvalue()
