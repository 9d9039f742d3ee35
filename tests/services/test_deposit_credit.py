from decimal import Decimal as D

import pytest

from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit
from margin_project.errors import Conflict, InvalidAmount, InvalidReference, UnknownAsset
from tests.helpers import assert_ledger_balanced, balance, ledger_state


@pytest.mark.django_db
def test_deposit_credits_the_spot_wallet_from_the_external_world(customer):
    deposit_credit(user=customer, asset="BTC", amount="1.5", reference="tx-1")
    assert balance(customer, AccountKind.SPOT, "BTC") == D("1.5")
    assert balance(customer, AccountKind.MARGIN, "BTC") == 0
    assert_ledger_balanced()


@pytest.mark.django_db
def test_same_reference_twice_credits_once(customer):
    first = deposit_credit(user=customer, asset="BTC", amount="1.5", reference="tx-1")
    again = deposit_credit(user=customer, asset="BTC", amount="1.5", reference="tx-1")
    assert again.pk == first.pk
    assert balance(customer, AccountKind.SPOT, "BTC") == D("1.5")


@pytest.mark.django_db
def test_same_reference_with_other_details_is_refused(customer):
    deposit_credit(user=customer, asset="BTC", amount="1.5", reference="tx-1")
    before = ledger_state()
    with pytest.raises(Conflict):
        deposit_credit(user=customer, asset="BTC", amount="2", reference="tx-1")
    assert ledger_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "greater than zero"),
        ("-1", "greater than zero"),
        ("0.000000001", "at most 8 decimal places"),
        ("abc", "not a decimal"),
        (1.5, "decimal strings"),
        ("NaN", "finite"),
        ("1" + "0" * 22, "too large"),
        ("1e30", "without an exponent"),
    ],
)
def test_bad_amount_is_refused_and_changes_nothing(customer, amount, message):
    before = ledger_state()
    with pytest.raises(InvalidAmount, match=message):
        deposit_credit(user=customer, asset="BTC", amount=amount, reference="tx-bad")
    assert ledger_state() == before


@pytest.mark.django_db
def test_unknown_asset_is_refused(customer):
    with pytest.raises(UnknownAsset):
        deposit_credit(user=customer, asset="NOPE", amount="1", reference="tx-1")


@pytest.mark.django_db
def test_deposit_needs_a_reference(customer):
    with pytest.raises(InvalidReference, match="reference"):
        deposit_credit(user=customer, asset="BTC", amount="1", reference=" ")
