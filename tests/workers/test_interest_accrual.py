"""Daily interest: Binance's hourly rule turned daily, charged once per loan per day."""

from datetime import timedelta
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import InterestAccrual, Loan
from accounts.services import loan_borrow, loan_repay
from accounts.services.interest import interest_accrue
from risk.models import Asset, CollateralTier
from risk.services import price_record
from tests.helpers import assert_ledger_balanced, enable_mode, fund_margin

TODAY = timezone.now().date
USDT_RATE = D("0.0001")


def usdt_loan(user) -> Loan:
    return Loan.objects.get(margin_account__user=user, asset__symbol="USDT")


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    return customer


@pytest.mark.django_db
def test_loan_taken_and_repaid_the_same_day_pays_one_day(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10000")  # "15:00": the first day, 1 USDT
    fund_margin(borrower, USDT="1")
    loan_repay(user=borrower, asset="USDT", repay_all=True)  # "16:00"
    interest_accrue(day=TODAY() + timedelta(days=1))  # the next midnight
    charges = InterestAccrual.objects.filter(loan=usdt_loan(borrower))
    assert [(c.kind, c.amount) for c in charges] == [("borrow", D("1"))]


@pytest.mark.django_db
def test_loan_open_over_two_midnights_pays_three_days(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10000")
    interest_accrue(day=TODAY() + timedelta(days=1))
    interest_accrue(day=TODAY() + timedelta(days=2))
    loan = usdt_loan(borrower)
    assert loan.accruals.count() == 3
    assert loan.interest == 3 * D("10000") * USDT_RATE
    assert_ledger_balanced()


@pytest.mark.django_db
def test_a_loan_taken_today_is_not_charged_again_for_today(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10000")
    result = interest_accrue(day=TODAY())  # principal at today's 00:00 was zero
    assert result.loans_charged == 0
    assert usdt_loan(borrower).accruals.count() == 1


@pytest.mark.django_db
def test_running_a_day_twice_charges_it_once(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10000")
    tomorrow = TODAY() + timedelta(days=1)
    first = interest_accrue(day=tomorrow)
    second = interest_accrue(day=tomorrow)
    assert (first.loans_charged, second.loans_charged) == (1, 0)
    assert usdt_loan(borrower).interest == 2 * D("1")
    assert_ledger_balanced()


@pytest.mark.django_db
def test_interest_is_principal_times_rate_rounded_up_and_booked_as_income(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1234.56789012")
    interest_accrue(day=TODAY() + timedelta(days=1))
    daily = InterestAccrual.objects.get(kind="daily")
    # 1234.56789012 x 0.0001 = 0.123456789012 -> rounded up to 8 places
    assert (daily.rate, daily.principal, daily.amount) == (USDT_RATE, D("1234.56789012"), D("0.12345679"))
    from accounts.models import LedgerAccount

    income = LedgerAccount.objects.get(owner=None, kind="interest_income", asset__symbol="USDT")
    assert income.balance == D("0.12345679") * 2
    assert_ledger_balanced()


@pytest.mark.django_db
def test_charge_is_on_the_principal_outstanding_at_midnight(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10000")
    loan_repay(user=borrower, asset="USDT", amount="5001")  # 1 interest + 5000 principal
    interest_accrue(day=TODAY() + timedelta(days=1))
    daily = InterestAccrual.objects.get(kind="daily")
    assert (daily.principal, daily.amount) == (D("5000"), D("0.5"))


@pytest.mark.django_db
def test_eighteen_decimal_amounts_accrue_exactly(borrower):
    wei = Asset.objects.create(
        symbol="WEI18", name="18 places", precision=18, is_borrowable=True, daily_interest_rate=D("0.0003")
    )
    CollateralTier.objects.create(asset=wei, up_to=None, factor=D("0.5"))
    price_record(asset=wei, price="2", source="test")
    loan_borrow(user=borrower, asset="WEI18", amount="1.123456789012345678")
    interest_accrue(day=TODAY() + timedelta(days=1))
    daily = InterestAccrual.objects.get(kind="daily")
    # 1.123456789012345678 x 0.0003 = 0.0003370370367037037034 -> up to 18 places
    assert daily.amount == D("0.000337037036703704")
    assert_ledger_balanced()


@pytest.mark.django_db
def test_catch_up_charges_each_missed_day_once(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="10000")
    out = StringIO()
    call_command("accrue_interest", "--date", str(TODAY() + timedelta(days=3)), "--catch-up", stdout=out)
    call_command("accrue_interest", "--date", str(TODAY() + timedelta(days=3)), "--catch-up", stdout=out)
    days = sorted(usdt_loan(borrower).accruals.filter(kind="daily").values_list("day", flat=True))
    assert days == [TODAY() + timedelta(days=n) for n in (1, 2, 3)]
    assert f"{TODAY() + timedelta(days=1)}: charged 1 loans (1 USDT)" in out.getvalue()
    assert out.getvalue().count("charged 0 loans") == 1  # the second run found nothing left
    assert_ledger_balanced()
