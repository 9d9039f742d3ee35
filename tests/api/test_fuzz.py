"""Schemathesis against the live schema: no 5xx and no response outside the schema, as customer and staff.

Bounded so it stays well under two minutes a backend: the schema's own examples plus a
few generated cases (valid and invalid) per operation, with a fixed seed.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from accounts.models import MarginAccount
from tests.conftest import market_create
from tests.helpers import fund_margin

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260105,
        "generation": {"max-examples": 3, "mode": "all"},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.status_code_conformance,
    checks.content_type_conformance,
]


def _live_schema():
    from margin_project.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=CONFIG)


schema = _live_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(db, settings):
    """As Django's test client does: the test's transaction must outlive each WSGI request.

    The fuzzer cannot read an authenticator, so staff changes go without a code here
    (tests/security covers the second factor).
    """
    settings.STAFF_MFA_REQUIRED = False
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def headers(django_db_setup, django_db_blocker):
    """A funded customer and a staff member, created once for every operation (and flushed after).

    The customer in multi-asset mode without 2FA, so money calls get past the second factor.
    Each operation's test runs in its own transaction: what the fuzzer changes is rolled back.
    """
    with django_db_blocker.unblock():
        market_create()
        users = get_user_model().objects
        out = {}
        customer = users.create_user("fuzz-customer", password="pw-Secret-123")
        fund_margin(customer, BTC="1", USDT="5000")
        MarginAccount.objects.filter(user=customer).update(multi_asset_mode=True)
        # A superuser: every staff endpoint is open to it (customer endpoints refuse staff).
        staff = users.create_user("fuzz-staff", password="pw-Secret-123", is_staff=True, is_superuser=True)
        for role, user in [("customer", customer), ("staff", staff)]:
            out[role] = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    yield out
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_as_a_customer(case, headers):
    case.call_and_validate(headers=headers["customer"], checks=CHECKS)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_as_staff(case, headers):
    case.call_and_validate(headers=headers["staff"], checks=CHECKS)
