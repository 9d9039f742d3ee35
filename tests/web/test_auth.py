"""Signing in and out, lockout, the second factor at sign-in, passwords."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.services import deposit_credit
from tests.conftest import totp_device
from tests.helpers import ledger_state

from .conftest import fresh_code, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # tests/conftest.py make_user


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_dashboard_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_with_the_right_password_opens_the_dashboard(client, customer):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_unknown_user_and_wrong_password_read_the_same(client, customer):
    unknown = login(client, "nobody", PASSWORD)
    wrong = login(client, "alice", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    assert "Wrong username or password." in unknown.content.decode()


def test_sign_in_locks_after_five_failures_even_with_the_right_password(client, customer):
    for _ in range(5):
        login(client, "alice", "wrong-password")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, customer, make_user):
    make_user("bob")
    for _ in range(5):
        login(client, "alice", "wrong-password")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_sign_in_with_a_device_asks_for_the_code_before_the_dashboard(client, customer):
    totp_device(customer)
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login-verify"))
    dashboard = client.get("/")
    assert dashboard.status_code == 302
    assert dashboard.url.startswith(reverse("login-verify"))


def test_a_wrong_code_at_sign_in_is_refused(client, customer):
    device = totp_device(customer)
    login(client, "alice", PASSWORD)
    good = fresh_code(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("login-verify"), {"otp_code": wrong, "next": "/"})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_right_code_at_sign_in_opens_the_dashboard(client, customer):
    device = totp_device(customer)
    login(client, "alice", PASSWORD)
    response = client.post(reverse("login-verify"), {"otp_code": fresh_code(device), "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_verify_never_redirects_off_site(client, customer):
    device = totp_device(customer)
    login(client, "alice", PASSWORD)
    response = client.post(
        reverse("login-verify"), {"otp_code": fresh_code(device), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_sign_out_needs_a_post_and_ends_the_session(customer_client):
    assert customer_client.get(reverse("logout")).status_code == 405
    response = customer_client.post(reverse("logout"))
    assert response.status_code == 302
    assert customer_client.get("/").status_code == 302


def test_staff_visiting_customer_pages_go_to_the_admin(client, make_user):
    staff = make_user("risk", is_staff=True)
    sign_in(client, staff)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_password_change_needs_the_old_password(customer_client, customer):
    response = customer_client.post(
        reverse("password-change"),
        {"old_password": "wrong", "new_password1": "n3w-Secret-456", "new_password2": "n3w-Secret-456"},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_change_sets_the_new_password(customer_client, customer):
    response = customer_client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "n3w-Secret-456", "new_password2": "n3w-Secret-456"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password("n3w-Secret-456")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, customer):
    response = client.post(reverse("password-reset"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "n3w-Secret-456", "new_password2": "n3w-Secret-456"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password("n3w-Secret-456")


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, customer):
    response = client.post(reverse("password-reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password-reset-done")
    assert mail.outbox == []


def test_the_lockout_page_explains_and_offers_a_reset(client, customer, settings):
    settings.AXES_LOCKOUT_TEMPLATE = "accounts/auth/locked_out.html"
    for _ in range(5):
        response = login(client, "alice", "wrong-password")
    assert response.status_code == 429
    html = response.content.decode()
    assert "too many login attempts" in html
    assert reverse("password-reset") in html


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(customer):
    deposit_credit(user=customer, asset="BTC", amount="1", reference="csrf-btc")
    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, customer)
    before = ledger_state()
    data = {"direction": "to_margin", "asset": "BTC", "amount": "1", "step": "confirm", "token": "x"}
    assert strict.post(reverse("transfer"), data).status_code == 403
    assert ledger_state() == before
