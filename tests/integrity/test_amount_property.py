"""A property over random decimal text through every money endpoint (API, web pages, admin):
never a 5xx, never a silent rounding: each call is refused (moving nothing) or moves exactly
the amount asked.
"""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.core.cache import caches
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit, loan_borrow
from risk.models import AssetPrice
from tests.admin.conftest import staff_in
from tests.api.conftest import client_for
from tests.helpers import balance, enable_mode, fund_margin, ledger_state, staff_sign_in
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db

PLAIN = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_digits = st.text(alphabet="0123456789", max_size=26)
# Well-formed decimals of every length (too large, too precise, zero, fine), junk and edge cases.
AMOUNT_TEXT = st.one_of(
    st.builds(
        lambda sign, whole, point, fraction: f"{sign}{whole}{point}{fraction}",
        st.sampled_from(["", "", "", "-", "+"]),
        _digits,
        st.sampled_from(["", ".", "."]),
        _digits,
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1_0", "١٠", "１", "1e3", "1E-8", "0", "-0", "", " 7 ", ".", "1,5", "0x1", "½"]),
    st.text(alphabet="0123456789.-+eE_, ", max_size=30),
)


def asked(text: str) -> D | None:
    """The exact amount plain text asks for (None when it is not plain ASCII decimal text)."""
    text = text.strip()
    return D(text) if PLAIN.fullmatch(text) else None


def check(response, text: str, moved: D, *, ok: int) -> None:
    event("moved" if response.status_code == ok else f"refused ({response.status_code})")
    assert response.status_code < 500, (text, response.status_code, response.content[:300])
    if response.status_code == ok:
        assert asked(text) is not None and moved == asked(text), (text, moved)
    else:
        assert moved == 0, (text, moved)


@pytest.fixture
def rich(customer):
    """Large balances everywhere, a USDT loan, multi-asset mode on, no second factor to send."""
    deposit_credit(user=customer, asset="USDT", amount="1000000000", reference="rich-usdt")
    deposit_credit(user=customer, asset="BTC", amount="1000", reference="rich-btc")
    fund_margin(customer, BTC="1000", USDT="1000000000")
    enable_mode(customer)
    TOTPDevice.objects.filter(user=customer).delete()
    loan_borrow(user=customer, asset="USDT", amount="1000000")
    return customer


def owed(user) -> D:
    return -balance(user, AccountKind.LOAN_PRINCIPAL, "USDT") - balance(
        user, AccountKind.LOAN_INTEREST, "USDT"
    )


def fresh_throttles() -> None:
    caches["api"].clear()


# --- API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "wallet"), [("to_margin", AccountKind.MARGIN), ("to_spot", AccountKind.SPOT)]
)
@PROPERTY
@given(text=AMOUNT_TEXT)
def test_api_transfer(rich, direction, wallet, text):
    fresh_throttles()
    before = balance(rich, wallet, "USDT")
    response = client_for(rich).post(
        "/api/v1/account/transfers/", {"asset": "USDT", "amount": text, "direction": direction}, format="json"
    )
    check(response, text, balance(rich, wallet, "USDT") - before, ok=201)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_api_borrow(rich, text):
    fresh_throttles()
    before = -balance(rich, AccountKind.LOAN_PRINCIPAL, "USDT")
    response = client_for(rich).post(
        "/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": text}, format="json"
    )
    check(response, text, -balance(rich, AccountKind.LOAN_PRINCIPAL, "USDT") - before, ok=201)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_api_repay(rich, text):
    fresh_throttles()
    before = owed(rich)
    response = client_for(rich).post(
        "/api/v1/account/loans/repay/", {"asset": "USDT", "amount": text}, format="json"
    )
    check(response, text, before - owed(rich), ok=201)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_api_staff_deposit(rich, make_user, text):
    fresh_throttles()
    staff = (
        staff_in(make_user, "depositor", "risk officer")
        if not hasattr(rich, "_depositor")
        else rich._depositor
    )
    rich._depositor = staff
    before = balance(rich, AccountKind.SPOT, "USDT")
    body = {
        "username": rich.username,
        "asset": "USDT",
        "amount": text,
        "reference": f"fuzz-{ledger_state()[1]}",
    }
    response = client_for(staff).post("/api/v1/staff/deposits/", body, format="json")
    check(response, text, balance(rich, AccountKind.SPOT, "USDT") - before, ok=201)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_api_staff_price(rich, make_user, text):
    """A price is stored exactly as reported (live or held), or refused."""
    fresh_throttles()
    staff = staff_in(make_user, "pricer", "risk officer") if not hasattr(rich, "_pricer") else rich._pricer
    rich._pricer = staff
    response = client_for(staff).post(
        "/api/v1/staff/prices/", {"prices": [{"asset": "ETH", "price": text}]}, format="json"
    )
    assert response.status_code < 500, (text, response.status_code)
    if response.status_code == 200:
        row = response.json()[0]
        assert D(row["reported"]) == asked(text)
        if row["decision"] == "live":
            assert AssetPrice.objects.get(asset__symbol="ETH").price == asked(text)


# --- web pages ------------------------------------------------------------------------------


def web_confirm(client, name: str, data: dict):
    """Preview; when it issues a token, confirm (as the page's buttons do). The last response."""
    page = client.post(reverse(name), {**data, "step": "preview"})
    token = page.context.get("token") if page.status_code == 200 and page.context else None
    if not token:
        return page
    return client.post(reverse(name), {**data, "step": "confirm", "token": token})


@pytest.mark.parametrize(
    ("direction", "wallet"), [("to_margin", AccountKind.MARGIN), ("to_spot", AccountKind.SPOT)]
)
@PROPERTY
@given(text=AMOUNT_TEXT)
def test_web_transfer(client, rich, direction, wallet, text):
    sign_in(client, rich)
    before = balance(rich, wallet, "USDT")
    response = web_confirm(client, "transfer", {"direction": direction, "asset": "USDT", "amount": text})
    check(response, text, balance(rich, wallet, "USDT") - before, ok=302)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_web_borrow(client, rich, text):
    sign_in(client, rich)
    before = -balance(rich, AccountKind.LOAN_PRINCIPAL, "USDT")
    response = web_confirm(client, "borrow", {"asset": "USDT", "amount": text})
    check(response, text, -balance(rich, AccountKind.LOAN_PRINCIPAL, "USDT") - before, ok=302)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_web_repay(client, rich, text):
    sign_in(client, rich)
    before = owed(rich)
    response = web_confirm(client, "repay", {"asset": "USDT", "amount": text})
    check(response, text, before - owed(rich), ok=302)


# --- admin forms ----------------------------------------------------------------------------


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_admin_deposit_credit(client, rich, make_user, text):
    staff = staff_in(make_user, "clerk", "risk officer") if not hasattr(rich, "_clerk") else rich._clerk
    rich._clerk = staff
    staff_sign_in(client, staff)
    before = balance(rich, AccountKind.SPOT, "USDT")
    data = {
        "customer": rich.username,
        "asset": "USDT",
        "amount": text,
        "reference": f"adm-{ledger_state()[1]}",
    }
    response = client.post(reverse("admin:accounts_ledgertransaction_deposit"), data)
    check(response, text, balance(rich, AccountKind.SPOT, "USDT") - before, ok=302)


@PROPERTY
@given(text=AMOUNT_TEXT)
def test_admin_correction(client, rich, make_user, text):
    admin = make_user("finance", is_staff=True, is_superuser=True) if not hasattr(rich, "_fin") else rich._fin
    rich._fin = admin
    staff_sign_in(client, admin)
    before = balance(rich, AccountKind.SPOT, "USDT")
    data = {
        "customer": rich.username,
        "asset": "USDT",
        "customer_account": "spot",
        "house_account": "external",
        "amount": text,
        "reason": "Property test of the correction form",
    }
    response = client.post(reverse("admin:accounts_ledgertransaction_correct"), data)
    check(response, text, balance(rich, AccountKind.SPOT, "USDT") - before, ok=302)
