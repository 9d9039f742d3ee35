"""Building blocks for tests that go through the real services."""

from __future__ import annotations

import threading
from decimal import Decimal

from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LedgerAccount, LedgerLeg, LedgerTransaction
from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit, margin_mode_enable, transfer
from accounts.services.audit import ledger_audit

from .conftest import totp_code, totp_device

_refs = iter(range(1, 10**9))


def fund_margin(user, **amounts: str) -> None:
    """Deposit to spot and move to margin, as a customer would."""
    for symbol, amount in amounts.items():
        deposit_credit(user=user, asset=symbol, amount=amount, reference=f"test-{next(_refs)}")
        transfer(user=user, asset=symbol, amount=amount, direction="to_margin")


def enable_mode(user) -> None:
    totp_device(user)
    # A used code cannot be replayed: move the device's counter back for repeated test setup.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    margin_mode_enable(user=user, otp_code=totp_code(user))


def staff_sign_in(client, user) -> None:
    """Sign a staff member in past the second factor, as the admin's sign-in with a code does.

    Staff need it whenever STAFF_MFA_REQUIRED is on (the default, and so in the tests).
    """
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def balance(user, kind: AccountKind, symbol: str) -> Decimal:
    row = LedgerAccount.objects.filter(owner=user, kind=kind, asset__symbol=symbol).first()
    return row.balance if row else Decimal(0)


def ledger_state() -> tuple:
    """Everything money: to compare before and after a refused operation."""
    return (
        tuple(LedgerAccount.objects.order_by("id").values_list("id", "balance")),
        LedgerTransaction.objects.count(),
        LedgerLeg.objects.count(),
    )


def assert_ledger_balanced() -> None:
    report = ledger_audit()
    assert report.ok, (report.unbalanced_transactions, report.balance_mismatches, report.asset_totals)


def race(n: int, work) -> list[object]:
    """Run ``work(i)`` in ``n`` threads released at once; return results or errors."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
