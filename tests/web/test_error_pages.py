"""Branded error pages, and expected refusals logged as one line (no traceback)."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import staff_sign_in

pytestmark = pytest.mark.django_db


def test_another_customers_page_is_a_branded_404(customer_client):
    response = customer_client.get("/liquidations/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page" data-status="404"' in html
    assert "Margin desk" in html and "Back to your dashboard" in html


def test_an_unknown_address_is_a_branded_404_for_anyone(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert 'data-status="404"' in response.content.decode()


def test_a_refused_staff_page_is_a_branded_403_logged_without_a_traceback(client, make_user, caplog):
    staff = make_user("nobody", is_staff=True)
    staff_sign_in(client, staff)  # past the second factor; in no group, so without the permission
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("admin:accounts_user_two_factor_reset", args=[staff.pk]))
    assert response.status_code == 403
    assert 'data-status="403"' in response.content.decode()
    refusals = [
        r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", 0) == 403
    ]
    assert refusals, "the 403 is still logged"
    assert all(record.exc_info is None for record in refusals)


def test_the_500_page_renders_without_any_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html


def test_a_server_error_shows_the_branded_500(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from unittest import mock

    with mock.patch("accounts.views.auth.LoginView.get", side_effect=RuntimeError("boom")):
        response = client.get(reverse("login"))
    assert response.status_code == 500
    assert 'data-status="500"' in response.content.decode()
