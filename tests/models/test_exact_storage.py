"""Amounts survive the database exactly, on SQLite as on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import LedgerAccount
from accounts.models.ledger import AccountKind
from risk.models import Asset

THIRTY_DIGITS = Decimal("123456789012.123456789012345678")


@pytest.mark.django_db
def test_thirty_significant_digits_round_trip_exactly():
    asset = Asset.objects.create(symbol="BIG", name="Big", precision=18, borrow_limit=THIRTY_DIGITS)
    account = LedgerAccount.objects.create(kind=AccountKind.EXTERNAL, asset=asset, balance=-THIRTY_DIGITS)

    assert len(THIRTY_DIGITS.as_tuple().digits) == 30
    assert Asset.objects.get(pk=asset.pk).borrow_limit == THIRTY_DIGITS
    assert LedgerAccount.objects.get(pk=account.pk).balance == -THIRTY_DIGITS


@pytest.mark.django_db
def test_stored_value_is_not_a_rounded_float():
    asset = Asset.objects.create(symbol="BIG", name="Big", precision=18, borrow_limit=THIRTY_DIGITS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT borrow_limit FROM risk_asset WHERE id = %s", [asset.pk])
        (raw,) = cursor.fetchone()
    assert Decimal(str(raw)) == THIRTY_DIGITS


@pytest.mark.django_db
def test_filters_compare_numerically_not_as_text():
    asset = Asset.objects.create(symbol="BIG", name="Big", precision=18)
    for value in ["9", "10", "100.5", "-3"]:
        LedgerAccount.objects.create(
            kind=AccountKind.EXTERNAL
            if value == "9"
            else AccountKind.LENDING_POOL
            if value == "10"
            else AccountKind.INSURANCE_FUND
            if value == "100.5"
            else AccountKind.INTEREST_INCOME,
            asset=asset,
            balance=Decimal(value),
        )
    above_nine = LedgerAccount.objects.filter(asset=asset, balance__gt=Decimal("9"))
    assert sorted(a.balance for a in above_nine) == [Decimal("10"), Decimal("100.5")]
    assert LedgerAccount.objects.filter(asset=asset, balance__lt=0).get().balance == Decimal("-3")


@pytest.mark.django_db
def test_more_places_than_the_column_holds_is_refused_not_rounded():
    asset = Asset.objects.create(symbol="BIG", name="Big", precision=18)
    with pytest.raises(ValueError, match="decimal places"):
        LedgerAccount.objects.create(
            kind=AccountKind.EXTERNAL, asset=asset, balance=Decimal("1.0000000000000000001")
        )
